/** Small numeric helpers shared by every layer (one definition each). */

/** Arithmetic mean; NaN for no values. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Mean of the finite values only (NaN / ±Infinity skipped); 0 when there are none. For metrics. */
export function finiteMean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? mean(finite) : 0;
}

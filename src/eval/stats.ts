/**
 * Statistics for pairwise evaluation, shared by the human-evaluation app (src/humaneval/) and the
 * evaluation layer: the paper's win ratio (A.2: SEER chosen = 1, tie = 0.5, baseline = 0, averaged
 * over annotators and test cases), an exact two-sided binomial (sign) test, a seeded percentile
 * bootstrap that resamples whole clusters (test cases), Fleiss' κ for many raters, Cohen's κ and
 * plain agreement for two label sequences. All functions are pure: same input (and seed), same output.
 *
 * Departure from the paper: A.2 reports significance without naming the test; we use the exact
 * sign test and a bootstrap interval, both over test cases (`caseSignTest`,
 * `bootstrapClusterMean`): votes on one case (its image seeds, its raters) are not independent, so
 * a case counts once — its score is the mean of its votes, and a case scoring exactly 0.5 is a tie
 * and is dropped, as a sign test does. `signTest` over single votes remains for callers whose votes
 * are the sampled unit.
 */
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import { mean } from '../core/math.ts';
import { outcomeOfScore, outcomeScore, type BlindOutcome } from '../roles/blind.ts';

export type Verdict = 'seer' | 'baseline' | 'tie';

/** A blind verdict's outcome (src/roles/blind.ts) in the evaluation's terms: the candidate is SEER. */
export function seerVerdict(outcome: BlindOutcome): Verdict {
  return outcome === 'candidate' ? 'seer' : outcome;
}

/** Paper A.2 scoring (the rule lives with the blind-judging helper). */
export function verdictScore(verdict: Verdict): number {
  return outcomeScore(verdict === 'seer' ? 'candidate' : verdict);
}

/** Mean of the A.2 scores; NaN for no verdicts (a cell with no votes has no win ratio). */
export function winRatio(verdicts: readonly Verdict[]): number {
  if (verdicts.length === 0) return Number.NaN;
  let sum = 0;
  for (const v of verdicts) sum += verdictScore(v);
  return sum / verdicts.length;
}


/** log(k!) by summation, cached; exact enough for n up to millions. */
const logFactorialCache: number[] = [0];
function logFactorial(n: number): number {
  for (let i = logFactorialCache.length; i <= n; i++) logFactorialCache.push((logFactorialCache[i - 1] ?? 0) + Math.log(i));
  return logFactorialCache[n] ?? 0;
}

/** P(X = k) for X ~ Binomial(n, p). */
export function binomialPmf(k: number, n: number, p: number): number {
  if (!Number.isInteger(k) || !Number.isInteger(n) || k < 0 || k > n) return 0;
  if (p === 0) return k === 0 ? 1 : 0;
  if (p === 1) return k === n ? 1 : 0;
  const logC = logFactorial(n) - logFactorial(k) - logFactorial(n - k);
  return Math.exp(logC + k * Math.log(p) + (n - k) * Math.log1p(-p));
}

/**
 * Exact two-sided binomial test of `successes` out of `trials` against probability `p`
 * (default 0.5, the sign test). Two-sided p-value = total probability of outcomes no more likely
 * than the observed one (the convention of R's binom.test); 1 when there are no trials.
 */
export function binomialTest(successes: number, trials: number, p = 0.5): number {
  if (!Number.isInteger(successes) || !Number.isInteger(trials) || successes < 0 || successes > trials) {
    throw new SeerError('bad_input', `binomialTest: need integers 0 <= successes <= trials, got ${successes}/${trials}`);
  }
  if (!(p >= 0 && p <= 1)) throw new SeerError('bad_input', `binomialTest: p must be in [0, 1], got ${p}`);
  if (trials === 0) return 1;
  const observed = binomialPmf(successes, trials, p);
  const tolerance = 1 + 1e-7; // outcomes within rounding of the observed probability count as "as extreme"
  let total = 0;
  for (let k = 0; k <= trials; k++) {
    const pk = binomialPmf(k, trials, p);
    if (pk <= observed * tolerance) total += pk;
  }
  return Math.min(1, total);
}

export interface SignTestResult {
  wins: number;
  losses: number;
  /** Ties, dropped from the test. */
  ties: number;
  pValue: number;
}

/** Sign test of SEER against a baseline over single votes: ties are dropped, wins vs losses tested against 1/2. */
export function signTest(verdicts: readonly Verdict[]): SignTestResult {
  let wins = 0;
  let losses = 0;
  let ties = 0;
  for (const v of verdicts) {
    if (v === 'seer') wins++;
    else if (v === 'baseline') losses++;
    else ties++;
  }
  return { wins, losses, ties, pValue: binomialTest(wins, wins + losses) };
}

/**
 * Sign test over cases: each cluster holds one case's A.2 scores (its image seeds or raters); the
 * case wins when their mean is above 0.5, loses below, and is a tie — dropped — at exactly 0.5
 * (exact: the scores are multiples of 0.5). Counts are cases. Empty clusters are ignored.
 */
export function caseSignTest(clusters: readonly (readonly number[])[]): SignTestResult {
  return signTest(clusters.filter((c) => c.length > 0).map((c) => seerVerdict(outcomeOfScore(mean(c)))));
}

/** The q-quantile of sorted values with linear interpolation (type 7, as R's default). */
export function quantileSorted(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const h = (sorted.length - 1) * q;
  const lo = Math.floor(h);
  const hi = Math.ceil(h);
  const a = sorted[lo] ?? Number.NaN;
  const b = sorted[hi] ?? Number.NaN;
  return a + (h - lo) * (b - a);
}

export interface BootstrapOptions {
  /** Number of resamples; 2000 gives a stable 95% percentile interval. */
  resamples?: number;
  /** Coverage of the interval. */
  level?: number;
  seed?: number;
}

/**
 * Percentile bootstrap interval of the pooled mean of clustered values: each resample draws
 * clusters (e.g. test cases, with all their votes) with replacement and takes the mean over all
 * values drawn. Clusters may differ in size; empty clusters are ignored.
 */
export function bootstrapClusterMean(
  clusters: readonly (readonly number[])[],
  options: BootstrapOptions = {},
): { estimate: number; low: number; high: number; resamples: number } {
  const resamples = options.resamples ?? 2000;
  const level = options.level ?? 0.95;
  if (!Number.isInteger(resamples) || resamples < 1) throw new SeerError('bad_input', `bootstrap: resamples must be a positive integer, got ${resamples}`);
  if (!(level > 0 && level < 1)) throw new SeerError('bad_input', `bootstrap: level must be in (0, 1), got ${level}`);
  const nonEmpty = clusters.filter((c) => c.length > 0);
  const sums = nonEmpty.map((c) => c.reduce((s, v) => s + v, 0));
  const sizes = nonEmpty.map((c) => c.length);
  const estimate = sizes.length ? sums.reduce((a, b) => a + b, 0) / sizes.reduce((a, b) => a + b, 0) : Number.NaN;
  if (nonEmpty.length === 0) return { estimate, low: Number.NaN, high: Number.NaN, resamples };
  const rng = new Rng(options.seed ?? 0).fork('bootstrap');
  const stats: number[] = new Array<number>(resamples);
  const k = nonEmpty.length;
  for (let r = 0; r < resamples; r++) {
    let sum = 0;
    let count = 0;
    for (let i = 0; i < k; i++) {
      const j = rng.int(k);
      sum += sums[j] ?? 0;
      count += sizes[j] ?? 0;
    }
    stats[r] = sum / count;
  }
  stats.sort((a, b) => a - b);
  const alpha = (1 - level) / 2;
  return { estimate, low: quantileSorted(stats, alpha), high: quantileSorted(stats, 1 - alpha), resamples };
}

/**
 * Fleiss' κ from an items × categories table of counts (`table[i][j]` = raters who put item i in
 * category j). Items may have different numbers of raters (the usual generalisation: each item's
 * agreement is computed from its own count); items with fewer than two ratings are skipped.
 * Returns NaN when fewer than one usable item or when chance agreement is 1 (one category only).
 */
export function fleissKappa(table: readonly (readonly number[])[]): { kappa: number; observed: number; expected: number; items: number } {
  const rows = table.filter((row) => row.reduce((a, b) => a + b, 0) >= 2);
  if (rows.length === 0) return { kappa: Number.NaN, observed: Number.NaN, expected: Number.NaN, items: 0 };
  const categories = Math.max(...rows.map((r) => r.length));
  const totals = new Array<number>(categories).fill(0);
  let allRatings = 0;
  let observedSum = 0;
  for (const row of rows) {
    const n = row.reduce((a, b) => a + b, 0);
    let agree = 0;
    row.forEach((count, j) => {
      if (!Number.isInteger(count) || count < 0) throw new SeerError('bad_input', `fleissKappa: counts must be non-negative integers, got ${count}`);
      agree += count * (count - 1);
      totals[j] = (totals[j] ?? 0) + count;
    });
    observedSum += agree / (n * (n - 1));
    allRatings += n;
  }
  const observed = observedSum / rows.length;
  const expected = totals.reduce((s, t) => s + (t / allRatings) ** 2, 0);
  const kappa = expected === 1 ? Number.NaN : (observed - expected) / (1 - expected);
  return { kappa, observed, expected, items: rows.length };
}

/** Fraction of positions where two equally long label sequences agree (NaN when empty). */
export function agreementRate<T>(a: readonly T[], b: readonly T[]): number {
  if (a.length !== b.length) throw new SeerError('bad_input', `agreementRate: sequences differ in length (${a.length} vs ${b.length})`);
  if (a.length === 0) return Number.NaN;
  let same = 0;
  for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
  return same / a.length;
}

/** Cohen's κ between two raters' labels of the same items (NaN when chance agreement is 1). */
export function cohenKappa<T>(a: readonly T[], b: readonly T[]): number {
  const observed = agreementRate(a, b);
  if (Number.isNaN(observed)) return Number.NaN;
  const countA = new Map<T, number>();
  const countB = new Map<T, number>();
  for (const x of a) countA.set(x, (countA.get(x) ?? 0) + 1);
  for (const x of b) countB.set(x, (countB.get(x) ?? 0) + 1);
  let expected = 0;
  for (const [label, ca] of countA) expected += (ca / a.length) * ((countB.get(label) ?? 0) / b.length);
  return expected === 1 ? Number.NaN : (observed - expected) / (1 - expected);
}

/** The most frequent label; null on a tie for the top (no majority) or no labels. */
export function majority<T>(labels: readonly T[]): T | null {
  const counts = new Map<T, number>();
  for (const x of labels) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best: T | null = null;
  let bestCount = 0;
  let tied = false;
  for (const [label, count] of counts) {
    if (count > bestCount) {
      best = label;
      bestCount = count;
      tied = false;
    } else if (count === bestCount) tied = true;
  }
  return tied ? null : best;
}

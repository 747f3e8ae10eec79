/**
 * The paper's table layout, shared by Tables 1–3: Total, then In-Distribution and Out-Of-
 * Distribution, each overall / Simple / Hard. `bySplit(cell)` builds one table from a function that
 * computes a cell for the rows a predicate keeps.
 */
export interface SplitKey {
  split: 'id' | 'ood';
  difficulty: 'simple' | 'hard';
}

export interface SplitTable<C> {
  total: C;
  id: Record<'overall' | 'simple' | 'hard', C>;
  ood: Record<'overall' | 'simple' | 'hard', C>;
}

export function bySplit<C>(cell: (keep: (row: SplitKey) => boolean) => C): SplitTable<C> {
  const split = (s: 'id' | 'ood') => ({
    overall: cell((r) => r.split === s),
    simple: cell((r) => r.split === s && r.difficulty === 'simple'),
    hard: cell((r) => r.split === s && r.difficulty === 'hard'),
  });
  return { total: cell(() => true), id: split('id'), ood: split('ood') };
}

/** Four decimals for reports; non-finite values pass through. */
export function round4(x: number): number {
  return Number.isFinite(x) ? Math.round(x * 1e4) / 1e4 : x;
}

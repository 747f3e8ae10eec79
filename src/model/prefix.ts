/**
 * Shared prefixes: GRPO gives every context G completions, so a batch of B = P·G rows holds only P
 * distinct contexts. Sampling (./sampling.ts) prefills each distinct context once and forks its KV
 * cache to its rows; training log-probs (./logprobs.ts) forward each context once and let every
 * completion attend to its keys/values. The fork is an `indexSelect` on the batch dimension, so
 * under autograd its backward sums the G rows' gradients into the one shared prefix.
 */
import { T, type Tensor } from '../engine/torch.ts';
import type { KvCache } from './transformer.ts';

export interface ContextGroups {
  /** The distinct contexts, in order of first appearance. */
  distinct: (readonly number[])[];
  /** [B] index into `distinct` of each row's context. */
  rowGroup: Int32Array;
}

/** Group rows by identical context (token for token). */
export function groupByContext(contexts: readonly (readonly number[])[]): ContextGroups {
  const index = new Map<string, number>();
  const distinct: (readonly number[])[] = [];
  const rowGroup = new Int32Array(contexts.length);
  contexts.forEach((context, b) => {
    const key = context.join(',');
    let g = index.get(key);
    if (g === undefined) {
      g = distinct.length;
      index.set(key, g);
      distinct.push(context);
    }
    rowGroup[b] = g;
  });
  return { distinct, rowGroup };
}

/** True when every row has its own context (then forking would only copy). */
export function allDistinct(groups: ContextGroups): boolean {
  return groups.distinct.length === groups.rowGroup.length;
}

/**
 * A cache for B rows from a cache for P distinct prefixes: row b gets prefix `rowGroup[b]`'s
 * keys and values ([P, H, T, hd] → [B, H, T, hd] per layer). Differentiable.
 */
export function forkCache(cache: KvCache, rowGroup: Int32Array): KvCache {
  const rows = T.fromInt32(rowGroup, [rowGroup.length]);
  return {
    keys: cache.keys.map((k) => T.indexSelect(k, 0, rows)), // [B, H, T, hd]
    values: cache.values.map((v) => T.indexSelect(v, 0, rows)), // [B, H, T, hd]
    length: cache.length,
  };
}

/** Rows of `x` [P, ...] for each of the B rows: [B, ...]. Differentiable. */
export function forkRows(x: Tensor, rowGroup: Int32Array): Tensor {
  return T.indexSelect(x, 0, T.fromInt32(rowGroup, [rowGroup.length]));
}

/**
 * The rows in group order when every one of the P groups has the same number of rows (slot s holds
 * row `order[s]`, and slots p·G … p·G + G − 1 are group p's), else null.
 */
export function groupOrder(rowGroup: Int32Array, P: number): Int32Array | null {
  const B = rowGroup.length;
  if (B % P !== 0) return null;
  const G = B / P;
  const filled = new Int32Array(P);
  const order = new Int32Array(B);
  for (let b = 0; b < B; b++) {
    const p = rowGroup[b] as number;
    if ((filled[p] as number) >= G) return null;
    order[p * G + (filled[p] as number)] = b;
    filled[p] = (filled[p] as number) + 1;
  }
  return order;
}

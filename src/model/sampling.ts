/**
 * Batched autoregressive sampling with a KV cache (transformers.js style: logits processors,
 * sampler, stopping criteria). Contexts of different lengths are left-padded; a key-padding mask
 * hides the pads and positions restart at each row's first real token. Rows with the same context
 * are prefilled once; with equal group sizes the rows attend to one shared copy of the prefix's
 * keys and values (`KvCache.prefix`), otherwise the cache forks to the rows (./prefix.ts). Seeded per row: the same seed gives the
 * same tokens. Each decoding step frees its intermediates at once, so memory stays
 * at the KV cache's size (O(T), not O(T²)) however long the completion.
 */
import { Rng, hashSeed } from '../core/rng.ts';
import { T, noGrad, tidy, type Tensor } from '../engine/torch.ts';
import { forkCache, forkRows, groupByContext, groupOrder } from './prefix.ts';
import type { JoinedWeights, KvCache, Transformer } from './transformer.ts';

/**
 * Edit `logits` of row `row` in place before sampling (e.g. −Infinity outside allowed tokens):
 * [V], or with `tokenRange` [from, to) only those ids' logits (index i is id from + i).
 */
export type LogitsProcessor = (logits: Float32Array, row: number, generated: readonly number[]) => void;

export interface SampleOptions {
  maxNewTokens: number;
  temperature: number;
  topP: number;
  seed: number;
  /** One seed per row: row b then depends only on its own context and seed, not on the batch. */
  rowSeeds?: readonly number[];
  /**
   * Index of this batch's first row in a larger batch split into chunks: without `rowSeeds`, row b
   * samples from the stream of row `firstRow + b`, so a chunked batch draws what the whole would.
   */
  firstRow?: number;
  stopTokens?: readonly number[];
  logitsProcessor?: LogitsProcessor;
  /**
   * Sample only ids in [from, to) (an image's codes, or text): the same draw as −Infinity
   * everywhere else, with the output head computed for those ids only.
   */
  tokenRange?: readonly [number, number];
  /** Token used for left padding (any id; it is masked out). */
  padToken?: number;
  /**
   * Classifier-free guidance: row b is drawn from u + scale · (c − u), where c are its logits after
   * its context and u its logits after `contexts[b]` (the unconditional context) followed by the
   * same tokens. The unconditional rows decode beside the conditional ones (twice the rows).
   */
  guidance?: { scale: number; contexts: readonly (readonly number[])[] };
}

export interface SampledSequence {
  tokens: number[];
  truncated: boolean;
}

export function sample(model: Transformer, contexts: readonly (readonly number[])[], options: SampleOptions): SampledSequence[] {
  const B = contexts.length;
  if (B === 0) return [];
  const guidance = options.guidance;
  if (guidance && guidance.contexts.length !== B) throw new RangeError(`sample: ${B} contexts but ${guidance.contexts.length} unconditional contexts`);
  // With guidance, rows B … 2B − 1 decode the unconditional contexts with row b − B's tokens.
  const rows = guidance ? [...contexts, ...guidance.contexts] : contexts;
  const R = rows.length;
  const V = model.vocabSize;
  const maxLen = Math.max(...rows.map((c) => c.length));
  // Positions restart at each row's first real token, so each row may grow to the model's context
  // length on its own: a long context in the batch does not cut the others' completions short.
  const rowBudget = contexts.map((c, b) => Math.min(options.maxNewTokens, Math.max(0, model.config.contextLength - Math.max(c.length, guidance?.contexts[b]?.length ?? 0))));
  const steps = Math.max(...rowBudget);
  const rngs = contexts.map((_, b) => new Rng(options.rowSeeds ? hashSeed(options.rowSeeds[b] ?? 0, 'row') : hashSeed(options.seed, `row-${(options.firstRow ?? 0) + b}`)));
  const stop = new Set(options.stopTokens ?? []);
  const [from, to] = options.tokenRange ?? [0, V];
  if (!(from >= 0 && from < to && to <= V)) throw new RangeError(`sample: tokenRange [${from}, ${to}) is not inside the vocabulary of ${V}`);
  const W = to - from; // logits per row
  const out: SampledSequence[] = contexts.map(() => ({ tokens: [], truncated: true }));
  const done = rowBudget.map((n) => n === 0); // a row already at the context length draws nothing
  // Rows with the same context (GRPO's G completions of a prompt) share one prefill: the P
  // distinct contexts run once. When every context has the same number G > 1 of rows, decoding
  // keeps the P prefixes' keys and values once (`KvCache.prefix`), the rows run in group order
  // ("slots") and only their own tokens are cached per row; otherwise the prefix cache forks to the
  // rows (or, with one row per context, simply grows).
  const groups = groupByContext(rows);
  const { distinct, rowGroup } = groups;
  const P = distinct.length;
  // Only for G > 1: with one row per context the split attention costs more than it saves
  // (measured: 32 distinct 190-token contexts, 50 against 40 ms a step).
  const slots = P < R ? groupOrder(rowGroup, P) : null; // slot s decodes row slots[s]; null: plain or forked cache
  const rowOf = slots ?? Int32Array.from({ length: R }, (_, r) => r);
  const slotOf = new Int32Array(R);
  rowOf.forEach((r, slot) => (slotOf[r] = slot));
  return noGrad(() =>
    tidy(() => {
      const joined = model.joinedWeights(); // no update during a sampling call
      // The head's columns for the sampled ids only [d, W]: the largest product of a decoding step at V.
      const head = W === V ? joined.head : T.contiguous(T.narrow(joined.head, 1, from, W));
      let cache: KvCache = { keys: [], values: [], length: 0 };
      const ids = new Int32Array(P * maxLen);
      const pos = new Int32Array(P * maxLen);
      const pad = new Int32Array(P * maxLen);
      distinct.forEach((ctx, p) => {
        const offset = maxLen - ctx.length;
        for (let t = 0; t < maxLen; t++) {
          ids[p * maxLen + t] = t < offset ? (options.padToken ?? 0) : (ctx[t - offset] as number);
          pos[p * maxLen + t] = Math.max(0, t - offset);
          pad[p * maxLen + t] = t < offset ? 1 : 0;
        }
      });
      let keyPad: Tensor = T.toBool(T.fromInt32(pad, [P, maxLen])); // [P, T_keys], true = pad
      let logits = decodeStep(model, joined, head, cache, keyPad, ids, pos, P, maxLen); // [P·W]
      if (slots) {
        cache = { keys: [], values: [], length: 0, prefix: { keys: cache.keys, values: cache.values, keyPad, groupSize: R / P } };
      } else if (P < R) {
        const prefix = cache;
        cache = tidy(() => forkCache(prefix, rowGroup)); // [R, H, T, hd] per layer
        for (const t of [...prefix.keys, ...prefix.values]) t.dispose();
        const forked: Tensor = tidy(() => forkRows(keyPad, rowGroup)); // [R, T_keys]
        keyPad.dispose();
        keyPad = forked;
      }
      cache = withCapacity(model, cache, R, steps);
      if (P < R) {
        const perSlot = new Float32Array(R * W);
        rowOf.forEach((r, slot) => {
          const p = rowGroup[r] as number;
          perSlot.set(logits.subarray(p * W, (p + 1) * W), slot * W);
        });
        logits = perSlot; // [R·W], in slot order
      }
      const nextPos = rows.map((c) => c.length);
      for (let step = 0; step < steps; step++) {
        const chosen = new Int32Array(R);
        for (let b = 0; b < B; b++) {
          if (done[b]) continue;
          const slot = slotOf[b] as number;
          const row = logits.slice(slot * W, (slot + 1) * W);
          if (guidance) {
            const u = slotOf[B + b] as number;
            for (let k = 0; k < W; k++) {
              const uncond = logits[u * W + k] as number;
              row[k] = uncond + guidance.scale * ((row[k] as number) - uncond);
            }
          }
          options.logitsProcessor?.(row, b, (out[b] as SampledSequence).tokens);
          const token = from + pick(row, options.temperature, options.topP, rngs[b] as Rng);
          chosen[slot] = token;
          if (guidance) chosen[slotOf[B + b] as number] = token;
          (out[b] as SampledSequence).tokens.push(token);
          if (stop.has(token)) {
            done[b] = true;
            (out[b] as SampledSequence).truncated = false;
          } else if ((out[b] as SampledSequence).tokens.length >= (rowBudget[b] as number)) done[b] = true; // truncated
        }
        if (done.every(Boolean) || step === steps - 1) break;
        if (!cache.prefix) {
          const grown: Tensor = tidy(() => T.cat([keyPad, T.toBool(T.zeros([R, 1]))], 1));
          keyPad.dispose();
          keyPad = grown;
        }
        const stepPos = Int32Array.from(rowOf, (r) => (nextPos[r] as number) + (out[r % B] as SampledSequence).tokens.length - 1);
        logits = decodeStep(model, joined, head, cache, keyPad, chosen, stepPos, R, 1);
      }
      return out;
    }),
  );
}

/**
 * One forward pass over `ids` [B, Tlen] that extends `cache`; returns the last position's logits
 * [B·W] through `head` [d, W]. Everything else it made is freed, and so are the cache tensors it replaced.
 */
function decodeStep(model: Transformer, joined: JoinedWeights, head: Tensor, cache: KvCache, keyPad: Tensor, ids: Int32Array, pos: Int32Array, B: number, Tlen: number): Float32Array {
  const replaced = cache.capacity === undefined ? [...cache.keys, ...cache.values] : []; // buffers are written in place
  const logits = tidy(() => {
    const hidden = model.hidden(T.fromInt32(ids, [B, Tlen]), T.fromInt32(pos, [B, Tlen]), { cache, keyPad, joined }); // [B, Tlen, d]
    const last = T.matmul(T.reshape(T.narrow(hidden, 1, Tlen - 1, 1), [B, model.config.dModel]), head).toFloat32(); // [B, W]: the head at the last position only
    return { last, keep: [...cache.keys, ...cache.values] };
  }).last;
  for (const t of replaced) t.dispose();
  return logits;
}

/** Temperature, then nucleus (top-p), then a draw; temperature 0 is greedy. */
export function pick(logits: Float32Array, temperature: number, topP: number, rng: Rng): number {
  let best = 0;
  for (let k = 1; k < logits.length; k++) if ((logits[k] as number) > (logits[best] as number)) best = k;
  if (temperature <= 0) return best;
  const max = logits[best] as number;
  const probs = new Float64Array(logits.length);
  let sum = 0;
  for (let k = 0; k < logits.length; k++) {
    const v = logits[k] as number;
    probs[k] = v === -Infinity ? 0 : Math.exp((v - max) / temperature);
    sum += probs[k] as number;
  }
  // Keep tokens with probability ≥ threshold: with top-p < 1 the threshold is the probability at
  // which the mass, summed from the top, first reaches top-p (ties there are all kept). Only
  // candidates are sorted (typed arrays, native sort): a token below (1 − topP)·sum / V can never
  // enter the nucleus (were it in, it and every token outside would hold less than 1 − topP of the
  // mass), so the walk from the top meets the same tokens in the same order and reaches top-p
  // before it runs out of them. Half that bound leaves room for rounding; should the walk still run
  // out, every positive probability is sorted, and if even those fall short, all tokens are kept
  // (what a sort of all V gave). Sorting all V was ~0.1 ms a row at V 905.
  let threshold = Number.MIN_VALUE;
  if (topP < 1) {
    const walk = (floor: number): number | null => {
      let n = 0;
      for (let k = 0; k < probs.length; k++) if ((probs[k] as number) > floor) n++;
      const sorted = new Float64Array(n);
      for (let k = 0, i = 0; k < probs.length; k++) if ((probs[k] as number) > floor) sorted[i++] = probs[k] as number;
      sorted.sort();
      let mass = 0;
      for (let i = n - 1; i >= 0; i--) {
        mass += sorted[i] as number;
        if (mass >= topP * sum) return sorted[i] as number;
      }
      return null;
    };
    threshold = walk(((1 - topP) * sum) / probs.length / 2) ?? walk(0) ?? (probs.some((p) => p === 0) ? 0 : Math.min(...probs));
  }
  let total = 0;
  for (let k = 0; k < probs.length; k++) if ((probs[k] as number) >= threshold) total += probs[k] as number;
  let r = rng.next() * total;
  let last = best;
  for (let k = 0; k < probs.length; k++) {
    const p = probs[k] as number;
    if (p < threshold) continue;
    last = k;
    r -= p;
    if (r <= 0) return k;
  }
  return last;
}

/**
 * The cache as buffers with room for `extra` more positions (`KvCache.capacity`), holding what it
 * cached so far; the tensors it held are freed. An empty cache (rows after a shared prefix) gets
 * buffers for `rows` rows.
 */
function withCapacity(model: Transformer, cache: KvCache, rows: number, extra: number): KvCache {
  const { nHeads, dModel, nLayers } = model.config;
  const capacity = cache.length + extra;
  const buffer = (filled: Tensor | undefined): Tensor => {
    const out = T.zeros([rows, nHeads, capacity, dModel / nHeads]); // [rows, H, capacity, hd]
    if (filled) {
      T.narrow(out, 2, 0, cache.length).copyFrom(filled);
      filled.dispose();
    }
    return out;
  };
  const layers = Array.from({ length: nLayers }, (_, l) => l);
  return { ...cache, keys: layers.map((l) => buffer(cache.keys[l])), values: layers.map((l) => buffer(cache.values[l])), capacity };
}

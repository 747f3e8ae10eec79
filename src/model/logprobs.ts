/**
 * Per-token log-probabilities and entropies of given completions after given contexts — the
 * quantity GRPO needs (log π(o_t | q, o_<t), paper Eq. 1–2) and the pretraining loss uses.
 * Differentiable unless called inside `noGrad`.
 *
 * Shared prefixes (./prefix.ts): rows with the same context — GRPO's G completions of one prompt —
 * forward that context once. Pass 1 runs the P distinct contexts [P, Lp] (right-padded: the
 * decoder is causal, so padding never reaches a real position) and keeps their keys/values; pass 2
 * runs every row's completion tokens but the last [B, C−1], attending to its prefix's keys/values
 * with the prefix padding masked: when each context's rows are consecutive and equally many, to the
 * one copy of them (`KvCache.prefix`: the G rows' queries stacked against it, so its gradient sums
 * over the group in the product); otherwise to a per-row fork (`indexSelect`, whose backward sums
 * the G rows' gradients into the shared prefix). The same maths as one forward over each `context + completion`
 * (src/model/logprobs.test.ts proves log-probs and parameter gradients equal in float64).
 *
 * Only the C positions that predict completion tokens — the context's last position, then each
 * completion position but the last — go through the output head and log-softmax.
 */
import { SeerError } from '../core/errors.ts';
import { T, type Tensor } from '../engine/torch.ts';
import { allDistinct, forkCache, forkRows, groupByContext, groupOrder } from './prefix.ts';
import type { KvCache, Transformer } from './transformer.ts';

export interface TokenLogProbs {
  /** [B, C] log p(completion[b][k] | context[b], completion[b][<k]); 0 beyond a row's length. */
  logp: Tensor;
  /** [B, C] entropy of the next-token distribution at the same positions. */
  entropy: Tensor;
  /** Completion length per row. */
  lengths: number[];
}

export function tokenLogProbs(model: Transformer, contexts: readonly (readonly number[])[], completions: readonly (readonly number[])[]): TokenLogProbs {
  const B = contexts.length;
  if (B === 0 || completions.length !== B) {
    throw new SeerError('bad_input', `tokenLogProbs needs one completion per context and at least one row (got ${B} contexts, ${completions.length} completions)`);
  }
  const lengths = completions.map((c) => c.length);
  const C = Math.max(1, ...lengths);
  const L = Math.max(...contexts.map((c, b) => c.length + (completions[b] as readonly number[]).length));
  contexts.forEach((c, b) => {
    if (c.length === 0) throw new SeerError('bad_input', `row ${b}: the context is empty (it needs at least a <bos> token)`);
  });
  if (L > model.config.contextLength) {
    throw new SeerError('bad_input', `a row has ${L} tokens but the model's context length is ${model.config.contextLength}: shorten the prompt or the completion`);
  }
  const groups = groupByContext(contexts);
  const { distinct, rowGroup } = groups;
  const P = distinct.length;
  const Lp = Math.max(...distinct.map((c) => c.length));
  const d = model.config.dModel;
  // Pass 1: each distinct context once, right-padded.
  const prefixIds = new Int32Array(P * Lp);
  const prefixPos = new Int32Array(P * Lp);
  const lastAt = new Int32Array(P);
  distinct.forEach((ctx, p) => {
    for (let t = 0; t < Lp; t++) {
      prefixIds[p * Lp + t] = ctx[t] ?? 0;
      prefixPos[p * Lp + t] = t;
    }
    lastAt[p] = ctx.length - 1;
  });
  const cache: KvCache = { keys: [], values: [], length: 0 };
  const prefixHidden = model.hidden(T.fromInt32(prefixIds, [P, Lp]), T.fromInt32(prefixPos, [P, Lp]), { cache }); // [P, Lp, d]
  const last = T.gather(prefixHidden, 1, T.expand(T.fromInt32(lastAt, [P, 1, 1]), [P, 1, d])); // [P, 1, d]
  let scored = allDistinct(groups) ? last : forkRows(last, rowGroup); // [B, 1, d]: predicts completion token 0
  // Pass 2: completion tokens 0..C−2 (their outputs predict tokens 1..C−1) after their prefix.
  if (C > 1) {
    const Cin = C - 1;
    const ids = new Int32Array(B * Cin);
    const pos = new Int32Array(B * Cin);
    contexts.forEach((ctx, b) => {
      const completion = completions[b] as readonly number[];
      for (let k = 0; k < Cin; k++) {
        ids[b * Cin + k] = completion[k] ?? 0;
        pos[b * Cin + k] = Math.min(ctx.length + k, model.config.contextLength - 1); // clamped only past a row's end
      }
    });
    let completionHidden: Tensor; // [B, C−1, d]
    if (inGroupOrder(rowGroup, P)) {
      // Rows of one context are consecutive and equal in number: they attend to the one copy of
      // its keys/values (`KvCache.prefix`), whose gradients then sum over the group in the matmul.
      const prefixPad = new Int32Array(P * Lp);
      distinct.forEach((ctx, p) => prefixPad.fill(1, p * Lp + ctx.length, (p + 1) * Lp)); // the prefix's right padding
      const prefix = { keys: cache.keys, values: cache.values, keyPad: T.toBool(T.fromInt32(prefixPad, [P, Lp])), groupSize: B / P };
      completionHidden = model.hidden(T.fromInt32(ids, [B, Cin]), T.fromInt32(pos, [B, Cin]), { cache: { keys: [], values: [], length: 0, prefix } });
    } else {
      const pad = new Int32Array(B * (Lp + Cin));
      contexts.forEach((ctx, b) => pad.fill(1, b * (Lp + Cin) + ctx.length, b * (Lp + Cin) + Lp)); // the prefix's right padding
      const rowsCache = allDistinct(groups) ? cache : forkCache(cache, rowGroup); // [B, H, Lp, hd] per layer
      const keyPad = T.toBool(T.fromInt32(pad, [B, Lp + Cin])); // [B, Lp + Cin]
      completionHidden = model.hidden(T.fromInt32(ids, [B, Cin]), T.fromInt32(pos, [B, Cin]), { cache: rowsCache, keyPad });
    }
    scored = T.cat([scored, completionHidden], 1); // [B, C, d]
  }
  const targets = new Int32Array(B * C);
  completions.forEach((completion, b) => {
    for (let k = 0; k < (lengths[b] as number); k++) targets[b * C + k] = completion[k] as number;
  });
  const logSoftmax = T.logSoftmax(model.head(scored), -1); // [B, C, V]
  const picked = T.gather(logSoftmax, 2, T.unsqueeze(T.fromInt32(targets, [B, C]), 2)); // [B, C, 1]
  const mask = new Float32Array(B * C);
  lengths.forEach((n, b) => mask.fill(1, b * C, b * C + n));
  const valid = T.cast(T.fromFloat32(mask, [B, C]), logSoftmax.dtype() === 'Double' ? 'float64' : 'float32'); // [B, C]
  const logp = T.mul(T.reshape(picked, [B, C]), valid);
  const entropy = T.mul(T.neg(T.sum(T.mul(T.exp(logSoftmax), logSoftmax), [2])), valid); // [B, C]
  return { logp, entropy, lengths };
}

/** True when the rows of each of the P contexts are consecutive and equally many (GRPO's layout). */
function inGroupOrder(rowGroup: Int32Array, P: number): boolean {
  const order = groupOrder(rowGroup, P);
  return order !== null && order.every((b, slot) => b === slot);
}

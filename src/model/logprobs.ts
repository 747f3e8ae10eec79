/**
 * Per-token log-probabilities and entropies of given completions after given contexts — the
 * quantity GRPO needs (log π(o_t | q, o_<t), paper Eq. 1–2) and the pretraining loss uses.
 * Differentiable unless called inside `noGrad`. Rows are right-padded to the longest row; the
 * decoder is causal, so the padding never reaches a real position.
 *
 * Only the C positions that predict completion tokens go through log-softmax (not all T of them):
 * at V ≈ 1–2.5k that is most of the head's cost saved for short completions.
 */
import { SeerError } from '../core/errors.ts';
import { T, type Tensor } from '../engine/torch.ts';
import type { Transformer } from './transformer.ts';

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
  const full = contexts.map((c, b) => [...c, ...(completions[b] as readonly number[])]);
  const L = Math.max(...full.map((f) => f.length));
  contexts.forEach((c, b) => {
    if (c.length === 0) throw new SeerError('bad_input', `row ${b}: the context is empty (it needs at least a <bos> token)`);
  });
  if (L > model.config.contextLength) {
    throw new SeerError('bad_input', `a row has ${L} tokens but the model's context length is ${model.config.contextLength}: shorten the prompt or the completion`);
  }
  const ids = new Int32Array(B * L);
  const pos = new Int32Array(B * L);
  const at = new Int32Array(B * C);
  const targets = new Int32Array(B * C);
  full.forEach((seq, b) => {
    for (let t = 0; t < L; t++) {
      ids[b * L + t] = seq[t] ?? 0;
      pos[b * L + t] = t;
    }
    const ctxLen = (contexts[b] as readonly number[]).length;
    for (let k = 0; k < C; k++) {
      at[b * C + k] = Math.min(ctxLen - 1 + k, L - 1); // position whose logits predict completion token k
      targets[b * C + k] = k < (lengths[b] as number) ? ((completions[b] as readonly number[])[k] as number) : 0;
    }
  });
  const V = model.vocabSize;
  const logits = model.forward(T.fromInt32(ids, [B, L]), T.fromInt32(pos, [B, L])); // [B, L, V]
  const index = T.expand(T.unsqueeze(T.fromInt32(at, [B, C]), 2), [B, C, V]); // [B, C, V]
  const logSoftmax = T.logSoftmax(T.gather(logits, 1, index), -1); // [B, C, V]
  const picked = T.gather(logSoftmax, 2, T.unsqueeze(T.fromInt32(targets, [B, C]), 2)); // [B, C, 1]
  const mask = new Float32Array(B * C);
  lengths.forEach((n, b) => mask.fill(1, b * C, b * C + n));
  const valid = T.cast(T.fromFloat32(mask, [B, C]), logits.dtype() === 'Double' ? 'float64' : 'float32'); // [B, C]
  const logp = T.mul(T.reshape(picked, [B, C]), valid);
  const entropy = T.mul(T.neg(T.sum(T.mul(T.exp(logSoftmax), logSoftmax), [2])), valid); // [B, C]
  return { logp, entropy, lengths };
}

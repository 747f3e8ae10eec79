/**
 * Exactness of shared-prefix log-probs (./logprobs.ts): for a batch whose rows share contexts the
 * way GRPO's groups do (interleaved, different context and completion lengths, an empty
 * completion, a short context beside a long one), the per-token log-probs, entropies and the
 * parameter gradients of a weighted sum of log-probs equal those of the plain computation — one
 * full forward over each `context + completion` on its own, the output head at every position —
 * to float64 rounding, and to float32 rounding in the production dtype.
 */
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../core/rng.ts';
import { T, engine, noGrad, tidy, type FloatDtype, type Tensor } from '../engine/torch.ts';
import { tokenLogProbs } from './logprobs.ts';
import { Transformer } from './transformer.ts';

engine.setup({ threads: 1, seed: 0 });

/** A small model with weights large enough that attention and the head are far from uniform. */
function makeModel(dtype: FloatDtype): Transformer {
  const model = new Transformer({ textVocab: 30, imageVocab: 10, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 24, seed: 3 }, { dtype });
  noGrad(() => tidy(() => {
    for (const p of model.parameters) if (!p.name.includes('.ln') && !p.name.startsWith('ln_f')) p.tensor.copyFrom(T.mulScalar(p.tensor, 25));
  }));
  return model;
}

const rng = new Rng(17);
const tokens = (n: number) => Array.from({ length: n }, () => rng.int(40));
const ctxA = tokens(7);
const ctxB = tokens(12);
const ctxC = tokens(22); // with a completion of 1: 23 of 24 positions, beside 7-token completions
interface Batch {
  contexts: number[][];
  completions: number[][];
  weights: number[][];
}
const batch = (contexts: number[][], completions: number[][]): Batch => ({ contexts, completions, weights: completions.map((c) => c.map(() => rng.normal())) });
/** Interleaved groups of unequal size: every row attends to a per-row fork of its prefix. */
const interleaved = batch([ctxA, ctxB, ctxA, ctxC, ctxB, ctxA, ctxC, ctxA, ctxB], [tokens(3), tokens(0), tokens(5), tokens(1), tokens(4), tokens(2), tokens(2), tokens(7), tokens(1)]);
/** GRPO's layout, G consecutive rows per context: they attend to one copy of it (`KvCache.prefix`). */
const grouped = batch([ctxA, ctxA, ctxA, ctxB, ctxB, ctxB, ctxC, ctxC, ctxC], [tokens(3), tokens(0), tokens(7), tokens(4), tokens(1), tokens(6), tokens(2), tokens(1), tokens(0)]);
const { contexts, completions } = interleaved;

interface Result {
  logp: number[][];
  entropy: number[][];
  grads: Map<string, Float64Array>;
}

function gradsOf(model: Transformer): Map<string, Float64Array> {
  const out = new Map<string, Float64Array>();
  for (const p of model.parameters) {
    const g = p.tensor.grad();
    out.set(p.name, g ? tidy(() => T.cast(g, 'float64').toFloat64()) : new Float64Array(0));
    g?.dispose();
    p.tensor.zeroGrad();
  }
  return out;
}

/** The unshared computation: each row alone, one forward over context + completion, the head everywhere. */
function reference(model: Transformer, { contexts, completions, weights }: Batch): Result {
  const logp: number[][] = [];
  const entropy: number[][] = [];
  tidy(() => {
    let loss: Tensor | null = null;
    contexts.forEach((ctx, b) => {
      const completion = completions[b] as number[];
      const full = [...ctx, ...completion];
      const L = full.length;
      const logits = model.forward(T.fromInt32(Int32Array.from(full), [1, L]), T.fromInt32(Int32Array.from(full, (_, t) => t), [1, L])); // [1, L, V]
      const all = T.reshape(T.logSoftmax(logits, -1), [L, model.vocabSize]); // [L, V]
      const values = all.toFloat64();
      const V = model.vocabSize;
      logp.push(completion.map((tok, k) => values[(ctx.length - 1 + k) * V + tok] as number));
      entropy.push(completion.map((_, k) => {
        let h = 0;
        for (let v = 0; v < V; v++) {
          const lp = values[(ctx.length - 1 + k) * V + v] as number;
          h -= Math.exp(lp) * lp;
        }
        return h;
      }));
      completion.forEach((tok, k) => {
        const term = T.mulScalar(T.narrow(T.narrow(all, 0, ctx.length - 1 + k, 1), 1, tok, 1), (weights[b] as number[])[k] as number);
        loss = loss ? T.add(loss, term) : term;
      });
    });
    (loss as unknown as Tensor).backward();
  });
  return { logp, entropy, grads: gradsOf(model) };
}

function shared(model: Transformer, { contexts, completions, weights }: Batch): Result {
  const logp: number[][] = [];
  const entropy: number[][] = [];
  tidy(() => {
    const out = tokenLogProbs(model, contexts, completions); // [B, C]
    const C = out.logp.shape()[1] as number;
    const lp = out.logp.toFloat64();
    const en = noGrad(() => out.entropy.toFloat64());
    completions.forEach((c, b) => {
      logp.push(c.map((_, k) => lp[b * C + k] as number));
      entropy.push(c.map((_, k) => en[b * C + k] as number));
    });
    const w = new Float64Array(contexts.length * C);
    weights.forEach((row, b) => row.forEach((v, k) => (w[b * C + k] = v)));
    T.sum(T.mul(out.logp, T.fromFloat64(w, [contexts.length, C]))).backward();
  });
  return { logp, entropy, grads: gradsOf(model) };
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return m;
}

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

function compare(dtype: FloatDtype, tolerance: { values: number; gradients: number }, input: Batch = interleaved): void {
  const { completions } = input;
  const model = makeModel(dtype);
  const want = reference(model, input);
  const got = shared(model, input);
  expect(want.logp.flat().some((v) => v < -1)).toBe(true); // not a near-uniform toy: the check has teeth
  completions.forEach((c, b) => {
    expect(maxAbsDiff(got.logp[b]!, want.logp[b]!), `logp row ${b}`).toBeLessThan(tolerance.values);
    expect(maxAbsDiff(got.entropy[b]!, want.entropy[b]!), `entropy row ${b}`).toBeLessThan(tolerance.values);
    expect(got.logp[b]).toHaveLength(c.length);
  });
  let checked = 0;
  for (const p of model.parameters) {
    const g = got.grads.get(p.name)!;
    const r = want.grads.get(p.name)!;
    expect(g.length, p.name).toBe(r.length);
    const scale = Math.max(1e-3, maxAbs(r));
    expect(maxAbsDiff(g, r) / scale, p.name).toBeLessThan(tolerance.gradients);
    if (maxAbs(r) > 1e-3) checked++;
  }
  expect(checked).toBeGreaterThan(model.parameters.length / 2); // most parameters get a real gradient
}

describe('shared-prefix token log-probs', () => {
  it('equal the unshared computation in float64: log-probs, entropies and every parameter gradient', () => {
    compare('float64', { values: 1e-12, gradients: 1e-12 }); // measured: 2.7e-15 and 3.3e-15
  });

  it('equal it in float32 to float32 rounding', () => {
    compare('float32', { values: 3e-5, gradients: 3e-5 }); // measured: 1.9e-6 and 2.9e-6
  });

  it('equal it with G consecutive rows per context attending to one copy of the prefix, in float64 and float32', () => {
    compare('float64', { values: 1e-12, gradients: 1e-12 }, grouped);
    compare('float32', { values: 3e-5, gradients: 3e-5 }, grouped);
  });

  it('forwards each distinct context once, then only the completion tokens', () => {
    const model = makeModel('float32');
    const hidden = vi.spyOn(model, 'hidden');
    const head = vi.spyOn(model, 'head');
    const shapes = noGrad(() => tidy(() => {
      tokenLogProbs(model, contexts, completions);
      return { hidden: hidden.mock.calls.map(([ids]) => ids.shape()), head: head.mock.calls.map(([h]) => h.shape()) };
    }));
    expect(shapes.hidden).toEqual([[3, 22], [contexts.length, 6]]); // 3 distinct contexts; completions but their last token
    expect(shapes.head).toEqual([[contexts.length, 7, 16]]); // the head only where a token is scored
  });
});

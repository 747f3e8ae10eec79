/**
 * The engine's correctness: autograd against central finite differences in float64 for every
 * composite the transformer is built from, and for the whole transformer; scopes; optimizer
 * groups and frozen tensors. (Memory over long loops: memory.test.ts.)
 */
import { describe, expect, it } from 'vitest';
import { T, engine, noGrad, openAddon, tidy, type Tensor } from './torch.ts';
import { SeerError } from '../core/errors.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transformer } from '../model/transformer.ts';
import { tokenLogProbs } from '../model/logprobs.ts';
import { Rng } from '../core/rng.ts';

engine.setup({ threads: 1, seed: 0 });

function randomF64(rng: Rng, n: number, scale = 1): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal() * scale);
}

/**
 * Largest |autograd − finite difference| / (1 + |finite difference|) over every input element:
 * `f` maps float64 leaf tensors to a scalar tensor.
 */
function gradError(inputs: { data: Float64Array; shape: number[] }[], f: (xs: Tensor[]) => Tensor): number {
  const leaves = inputs.map((x) => T.fromFloat64(x.data, x.shape, true));
  tidy(() => f(leaves).backward());
  const analytic = leaves.map((l) => l.grad()!.toFloat64());
  const value = (xs: { data: Float64Array; shape: number[] }[]) => noGrad(() => tidy(() => f(xs.map((x) => T.fromFloat64(x.data, x.shape))).item()));
  const h = 1e-6;
  let worst = 0;
  inputs.forEach((x, i) => {
    for (let k = 0; k < x.data.length; k++) {
      const plus = inputs.map((y, j) => (j === i ? { ...y, data: y.data.slice() } : y));
      const minus = inputs.map((y, j) => (j === i ? { ...y, data: y.data.slice() } : y));
      (plus[i]!.data as Float64Array)[k]! += h;
      (minus[i]!.data as Float64Array)[k]! -= h;
      const numeric = (value(plus) - value(minus)) / (2 * h);
      worst = Math.max(worst, Math.abs(numeric - analytic[i]![k]!) / (1 + Math.abs(numeric)));
    }
  });
  for (const l of leaves) l.dispose();
  return worst;
}

describe('tensor engine (libtorch addon)', () => {
  it('computes matmul and its gradient exactly', () => {
    const a = T.fromFloat32(new Float32Array([1, 2, 3, 4]), [2, 2], true);
    const s = T.sum(T.matmul(a, a));
    s.backward();
    expect(s.item()).toBe(54);
    expect(Array.from(a.grad()!.toFloat32())).toEqual([7, 11, 9, 13]);
  });

  it('tidy disposes intermediates and keeps results', () => {
    let inner: Tensor | undefined;
    const kept = tidy(() => {
      inner = T.ones([3]);
      return T.mulScalar(inner, 2);
    });
    expect(inner!.isDisposed()).toBe(true);
    expect(Array.from(kept.toFloat32())).toEqual([2, 2, 2]);
    expect(() => inner!.shape()).toThrow(/after dispose/);
  });

  describe('float64 gradient check of the composites the model uses', () => {
    const rng = new Rng(7);
    const w = (n: number, s = 1) => randomF64(rng, n, s);
    const B = 2, Tn = 3, d = 4, H = 2, hd = 2;
    // Fixed weights so the scalar objective uses every output element differently.
    const probe = (shape: number[]) => T.fromFloat64(w(shape.reduce((a, b) => a * b, 1)), shape);

    it('linear (fused addmm) and GELU / SiLU MLP', () => {
      const P = probe([B, Tn, d]);
      const err = gradError(
        [{ data: w(B * Tn * d), shape: [B, Tn, d] }, { data: w(d * 8, 0.5), shape: [d, 8] }, { data: w(8), shape: [8] }, { data: w(8 * d, 0.5), shape: [8, d] }],
        ([x, w1, b1, w2]) => T.sum(T.mul(T.linear(T.add(T.gelu(T.linear(x!, w1!, b1!)), T.silu(T.linear(x!, w1!, b1!))), w2!, T.fromFloat64(new Float64Array(d), [d])), P)),
      );
      expect(err).toBeLessThan(1e-6);
    });

    it('layer norm with weight and bias', () => {
      const P = probe([B, Tn, d]);
      const err = gradError([{ data: w(B * Tn * d), shape: [B, Tn, d] }, { data: w(d), shape: [d] }, { data: w(d), shape: [d] }], ([x, g, b]) =>
        T.sum(T.mul(T.layerNorm(x!, g!, b!, 1e-5), P)),
      );
      expect(err).toBeLessThan(1e-6);
    });

    it('causal masked attention (scores, masked fill, softmax, weighted values, head merge)', () => {
      const P = probe([B, Tn, d]);
      const mask = T.reshape(T.causalMask(Tn, Tn), [1, 1, Tn, Tn]);
      const heads = (t: Tensor) => T.permute(T.reshape(t, [B, Tn, H, hd]), [0, 2, 1, 3]); // [B, H, T, hd]
      const err = gradError([0, 1, 2].map(() => ({ data: w(B * Tn * d), shape: [B, Tn, d] })), ([q, k, v]) => {
        const scores = T.mulScalar(T.matmul(heads(q!), T.transpose(heads(k!), 2, 3)), 1 / Math.sqrt(hd)); // [B, H, T, T]
        const att = T.softmax(T.maskedFill(scores, mask, -1e9), -1);
        const y = T.reshape(T.permute(T.matmul(att, heads(v!)), [0, 2, 1, 3]), [B, Tn, d]);
        return T.sum(T.mul(y, P));
      });
      expect(err).toBeLessThan(1e-6);
    });

    it('embedding of concatenated tables, log-softmax and gather (per-token log-probs)', () => {
      const ids = T.fromInt32(Int32Array.from([0, 4, 2, 1, 3, 4]), [B, Tn]);
      const targets = T.fromInt32(Int32Array.from([1, 0, 4, 2, 2, 3]), [B, Tn, 1]);
      const adv = probe([B, Tn, 1]);
      const err = gradError([{ data: w(3 * d), shape: [3, d] }, { data: w(2 * d), shape: [2, d] }, { data: w(d * 5), shape: [d, 5] }], ([ta, tb, head]) => {
        const x = T.embedding(T.cat([ta!, tb!], 0), ids); // [B, T, d]
        const logp = T.logSoftmax(T.matmul(x, head!), -1); // [B, T, 5]
        return T.mean(T.mul(T.gather(logp, 2, targets), adv));
      });
      expect(err).toBeLessThan(1e-6);
    });
  });

  it('back-propagates exactly through the whole transformer (float64, finite differences)', () => {
    const model = new Transformer({ textVocab: 7, imageVocab: 4, dModel: 8, nLayers: 2, nHeads: 2, contextLength: 12, seed: 3 }, { dtype: 'float64' });
    const contexts = [[1, 2, 3], [4, 8]];
    const completions = [[9, 5], [10, 6, 2]];
    const adv = T.fromFloat64(Float64Array.from([0.5, -1, 0, 1.5, 0.25, -0.75]), [2, 3]);
    // The GRPO-shaped objective: Σ advantage · log-prob + 0.1 · entropy.
    const objective = () => tidy(() => {
      const { logp, entropy } = tokenLogProbs(model, contexts, completions);
      return T.add(T.sum(T.mul(logp, adv)), T.mulScalar(T.sum(entropy), 0.1));
    });
    for (const p of model.parameters) p.tensor.zeroGrad();
    objective().backward();
    let checked = 0;
    for (const p of model.parameters) {
      const grad = p.tensor.grad()!.toFloat64();
      const values = p.tensor.toFloat64();
      for (const i of [0, Math.floor(values.length / 2), values.length - 1]) {
        const at = (delta: number) => noGrad(() => {
          const v = values.slice();
          v[i]! += delta;
          tidy(() => p.tensor.copyFrom(T.fromFloat64(v, p.tensor.shape())));
          const out = objective().item();
          tidy(() => p.tensor.copyFrom(T.fromFloat64(values, p.tensor.shape())));
          return out;
        });
        const h = 1e-6;
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(numeric - grad[i]!), `${p.name}[${i}]`).toBeLessThan(1e-7 + 1e-5 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBe(3 * model.parameters.length);
  });

  it('AdamW leaves frozen (gradient-cleared) tensors bit-identical, even with weight decay', () => {
    const a = T.fromFloat32(new Float32Array([1, -2, 3]), [3], true);
    const b = T.fromFloat32(new Float32Array([0.5, 0.5, 0.5]), [3], true);
    const opt = engine.adamW([{ params: [a], lr: 0.1, weightDecay: 0.5 }, { params: [b], lr: 0.1, weightDecay: 0.5 }]);
    tidy(() => T.sum(T.mul(a, b)).backward());
    b.clearGrad();
    b.setRequiresGrad(false);
    opt.step();
    expect(Array.from(b.toFloat32())).toEqual([0.5, 0.5, 0.5]);
    expect(Array.from(a.toFloat32())).not.toEqual([1, -2, 3]);
    expect(b.grad()).toBeNull();
  });

  it('clips the global gradient norm and reports the norm before clipping', () => {
    const a = T.fromFloat32(new Float32Array([0, 0]), [2], true);
    tidy(() => T.sum(T.mul(a, T.fromFloat32(new Float32Array([3, 4]), [2]))).backward());
    expect(engine.clipGradNorm([a], 1)).toBeCloseTo(5, 5);
    const g = a.grad()!.toFloat32();
    expect(Math.hypot(g[0]!, g[1]!)).toBeCloseTo(1, 4);
  });

  it('says how to fix a missing or unloadable addon', () => {
    expect(() => openAddon('/nowhere/seer_torch.node')).toThrow(SeerError);
    expect(() => openAddon('/nowhere/seer_torch.node')).toThrow(/bash scripts\/setup.sh/);
    const broken = join(mkdtempSync(join(tmpdir(), 'seer-addon-')), 'seer_torch.node');
    writeFileSync(broken, 'not a shared object');
    expect(() => openAddon(broken)).toThrow(/libtorch missing\?\): run `bash scripts\/setup.sh`/);
  });

  it('seeds libtorch: the same seed gives the same random tensor', () => {
    engine.seed(42);
    const x = tidy(() => T.randn([5], 1).toFloat32());
    engine.seed(42);
    const y = tidy(() => T.randn([5], 1).toFloat32());
    expect(x).toEqual(y);
    expect(() => engine.setup({ threads: 0, seed: 1 })).toThrow(/positive integer/);
  });
});

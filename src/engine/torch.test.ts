import { describe, expect, it } from 'vitest';
import { T, engine, noGrad, tidy, type Tensor } from './torch.ts';
import { Transformer } from '../model/transformer.ts';
import { Rng } from '../core/rng.ts';

describe('tensor engine (libtorch addon)', () => {
  it('computes matmul and its gradient', () => {
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

  it('back-propagates exactly through the transformer (finite differences in a tiny model)', () => {
    engine.setThreads(1);
    const model = new Transformer({ textVocab: 11, imageVocab: 5, dModel: 8, nLayers: 2, nHeads: 2, contextLength: 16, seed: 3 });
    const rng = new Rng(1);
    const ids = Int32Array.from({ length: 2 * 6 }, () => rng.int(16));
    const pos = Int32Array.from({ length: 12 }, (_, i) => i % 6);
    const weights = Float32Array.from({ length: 2 * 6 * 16 }, () => rng.uniform(-1, 1));
    const objective = () => tidy(() => T.sum(T.mul(model.forward(T.fromInt32(ids, [2, 6]), T.fromInt32(pos, [2, 6])), T.fromFloat32(weights, [2, 6, 16]))));
    for (const p of model.parameters) p.tensor.zeroGrad();
    const loss = objective();
    loss.backward();
    let checked = 0;
    for (const p of model.parameters.filter((_, i) => i % 3 === 0)) {
      const grad = p.tensor.grad()!.toFloat32();
      const values = p.tensor.toFloat32();
      for (const i of [0, Math.floor(values.length / 2)]) {
        // Small h: embeddings start at ~0.02, so a 1e-2 step is far outside the linear regime.
        const h = 1e-3;
        const at = (delta: number) => noGrad(() => {
          const v = values.slice();
          v[i] = (v[i] as number) + delta;
          tidy(() => p.tensor.copyFrom(T.fromFloat32(v, p.tensor.shape())));
          const out = objective().item();
          tidy(() => p.tensor.copyFrom(T.fromFloat32(values, p.tensor.shape())));
          return out;
        });
        const numeric = (at(h) - at(-h)) / (2 * h);
        expect(Math.abs(numeric - (grad[i] as number)), `${p.name}[${i}]`).toBeLessThan(2e-2 + 2e-2 * Math.abs(numeric));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(10);
  });
});

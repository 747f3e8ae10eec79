import { describe, expect, it } from 'vitest';
import { Cnn } from './cnn.ts';
import { Rng } from '../../core/rng.ts';

describe('oracle CNN', () => {
  it('back-propagates the exact gradient (finite differences)', () => {
    const rng = new Rng(4);
    const net = new Cnn({ size: 8, channels: [3, 4], dense: 5, heads: [3, 2] }, rng);
    const B = 2;
    const x = Float32Array.from({ length: B * 8 * 8 * 3 }, () => rng.uniform(-0.5, 0.5));
    const labels = [Int32Array.from([0, 2]), Int32Array.from([1, -1])];
    // Summed CE / B is what the gradients are of; lossAndGradients returns the mean per head-row (3 rows here).
    const objective = () => (net.lossAndGradients(x, labels, B) * 3) / B;
    objective();
    const analytic = net.parameterViews().map((p) => Float64Array.from(p.grad));
    let checked = 0;
    net.parameterViews().forEach((p, k) => {
      for (let i = 0; i < p.value.length; i += Math.max(1, Math.floor(p.value.length / 7))) {
        const original = p.value[i] as number;
        const h = 2e-3;
        p.value[i] = original + h;
        const up = objective();
        p.value[i] = original - h;
        const down = objective();
        p.value[i] = original;
        const numeric = (up - down) / (2 * h);
        const error = Math.abs(numeric - (analytic[k]![i] as number));
        expect(error).toBeLessThan(1e-3 + 0.02 * Math.abs(numeric));
        checked++;
      }
    });
    expect(checked).toBeGreaterThan(30);
  });

  it('learns to separate two classes of images', () => {
    const rng = new Rng(1);
    const net = new Cnn({ size: 8, channels: [4, 4], dense: 8, heads: [2] }, rng);
    const B = 16;
    const make = () => {
      const x = new Float32Array(B * 8 * 8 * 3);
      const y = new Int32Array(B);
      for (let b = 0; b < B; b++) {
        y[b] = rng.int(2);
        for (let i = 0; i < 192; i++) x[b * 192 + i] = rng.uniform(-0.2, 0.2) + (i % 3 === y[b] ? 0.4 : 0);
      }
      return { x, y };
    };
    let loss = 0;
    for (let s = 0; s < 150; s++) {
      const { x, y } = make();
      loss = net.trainStep(x, [y], B, 5e-3);
    }
    expect(loss).toBeLessThan(0.1);
  });
});

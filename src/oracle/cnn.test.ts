import { describe, expect, it } from 'vitest';
import { Cnn } from './cnn.ts';
import { Rng } from '../core/rng.ts';

describe('oracle CNN', () => {
  it('learns to separate two classes of images and round-trips its weights', () => {
    const rng = new Rng(1);
    const net = new Cnn({ size: 8, channels: [4, 4], dense: 8, heads: [2, 3] }, rng);
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
      loss = net.trainStep(x, [y, new Int32Array(B).fill(-1)], B, 1e-2);
    }
    expect(loss).toBeLessThan(0.05);
    const { x, y } = make();
    const probs = net.predict(x, B)[0]!;
    for (let b = 0; b < B; b++) expect(probs[b * 2 + (y[b] as number)]).toBeGreaterThan(0.5);
    const copy = new Cnn({ size: 8, channels: [4, 4], dense: 8, heads: [2, 3] }, new Rng(9));
    copy.importWeights(net.exportWeights());
    expect(copy.predict(x, B)[0]).toEqual(probs);
  });
});

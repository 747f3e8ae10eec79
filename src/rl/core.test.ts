import { describe, expect, it } from 'vitest';
import { aggregationWeights, besselStd, clippedSurrogate, groupAdvantages, klEstimate, klGradient, policyLoss, tokenRatio, type PolicyLossConfig, type PolicyLossInput } from './core.ts';

const close = (a: number, b: number, tol = 1e-9) => expect(Math.abs(a - b)).toBeLessThan(tol);

describe('group advantages', () => {
  it('normalises within groups with Bessel std + 1e-4', () => {
    // group x: [1, 0, 1] mean 2/3, std sqrt(1/3); group y: [0, 0] std 0
    const { advantages, fracZeroStd } = groupAdvantages([1, 0, 1, 0, 0], ['x', 'x', 'x', 'y', 'y'], 'group');
    const s = Math.sqrt(1 / 3) + 1e-4;
    close(advantages[0]!, (1 / 3) / s);
    close(advantages[1]!, (-2 / 3) / s);
    expect(advantages.slice(3)).toEqual([0, 0]);
    expect(fracZeroStd).toBe(0.5);
  });

  it('scales by the batch std or not at all', () => {
    const rewards = [1, 0, 1, 0, 0];
    const ids = ['x', 'x', 'x', 'y', 'y'];
    const batch = groupAdvantages(rewards, ids, 'batch').advantages;
    const s = besselStd(rewards) + 1e-4; // std of [1,0,1,0,0] = sqrt(0.3)
    close(besselStd(rewards), Math.sqrt(0.3));
    close(batch[0]!, (1 / 3) / s);
    const none = groupAdvantages(rewards, ids, 'none').advantages;
    close(none[0]!, 1 / 3);
    close(none[1]!, -2 / 3);
  });

  it('gives NaN rewards advantage 0 and leaves them out of the group statistics', () => {
    const { advantages } = groupAdvantages([1, Number.NaN, 0], ['g', 'g', 'g'], 'group');
    const s = Math.SQRT1_2 + 1e-4; // std of [1, 0]
    close(advantages[0]!, 0.5 / s);
    expect(advantages[1]).toBe(0);
    close(advantages[2]!, -0.5 / s);
  });
});

describe('KL estimators', () => {
  it('match their definitions and derivatives', () => {
    const logp = -1.2;
    const ref = -0.7; // d = ref - logp = 0.5
    close(klEstimate(logp, ref, 'k1'), -0.5);
    close(klEstimate(logp, ref, 'k2'), 0.125);
    close(klEstimate(logp, ref, 'k3'), Math.exp(0.5) - 0.5 - 1);
    for (const est of ['k1', 'k2', 'k3'] as const) {
      const h = 1e-6;
      close(klGradient(logp, ref, est), (klEstimate(logp + h, ref, est) - klEstimate(logp - h, ref, est)) / (2 * h), 1e-6);
    }
  });
});

const base: PolicyLossConfig = { lossType: 'grpo', beta: 0, epsilon: 0.2, epsilonHigh: null, klEstimator: 'k3' };

// Row 0: 2 tokens, row 1: 1 token (+1 padding).
const input: PolicyLossInput = {
  logp: [[Math.log(0.5), Math.log(0.9)], [Math.log(0.3), 0]],
  oldLogp: [[Math.log(0.5), Math.log(0.6)], [Math.log(0.5), 0]],
  refLogp: [[Math.log(0.4), Math.log(0.6)], [Math.log(0.3), 0]],
  mask: [[1, 1], [1, 0]],
  advantages: [1, -1],
  maxCompletionLength: 4,
};
// ratios: row0: 1, 1.5 (clipped high, A>0); row1: 0.6 (clipped low, A<0)
// token losses (β = 0): -min(1·1, 1·1) = -1; -min(1.5, 1.2) = -1.2; -min(-0.6, -0.8) = 0.8

describe('policy loss', () => {
  it('aggregates as grpo: mean over sequences of per-sequence token means', () => {
    const out = policyLoss(input, base);
    close(out.loss, ((-1 - 1.2) / 2 + 0.8 / 1) / 2);
    expect(out.clipRatio).toEqual({ low: 1 / 3, high: 1 / 3, region: 2 / 3 });
    // gradients: unclipped token0 of row0: -A·r = -1, weighted 1/(2·2); clipped tokens: 0
    close(out.grad[0]![0]!, -1 / 4);
    expect(out.grad[0]![1]).toBe(0);
    expect(out.grad[1]).toEqual([0, 0]);
  });

  it('aggregates as bnpo, dr_grpo and dapo', () => {
    close(policyLoss(input, { ...base, lossType: 'bnpo' }).loss, (-1 - 1.2 + 0.8) / 3);
    close(policyLoss(input, { ...base, lossType: 'dr_grpo' }).loss, (-1 - 1.2 + 0.8) / (2 * 4));
    close(policyLoss({ ...input, generationBatchTokens: 10 }, { ...base, lossType: 'dapo' }).loss, (-1 - 1.2 + 0.8) / 10);
  });

  it('uses epsilon_high for the upper clip (clip-higher)', () => {
    const out = policyLoss(input, { ...base, lossType: 'bnpo', epsilonHigh: 0.6 });
    // ratio 1.5 < 1.6: no longer clipped, loss −1.5
    close(out.loss, (-1 - 1.5 + 0.8) / 3);
    expect(out.clipRatio.high).toBe(0);
  });

  it('adds β·KL and reports the masked mean KL', () => {
    const k3 = (lp: number, ref: number) => Math.exp(ref - lp) - (ref - lp) - 1;
    const kls = [k3(Math.log(0.5), Math.log(0.4)), k3(Math.log(0.9), Math.log(0.6)), k3(Math.log(0.3), Math.log(0.3))];
    const out = policyLoss(input, { ...base, lossType: 'bnpo', beta: 0.04 });
    close(out.loss, (-1 - 1.2 + 0.8 + 0.04 * (kls[0]! + kls[1]! + kls[2]!)) / 3);
    close(out.kl, (kls[0]! + kls[1]! + kls[2]!) / 3);
  });

  it('returns the exact gradient of the loss (finite differences, every option)', () => {
    for (const lossType of ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const)
      for (const klEstimator of ['k1', 'k2', 'k3'] as const) {
        const config = { ...base, lossType, klEstimator, beta: 0.1, epsilonHigh: 0.28 };
        const sample: PolicyLossInput = { ...input, logp: [[-0.6, -0.2], [-1.3, 0]], generationBatchTokens: 5 };
        const out = policyLoss(sample, config);
        for (let b = 0; b < 2; b++)
          for (let t = 0; t < 2; t++) {
            const h = 1e-6;
            const shifted = (delta: number) => policyLoss({ ...sample, logp: sample.logp.map((row, i) => row.map((v, j) => (i === b && j === t ? v + delta : v))) }, config).loss;
            close(out.grad[b]![t]!, (shifted(h) - shifted(-h)) / (2 * h), 1e-6);
          }
      }
  });

  it('guards the ratio exponent', () => {
    const out = policyLoss({ ...input, logp: [[500, 0], [0, 0]] }, { ...base, lossType: 'bnpo' });
    expect(Number.isFinite(out.loss)).toBe(true);
  });
});

describe('hand-computed corners', () => {
  it('keys groups by id, not by position', () => {
    // interleaved: x = [2, 0], y = [5, 5]
    const { advantages, groupStd, fracZeroStd } = groupAdvantages([2, 5, 0, 5], ['x', 'y', 'x', 'y'], 'group');
    const s = Math.SQRT2 + 1e-4; // Bessel std of [2, 0]
    close(advantages[0]!, 1 / s);
    close(advantages[2]!, -1 / s);
    expect([advantages[1], advantages[3]]).toEqual([0, 0]);
    close(groupStd.get('x')!, Math.SQRT2);
    expect(fracZeroStd).toBe(0.5);
  });

  it('leaves NaN rewards out of the batch std too', () => {
    const { advantages } = groupAdvantages([1, Number.NaN, 0, 0], ['a', 'a', 'b', 'b'], 'batch');
    const s = Math.sqrt(1 / 3) + 1e-4; // Bessel std of [1, 0, 0]
    close(advantages[0]!, 0 / s); // group a has only the 1: centred 0
    expect(advantages[1]).toBe(0);
    expect(advantages.slice(2)).toEqual([0, 0]);
  });

  it('counts a fully masked row in the grpo mean (TRL), and gives it no gradient', () => {
    // rows: [1 token, loss −1·r] and [masked]; r = 1, A = 1 → grpo = (−1/1 + 0) / 2
    const out = policyLoss({ logp: [[-1], [-2]], oldLogp: [[-1], [-2]], mask: [[1], [0]], advantages: [1, 1], maxCompletionLength: 1 }, base);
    close(out.loss, -0.5);
    expect(out.grad).toEqual([[-0.5], [0]]);
  });

  it('gives the hand-computed per-token gradient for every aggregation', () => {
    // Row 0 token 0 of the shared example: ratio 1, A = 1 → d(−r·A)/dlogp = −1, times the token weight.
    const weights = { grpo: 1 / (2 * 2), bnpo: 1 / 3, dr_grpo: 1 / (2 * 4), dapo: 1 / 10 } as const;
    for (const lossType of ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const) {
      const out = policyLoss({ ...input, generationBatchTokens: 10 }, { ...base, lossType });
      close(out.grad[0]![0]!, -weights[lossType]);
    }
  });

  it('lets the gradient through below 1 − ε when A > 0 and above 1 + ε when A < 0 (the unclipped side)', () => {
    // ratio 0.6 with A = +1: −min(0.6, 0.8) = −0.6, d/dlogp = −0.6; ratio 1.5 with A = −1: −min(−1.5, −1.2) = 1.5, d = 1.5
    const out = policyLoss({ logp: [[Math.log(0.6)], [Math.log(1.5)]], oldLogp: [[0], [0]], mask: [[1], [1]], advantages: [1, -1], maxCompletionLength: 1 }, { ...base, lossType: 'bnpo' });
    close(out.loss, (-0.6 + 1.5) / 2);
    close(out.grad[0]![0]!, -0.6 / 2);
    close(out.grad[1]![0]!, 1.5 / 2);
    expect(out.clipRatio.region).toBe(0);
  });

  it('adds β times the KL gradient (k3: 1 − e^(ref − logp)) to each token', () => {
    const out = policyLoss({ logp: [[-1]], oldLogp: [[-1]], refLogp: [[-0.5]], mask: [[1]], advantages: [0], maxCompletionLength: 1 }, { ...base, beta: 0.04 });
    close(out.grad[0]![0]!, 0.04 * (1 - Math.exp(0.5)));
    close(out.loss, 0.04 * (Math.exp(0.5) - 0.5 - 1));
  });

  it('has zero surrogate gradient where the log-ratio is clamped, matching finite differences', () => {
    const at = (lp: number) => policyLoss({ logp: [[lp]], oldLogp: [[0]], mask: [[1]], advantages: [-1], maxCompletionLength: 1 }, { ...base, lossType: 'bnpo' });
    // log-ratio 30 → clamped to 20; A < 0 so the unclipped branch r·A is the min: loss = e^20, flat in logp
    close(at(30).loss / Math.exp(20), 1);
    expect(at(30).grad[0]![0]).toBe(0);
    expect((at(30 + 1e-3).loss - at(30 - 1e-3).loss) / 2e-3).toBe(0);
  });
});

describe('building blocks', () => {
  it('tokenRatio clamps the exponent at ±20 and says so', () => {
    close(tokenRatio(-1, -1.5).ratio, Math.exp(0.5));
    expect(tokenRatio(-1, -1.5).saturated).toBe(false);
    expect(tokenRatio(0, -50)).toEqual({ ratio: Math.exp(20), saturated: true });
    expect(tokenRatio(-50, 0)).toEqual({ ratio: Math.exp(-20), saturated: true });
  });

  it('clippedSurrogate: value, gradient and region on each side of each bound', () => {
    // ε_low 0.2, ε_high 0.28
    const cases: [number, number, number, number, 'low' | 'high' | null][] = [
      // ratio, A, loss, grad, region
      [1.0, 2, -2, -2, null],
      [1.5, 1, -1.28, 0, 'high'], // −min(1.5, 1.28)
      [1.5, -1, 1.5, 1.5, null], //  −min(−1.5, −1.28): unclipped side keeps −A·r
      [0.5, -1, 0.8, 0, 'low'], //   −min(−0.5, −0.8)
      [0.5, 1, -0.5, -0.5, null], // −min(0.5, 0.8)
      [0.5, 0, 0, 0, null],
    ];
    for (const [ratio, A, loss, grad, region] of cases) {
      const out = clippedSurrogate(ratio, false, A, 0.2, 0.28);
      close(out.loss, loss);
      close(out.grad, grad);
      expect(out.region).toBe(region);
    }
    expect(clippedSurrogate(Math.exp(20), true, -1, 0.2, 0.2).grad).toBe(0);
  });

  it('aggregationWeights per loss type', () => {
    const mask = [[1, 1, 0], [1, 0, 0], [0, 0, 0]]; // 3 tokens in 3 rows, T = 3
    expect(aggregationWeights(mask, 'grpo', { maxCompletionLength: 3 })).toEqual([1 / 6, 1 / 3, 0]);
    expect(aggregationWeights(mask, 'bnpo', { maxCompletionLength: 3 })).toEqual([1 / 3, 1 / 3, 1 / 3]);
    expect(aggregationWeights(mask, 'dr_grpo', { maxCompletionLength: 5 })).toEqual([1 / 15, 1 / 15, 1 / 15]);
    expect(aggregationWeights(mask, 'dapo', { maxCompletionLength: 3, generationBatchTokens: 12 })).toEqual([1 / 12, 1 / 12, 1 / 12]);
    expect(aggregationWeights(mask, 'dapo', { maxCompletionLength: 3 })).toEqual([1 / 3, 1 / 3, 1 / 3]);
  });
});

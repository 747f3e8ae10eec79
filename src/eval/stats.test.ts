// Statistics checked against values computed by hand (shown in the comments) and textbook examples.
import { describe, expect, it } from 'vitest';
import {
  agreementRate,
  binomialPmf,
  binomialTest,
  bootstrapClusterMean,
  caseSignTest,
  cohenKappa,
  fleissKappa,
  majority,
  quantileSorted,
  signTest,
  verdictScore,
  winRatio,
} from './stats.ts';

describe('win ratio (paper A.2 scoring)', () => {
  it('scores SEER 1, tie 0.5, baseline 0 and averages', () => {
    expect(verdictScore('seer')).toBe(1);
    expect(verdictScore('tie')).toBe(0.5);
    expect(verdictScore('baseline')).toBe(0);
    // (1 + 0.5 + 0 + 1) / 4
    expect(winRatio(['seer', 'tie', 'baseline', 'seer'])).toBe(0.625);
    expect(winRatio([])).toBeNaN();
  });
});

describe('binomial and sign test', () => {
  it('pmf matches C(n,k) p^k (1-p)^(n-k)', () => {
    expect(binomialPmf(2, 4, 0.5)).toBeCloseTo(6 / 16, 12);
    expect(binomialPmf(1, 5, 0.2)).toBeCloseTo(5 * 0.2 * 0.8 ** 4, 12);
    expect(binomialPmf(6, 5, 0.5)).toBe(0);
  });

  it('two-sided p-values for p = 1/2', () => {
    // 2 * (C(10,8) + C(10,9) + C(10,10)) / 2^10 = 2 * 56 / 1024
    expect(binomialTest(8, 10)).toBeCloseTo(112 / 1024, 12);
    expect(binomialTest(2, 10)).toBeCloseTo(112 / 1024, 12);
    // 2 / 2^10
    expect(binomialTest(10, 10)).toBeCloseTo(2 / 1024, 12);
    expect(binomialTest(5, 10)).toBe(1);
    expect(binomialTest(0, 0)).toBe(1);
    // R: binom.test(60, 100)$p.value = 0.05688793
    expect(binomialTest(60, 100)).toBeCloseTo(0.05688793, 7);
  });

  it('two-sided p-value for an asymmetric p sums outcomes no more likely than the observed one', () => {
    // Binomial(5, 0.2): P(3) = 0.0512, P(4) = 0.0064, P(5) = 0.00032; P(0..2) are larger.
    expect(binomialTest(3, 5, 0.2)).toBeCloseTo(0.0512 + 0.0064 + 0.00032, 12);
  });

  it('stays finite for thousands of votes', () => {
    const p = binomialTest(5200, 10000);
    expect(p).toBeGreaterThan(0);
    expect(p).toBeLessThan(1e-4); // z = 4 gives about 6e-5
  });

  it('case-level sign test: a case is its mean score; exactly 0.5 is a tie and is dropped', () => {
    // Case means: 1, 0.5, 0.5, 0.75, 0, 1, 1 → 4 wins, 1 loss, 2 ties; p = 2·(C(5,4) + C(5,5)) / 2^5.
    const clusters = [[1, 1], [1, 0], [0.5, 0.5], [1, 0.5], [0, 0], [1, 1], [1, 1], []];
    expect(caseSignTest(clusters)).toEqual({ wins: 4, losses: 1, ties: 2, pValue: expect.closeTo(12 / 32, 12) });
    // Flattening the same votes into 8 wins vs 3 losses would claim 2·(165 + 55 + 11 + 1) / 2^11.
    expect(signTest(['seer', 'seer', 'seer', 'baseline', 'tie', 'tie', 'seer', 'tie', 'baseline', 'baseline', 'seer', 'seer', 'seer', 'seer'])).toMatchObject({ wins: 8, losses: 3, pValue: expect.closeTo(464 / 2048, 12) });
    expect(caseSignTest([[0.5, 0, 1]])).toEqual({ wins: 0, losses: 0, ties: 1, pValue: 1 });
  });

  it('rejects impossible counts', () => {
    expect(() => binomialTest(3, 2)).toThrow(/successes <= trials/);
    expect(() => binomialTest(1, 2, 1.5)).toThrow(/p must be/);
  });

  it('sign test drops ties', () => {
    // 2 wins, 1 loss: every outcome of Binomial(3, 1/2) is at most as likely as 3/8, so p = 1.
    expect(signTest(['seer', 'seer', 'tie', 'baseline'])).toEqual({ wins: 2, losses: 1, ties: 1, pValue: 1 });
    // 6 wins, 0 losses: 2 / 2^6
    expect(signTest(['seer', 'seer', 'seer', 'seer', 'seer', 'seer', 'tie']).pValue).toBeCloseTo(2 / 64, 12);
  });
});

describe('bootstrap', () => {
  it('quantiles interpolate linearly (R type 7)', () => {
    expect(quantileSorted([1, 2, 3, 4], 0.5)).toBe(2.5);
    expect(quantileSorted([1, 2, 3, 4], 0.25)).toBe(1.75);
  });

  it('a constant sample has a zero-width interval', () => {
    const r = bootstrapClusterMean([[0.5, 0.5], [0.5]], { seed: 1, resamples: 200 });
    expect(r).toEqual({ estimate: 0.5, low: 0.5, high: 0.5, resamples: 200 });
  });

  it('two clusters {0} and {1}: resample means 0, 1/2, 1 with probability 1/4, 1/2, 1/4, so the 95% interval is [0, 1]', () => {
    const r = bootstrapClusterMean([[0], [1]], { seed: 3 });
    expect(r.estimate).toBe(0.5);
    expect(r.low).toBe(0);
    expect(r.high).toBe(1);
  });

  it('pools by votes, not by cluster: clusters {1,1,1} and {0} give 3/4', () => {
    const r = bootstrapClusterMean([[1, 1, 1], [0], []], { seed: 3 });
    expect(r.estimate).toBe(0.75);
    expect(r.low).toBe(0); // both draws the {0} cluster: 1/4 of resamples
    expect(r.high).toBe(1);
  });

  it('matches the normal approximation for many independent clusters and is seeded', () => {
    // 100 ones and 100 zeros: standard error sqrt(0.25 / 200) = 0.0354, 95% interval about 0.5 ± 0.069.
    const clusters = Array.from({ length: 200 }, (_, i) => [i % 2]);
    const r = bootstrapClusterMean(clusters, { seed: 7, resamples: 4000 });
    expect(r.low).toBeCloseTo(0.5 - 1.96 * Math.sqrt(0.25 / 200), 1);
    expect(Math.abs(r.low - 0.4307)).toBeLessThan(0.01);
    expect(Math.abs(r.high - 0.5693)).toBeLessThan(0.01);
    expect(bootstrapClusterMean(clusters, { seed: 7, resamples: 4000 })).toEqual(r);
    expect(bootstrapClusterMean(clusters, { seed: 8, resamples: 4000 })).not.toEqual(r);
  });

  it('empty input has no interval; bad options fail', () => {
    expect(bootstrapClusterMean([]).low).toBeNaN();
    expect(() => bootstrapClusterMean([[1]], { resamples: 0 })).toThrow(/resamples/);
    expect(() => bootstrapClusterMean([[1]], { level: 1 })).toThrow(/level/);
  });
});

describe("Fleiss' kappa", () => {
  it('small hand example: two raters, three items', () => {
    // P_i = 1, 1, 0 → P̄ = 2/3; p = (1/2, 1/2) → P̄e = 1/2; κ = (2/3 − 1/2) / (1/2) = 1/3
    const r = fleissKappa([
      [2, 0],
      [0, 2],
      [1, 1],
    ]);
    expect(r.kappa).toBeCloseTo(1 / 3, 12);
    expect(r.observed).toBeCloseTo(2 / 3, 12);
    expect(r.expected).toBeCloseTo(0.5, 12);
  });

  it('items with different numbers of raters; items with one rating are skipped', () => {
    // P_1 = 3·2/(3·2) = 1, P_2 = 0 → P̄ = 1/2; p = (4/5, 1/5) → P̄e = 0.68; κ = (0.5 − 0.68)/0.32 = −0.5625
    const r = fleissKappa([
      [3, 0],
      [1, 1],
      [0, 1],
    ]);
    expect(r.items).toBe(2);
    expect(r.kappa).toBeCloseTo(-0.5625, 12);
  });

  it("Fleiss (1971)-style textbook table: 10 items, 14 raters, 5 categories → κ ≈ 0.210", () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const r = fleissKappa(table);
    // P̄ = 0.378, P̄e = 0.213 (p_j = 0.143, 0.200, 0.279, 0.150, 0.229)
    expect(r.observed).toBeCloseTo(0.378, 3);
    expect(r.expected).toBeCloseTo(0.213, 3);
    expect(r.kappa).toBeCloseTo(0.21, 2);
  });

  it('perfect agreement is 1; a single category is undefined', () => {
    expect(fleissKappa([
      [3, 0],
      [0, 3],
    ]).kappa).toBe(1);
    expect(fleissKappa([[3], [3]]).kappa).toBeNaN();
    expect(fleissKappa([[1, 0]]).items).toBe(0);
  });
});

describe('agreement', () => {
  it("Cohen's kappa by hand", () => {
    // p_o = 3/4; p_e = 1/2·1/4 + 1/2·3/4 = 1/2; κ = (3/4 − 1/2)/(1/2) = 1/2
    const a = ['y', 'y', 'n', 'n'];
    const b = ['y', 'n', 'n', 'n'];
    expect(agreementRate(a, b)).toBe(0.75);
    expect(cohenKappa(a, b)).toBeCloseTo(0.5, 12);
    expect(() => agreementRate(['y'], [])).toThrow(/differ in length/);
  });

  it('majority has no winner on a tie', () => {
    expect(majority(['a', 'b', 'a'])).toBe('a');
    expect(majority(['a', 'b'])).toBeNull();
    expect(majority([])).toBeNull();
  });
});

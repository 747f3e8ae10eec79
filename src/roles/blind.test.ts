import { describe, expect, it } from 'vitest';
import { bothOrders, candidateFirst, identicalImages, judgeBlind, outcomeOfScore, outcomeScore, type BlindPair } from './blind.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import type { JudgeAnswer, JudgeQuery, PairwiseJudge } from './roles.ts';
import { SeerError } from '../core/errors.ts';

const instruction = "Place a golden crown on the object's head.";
const crown = renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 1 });
const plain = renderSpec(defaultSpec('cat'), { seed: 2 });

/** A judge with pure position bias: always "A", with a fixed probability; records what it was shown. */
class SaysA implements PairwiseJudge {
  readonly name = 'says-a';
  readonly seen: JudgeQuery[] = [];
  constructor(private readonly probabilityA?: number) {}
  async judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    this.seen.push(...queries);
    return queries.map(() => ({ verdict: 'A', ...(this.probabilityA === undefined ? {} : { probabilityA: this.probabilityA }) }));
  }
}

const pairs = (n: number, candidate = crown, baseline = plain): BlindPair[] => Array.from({ length: n }, (_, i) => ({ instruction, prompt: 'a cat', candidate, baseline, key: `case-${i}` }));

describe('blind judging', () => {
  it('un-swaps the oracle: the crown wins whichever side it is shown on, for any seed', async () => {
    for (const seed of [0, 1, 2]) {
      const verdicts = await judgeBlind(new OracleJudge(), pairs(8), { seed });
      expect(new Set(verdicts.map((v) => v.candidateFirst))).toEqual(new Set([true, false]));
      expect(verdicts.map((v) => v.outcome)).toEqual(Array(8).fill('candidate'));
      for (const v of verdicts) expect(v.preference).toBeGreaterThan(0.5);
      const reversed = await judgeBlind(new OracleJudge(), pairs(8, plain, crown), { seed });
      expect(reversed.map((v) => v.outcome)).toEqual(Array(8).fill('baseline'));
      // The oracle is position-invariant, so its preferences mirror exactly.
      reversed.forEach((v, i) => expect(v.preference).toBeCloseTo(1 - verdicts[i]!.preference, 12));
    }
  });

  it('shows the candidate as A exactly when the seeded coin says so, and pairs with one key the same way round', async () => {
    const judge = new SaysA(0.9);
    const verdicts = await judgeBlind(judge, pairs(16), { seed: 5 });
    verdicts.forEach((v, i) => {
      expect(v.candidateFirst).toBe(candidateFirst(5, `case-${i}`));
      expect(judge.seen[i]!.imageA).toBe(v.candidateFirst ? crown : plain);
      expect(v.outcome).toBe(v.candidateFirst ? 'candidate' : 'baseline');
      expect(v.preference).toBeCloseTo(v.candidateFirst ? 0.9 : 0.1, 12);
    });
    const firsts = verdicts.map((v) => v.candidateFirst);
    expect(firsts.filter(Boolean).length).toBeGreaterThan(2);
    expect(firsts.filter((f) => !f).length).toBeGreaterThan(2);
    const group = await judgeBlind(judge, pairs(6).map((p) => ({ ...p, key: 'group' })), { seed: 5 });
    expect(new Set(group.map((v) => v.candidateFirst)).size).toBe(1);
  });

  it("averages both orders: pure position bias becomes a tie at preference 0.5", async () => {
    const judge = new SaysA(0.97);
    const verdicts = await judgeBlind(judge, pairs(4), { orders: 'both' });
    expect(judge.seen).toHaveLength(8);
    for (const v of verdicts) {
      expect(v.outcome).toBe('tie');
      expect(v.preference).toBeCloseTo(0.5, 12);
      expect(v.reads.map((r) => r.candidateFirst)).toEqual([v.candidateFirst, !v.candidateFirst]);
      expect(v.reads.map((r) => r.outcome).sort()).toEqual(['baseline', 'candidate']);
    }
    // Without a probability the preference is the A.2 score of the reads: (1 + 0) / 2.
    expect((await judgeBlind(new SaysA(), pairs(1), { orders: 'both' }))[0]!.preference).toBe(0.5);
    // The oracle, asked both ways, still prefers the crown.
    const oracle = await judgeBlind(new OracleJudge(), pairs(3), { orders: 'both', seed: 9 });
    expect(oracle.map((v) => v.outcome)).toEqual(['candidate', 'candidate', 'candidate']);
  });

  it('calls byte-identical images a tie at 0.5 without asking the judge', async () => {
    const judge = new SaysA(0.99);
    const twin = { ...plain, data: plain.data.slice() };
    const [v] = await judgeBlind(judge, [{ instruction, prompt: 'a cat', candidate: plain, baseline: twin, key: 'x' }], { orders: 'both' });
    expect(v).toMatchObject({ outcome: 'tie', preference: 0.5, identical: true, reads: [] });
    expect(judge.seen).toHaveLength(0);
    expect(identicalImages(plain, twin)).toBe(true);
    expect(identicalImages(plain, renderSpec(defaultSpec('cat'), { seed: 3 }))).toBe(false);
    expect(await judgeBlind(judge, [])).toEqual([]);
  });

  it('lays a labelled training pair out in both orders', () => {
    expect(bothOrders('pos', 'neg')).toEqual([{ images: ['pos', 'neg'], label: 'A' }, { images: ['neg', 'pos'], label: 'B' }]);
  });

  it('scores outcomes the A.2 way and maps mean scores back', () => {
    expect([outcomeScore('candidate'), outcomeScore('tie'), outcomeScore('baseline')]).toEqual([1, 0.5, 0]);
    expect([outcomeOfScore(0.75), outcomeOfScore(0.5), outcomeOfScore(0.25)]).toEqual(['candidate', 'tie', 'baseline']);
  });

  it('rejects a judge that answers out of range or skips queries', async () => {
    await expect(judgeBlind(new SaysA(1.2), pairs(1))).rejects.toThrow(SeerError);
    await expect(judgeBlind(new SaysA(Number.NaN), pairs(1))).rejects.toThrow(/probabilityA = NaN/);
    const lazy: PairwiseJudge = { name: 'lazy', judge: async () => [] };
    await expect(judgeBlind(lazy, pairs(2))).rejects.toThrow(/0 answers for 2 queries/);
  });
});

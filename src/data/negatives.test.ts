import { describe, expect, it } from 'vitest';
import { NEGATIVE_KINDS, gradedNegativePairs, keepsSubject } from './negatives.ts';

const all = NEGATIVE_KINDS.map((kind) => ({ kind, image: `${kind}.png` }));

describe('graded pairs of negatives', () => {
  it('count plain, wrong-concept and partial as keeping the subject, swapped and lost as losing it', () => {
    expect(NEGATIVE_KINDS.filter(keepsSubject)).toEqual(['plain', 'wrong-concept', 'partial']);
  });

  it('put a kind that keeps the subject over one that loses it, and the partial elaboration over the plain picture', () => {
    const seen = new Set<string>();
    for (let index = 0; index < 20; index++) {
      for (const [better, worse] of gradedNegativePairs(all, index, 2)) {
        seen.add(`${better.kind}>${worse.kind}`);
        if (better.kind === 'partial' && worse.kind === 'plain') continue;
        expect(keepsSubject(better.kind)).toBe(true);
        expect(keepsSubject(worse.kind)).toBe(false);
      }
    }
    // Rotating from row to row, every pair appears: 3 kept × 2 lost, and partial over plain.
    expect(seen.size).toBe(7);
    expect(seen.has('partial>plain')).toBe(true);
    expect(seen.has('plain>partial')).toBe(false);
  });

  it('give as many as asked when there are, none without a better and a worse kind', () => {
    expect(gradedNegativePairs(all, 0, 3)).toHaveLength(3);
    expect(gradedNegativePairs(all, 0, 0)).toEqual([]);
    expect(gradedNegativePairs(all.filter((n) => keepsSubject(n.kind) && n.kind !== 'partial'), 0, 1)).toEqual([]);
    expect(gradedNegativePairs(undefined, 0, 1)).toEqual([]);
    const two = gradedNegativePairs(all.filter((n) => n.kind === 'plain' || n.kind === 'subject-lost'), 5, 4);
    expect(two.map(([b, w]) => [b.kind, w.kind])).toEqual([['plain', 'subject-lost']]);
  });
});

import { describe, expect, it } from 'vitest';
import { elaborate } from './elaborate.ts';
import { RendererSource } from '../data/image-source.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { NaiveReprompter, OracleReprompter } from '../world/reprompters.ts';
import type { PairwiseJudge, Reprompter } from '../roles/roles.ts';

const instruction = 'Make the object look scary, yet undeniably cute.';

describe('elaborate (inference loop)', () => {
  it('returns the reprompt and both images; a good reprompter is preferred over naive', async () => {
    const result = await elaborate({ instruction, prompt: 'a cat', reprompter: new OracleReprompter(), generator: new RendererSource(), judge: new OracleJudge() });
    expect(result.preference).toBeGreaterThan(0.5);
    expect(result.seerImage.data.length).toBe(32 * 32 * 3);
    expect(result.candidates).toBe(1);
  });

  it('best-of-N keeps the candidate the judge prefers; rounds retry until preferred', async () => {
    // Every second reprompt asked for is a good one, the others useless.
    const flaky = (): Reprompter => {
      let asked = 0;
      return {
        name: 'flaky',
        reprompt: async (requests, options) => Promise.all(requests.map(async (r) => (await (++asked % 2 === 0 ? new OracleReprompter().reprompt([r], options) : new NaiveReprompter().reprompt([r])))[0]!)),
      };
    };
    const base = { instruction, prompt: 'a cat', generator: new RendererSource(), judge: new OracleJudge() };
    const one = await elaborate({ ...base, reprompter: flaky() });
    expect(one.preference).toBeLessThanOrEqual(0.5);
    const bestOf = await elaborate({ ...base, reprompter: flaky(), bestOf: 2 });
    expect(bestOf.preference).toBeGreaterThan(0.5);
    expect(bestOf.candidates).toBe(2);
    const rounds = await elaborate({ ...base, reprompter: flaky(), rounds: 3 });
    expect(rounds.preference).toBeGreaterThan(0.5);
    expect(rounds.rounds).toBe(2);
  });

  it('position cannot decide: a judge that always answers "a" prefers no candidate, so rounds run out', async () => {
    let asked = 0;
    const saysA: PairwiseJudge = { name: 'says-a', judge: async (qs) => ((asked += qs.length), qs.map(() => ({ verdict: 'A', probabilityA: 0.99 }))) };
    const base = { instruction, prompt: 'a cat', reprompter: new OracleReprompter(), generator: new RendererSource(), judge: saysA };
    const both = await elaborate({ ...base, rounds: 3 });
    expect(both.preference).toBeCloseTo(0.5, 12);
    expect(both.rounds).toBe(3);
    expect(asked).toBe(6); // both orders, three rounds
    // Asked once per candidate, all candidates of a round share the seeded order: same preference.
    // (Independent orders would make best-of-4 pick a first-shown candidate at 0.99 almost always.)
    const preferences = new Set<number>();
    for (const seed of [0, 1, 2, 3, 4, 5, 6, 7]) preferences.add(Math.round((await elaborate({ ...base, bestOf: 4, orders: 'seeded', seed })).preference * 100) / 100);
    expect(preferences).toEqual(new Set([0.99, 0.01]));
  });
});

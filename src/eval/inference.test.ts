import { describe, expect, it } from 'vitest';
import { RendererSource } from '../data/image-source.ts';
import type { TestRow } from '../data/schemas.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { NaiveReprompter, OracleReprompter } from '../world/reprompters.ts';
import type { Reprompter } from '../roles/roles.ts';
import { inferenceVariants } from './inference.ts';

const row = (id: string, instruction: string, prompt: string, subject: string): TestRow =>
  ({ id, instruction, instruction_id: 'x', prompt, subject, category: 'conceptual', difficulty: 'hard', split: 'id', elaboration: prompt }) as TestRow;

describe('inference variants (best-of-N, rounds) judged by the oracle', () => {
  it('more candidates help a reprompter that is right only on every third reprompt', async () => {
    // Right on every third reprompt of each case (in whatever batches they are asked for).
    const asked = new Map<string, number>();
    const flaky: Reprompter = {
      name: 'flaky',
      reprompt: async (requests, options) =>
        Promise.all(requests.map(async (r) => {
          const k = (asked.get(r.prompt) ?? 0) + 1;
          asked.set(r.prompt, k);
          return (await (k % 3 === 0 ? new OracleReprompter().reprompt([r], options) : new NaiveReprompter().reprompt([r])))[0]!;
        })),
    };
    const rows = [row('a', 'Make the object look scary, yet undeniably cute.', 'a cat', 'cat'), row('b', 'Make it look like it is carved from wood.', 'a dog', 'dog')];
    const result = await inferenceVariants({
      rows, reprompter: flaky, generator: new RendererSource(), judge: new OracleJudge(), imageSeeds: [1, 2],
      variants: [{ name: 'single', bestOf: 1, rounds: 1 }, { name: 'best-of-3', bestOf: 3, rounds: 1 }, { name: 'rounds-3', bestOf: 1, rounds: 3 }],
    });
    expect(result.single!.n).toBe(4);
    expect(result['best-of-3']!.candidatesPerCase).toBe(3);
    expect(result['best-of-3']!.winRatioVsNaive).toBe(1);
    expect(result['best-of-3']!.compliance).toBeGreaterThan(result.single!.compliance);
    expect(result['rounds-3']!.winRatioVsNaive).toBe(1);
    expect(result['rounds-3']!.candidatesPerCase).toBeLessThanOrEqual(3);
    expect(result.single!.winRatioVsNaive).toBeLessThan(1);
    expect(result.single!.low).toBeLessThanOrEqual(result.single!.winRatioVsNaive);
  });
});

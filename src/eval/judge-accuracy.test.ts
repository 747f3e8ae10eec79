import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie } from '../data/vie.ts';
import { OracleJudge } from '../oracle/judge.ts';
import type { PairwiseJudge } from '../roles/roles.ts';
import { judgeAccuracy } from './judge-accuracy.ts';
import { findInstruction } from '../world/instructions.ts';

describe('Table 1 (judge accuracy, both orders)', () => {
  it('counts each order once: pure position bias scores exactly 0.5, the oracle near 1', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'judge-acc-')), 'data');
    await buildVie(data, { seed: 3, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    const saysA: PairwiseJudge = { name: 'says-a', judge: async (qs) => qs.map(() => ({ verdict: 'A' })) };
    const biased = await judgeAccuracy(saysA, data);
    expect(biased.total.n % 2).toBe(0);
    expect(biased.total.n).toBeGreaterThan(0);
    expect(biased.total.accuracy).toBe(0.5);
    expect(biased.answeredA).toBe(1);
    expect(biased.id.overall.n + biased.ood.overall.n).toBe(biased.total.n);
    const oracle = await judgeAccuracy(new OracleJudge(), data);
    expect(oracle.total.n).toBe(biased.total.n);
    expect(oracle.total.accuracy).toBeGreaterThan(0.9);
    expect(oracle.answeredA).toBeCloseTo(0.5, 1);
    // Asked in paraphrases: the same cases, each instruction in a wording that is not its text.
    const asked: string[] = [];
    const recording: PairwiseJudge = { name: 'recording', judge: async (qs) => qs.map((q) => (asked.push(q.instruction), { verdict: 'B' })) };
    const paraphrased = await judgeAccuracy(recording, data, undefined, { paraphrased: true });
    expect(paraphrased.total.n).toBe(biased.total.n);
    expect(asked.length).toBeGreaterThan(0);
    for (const text of asked) expect(findInstruction(text)?.paraphrases).toContain(text);
  });
});

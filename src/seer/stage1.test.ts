import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie } from '../data/vie.ts';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import { buildJudgePrompts, trainEvaluator } from './stage1.ts';
import { SeerJudge } from './roles.ts';
import { judgeAccuracy } from '../eval/judge-accuracy.ts';
import { OracleJudge } from '../world/judge.ts';

describe('Stage 1 (RLVR) smoke run on a tiny model and a small VIE set', () => {
  it('builds both-order judge prompts, trains both curriculum phases and measures Table 1 cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage1-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 1, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    const { model } = await pretrain({ recipe: { ...RECIPES.tiny, threads: 1, steps: 8 }, outDir: join(dir, 'pretrain'), quiet: true });

    const prompts = await buildJudgePrompts(model, data, 2, 3);
    expect(prompts.map((p) => p.meta.label)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);

    const { phase1, phase2 } = await trainEvaluator(model, data, join(dir, 'stage1'), {
      maxRows: 2, numGenerations: 2, promptsPerStep: 2, phase1Epochs: 1, phase2Epochs: 1, maxCompletionLength: 12,
    }, { quiet: true });
    expect(phase1.length).toBe(2);
    expect(phase2.length).toBe(2);
    for (const m of [...phase1, ...phase2]) {
      expect(m['rewards/verdict/mean']).toBeGreaterThanOrEqual(0);
      expect(m['rewards/format/mean']).toBeLessThanOrEqual(1);
    }
    expect(existsSync(join(dir, 'stage1', 'phase2', 'metrics.jsonl'))).toBe(true);
    expect(readFileSync(join(dir, 'stage1', 'phase2', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const table = await judgeAccuracy(new SeerJudge(model), data);
    expect(table.total.n).toBeGreaterThan(0);
    expect(table.id.overall.n + table.ood.overall.n).toBe(table.total.n);
    // The oracle, judged by the same code, is near perfect on its own verified quadruplets.
    expect((await judgeAccuracy(new OracleJudge(), data)).total.accuracy).toBeGreaterThan(0.9);
  });
});

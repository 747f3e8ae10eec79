import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie } from '../data/vie.ts';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { buildRepromptPrompts, trainReprompter } from './stage2.ts';

describe('Stage 2 (RLMT) smoke run on a tiny model', () => {
  it('rewards reprompts with the frozen evaluator, logs TRL metrics and leaves the frozen evaluator and generator untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage2-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 2, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    await pretrain({ recipe: { ...RECIPES.tiny, threads: 1, steps: 8 }, outDir: join(dir, 'pretrain'), quiet: true });
    const policy = loadSeerMini(join(dir, 'pretrain', 'model')).model;
    const frozen = loadSeerMini(join(dir, 'pretrain', 'model')).model;
    const generator = loadSeerMini(join(dir, 'pretrain', 'model')).model;
    const frozenBefore = frozen.transformer.exportWeights().get('h0.qkv.w')!.data.slice();
    const generatorBefore = generator.transformer.exportWeights().get('h0.qkv.w')!.data.slice();

    const prompts = buildRepromptPrompts(policy, data, 0, 3);
    expect(prompts).toHaveLength(3);
    expect(new Set(prompts.map((p) => p.meta.imageSeed)).size).toBe(3);

    const metrics = await trainReprompter(policy, frozen, generator, data, join(dir, 'stage2'), { maxRows: 2, numGenerations: 2, promptsPerStep: 2, epochs: 2, maxCompletionLength: 10 }, { quiet: true });
    expect(metrics).toHaveLength(2);
    for (const m of metrics) {
      expect(m['rewards/preference/mean']).toBeGreaterThanOrEqual(0);
      expect(m['rewards/format/mean']).toBeGreaterThanOrEqual(0);
      expect(m).toHaveProperty('kl');
    }
    expect(readFileSync(join(dir, 'stage2', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(frozen.transformer.exportWeights().get('h0.qkv.w')!.data).toEqual(frozenBefore);
    expect(generator.transformer.exportWeights().get('h0.qkv.w')!.data).toEqual(generatorBefore);
  });
});

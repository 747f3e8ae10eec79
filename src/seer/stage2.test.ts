import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie } from '../data/vie.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { buildRepromptPrompts, initialRepromptsOf, trainReprompter } from './stage2.ts';
import { initialRepromptKey } from './rewards.ts';
import { findInstruction } from '../world/instructions.ts';

describe('Stage 2 (RLMT) smoke run from the shipped base checkpoint', () => {
  it('rewards reprompts with the frozen evaluator, logs TRL metrics and leaves the frozen evaluator and generator untouched', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage2-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 2, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    // The shipped base writes the reprompt format (0.98 of a run's first Stage-2 steps), so the preference reward is exercised.
    const policy = loadSeerMini().model;
    const frozen = loadSeerMini().model;
    const generator = loadSeerMini().model;
    const frozenBefore = frozen.transformer.exportWeights().get('h0.qkv.w')!.data.slice();
    const generatorBefore = generator.transformer.exportWeights().get('h0.qkv.w')!.data.slice();

    const prompts = buildRepromptPrompts(policy, data, 0, 3);
    expect(prompts).toHaveLength(3);
    expect(new Set(prompts.map((p) => p.meta.imageSeed)).size).toBe(3);
    // Fresh wordings: every row asked in a new text of its rule (none is an instruction's text or paraphrase), the image seeds unchanged.
    const reworded = buildRepromptPrompts(policy, data, 0, 3, 1);
    expect(reworded.map((p) => p.meta.imageSeed)).toEqual(prompts.map((p) => p.meta.imageSeed));
    for (const [i, p] of reworded.entries()) {
      expect(p.meta.prompt).toBe(prompts[i]!.meta.prompt);
      expect(findInstruction(p.meta.instruction)).toBeUndefined();
      expect(findInstruction(prompts[i]!.meta.instruction)).toBeDefined();
    }
    expect(buildRepromptPrompts(policy, data, 0, 3, 1)).toEqual(reworded);

    const metrics = await trainReprompter(policy, frozen, generator, data, join(dir, 'stage2'), { maxRows: 2, numGenerations: 2, promptsPerStep: 2, epochs: 2, maxCompletionLength: 48 }, { quiet: true });
    expect(metrics).toHaveLength(2);
    expect(metrics[0]!.kl).toBe(0); // the KL reference is the policy's starting weights
    for (const m of metrics) {
      expect(m['rewards/format/mean']).toBeGreaterThan(0);
      // The hard reward is the A.2 score of each of the 4 pairs: 0, 0.5 (tie) or 1.
      expect(Number.isInteger(m['rewards/preference/mean']! * 8)).toBe(true);
      // And the evaluator's subject check of each reprompt's text, at its default weight 0.5.
      expect(Number.isInteger(m['rewards/subject_check/mean']! * 4)).toBe(true);
      // And the evaluator's reading of each drawn image (0, 1/3, 2/3 or 1), at its default weight 1.
      const read = m['rewards/image_reading/mean']!;
      expect(read * 12).toBeCloseTo(Math.round(read * 12), 9);
      expect(m.reward).toBeCloseTo(m['rewards/preference/mean']! + m['rewards/format/mean']! + 0.5 * m['rewards/subject_check/mean']! + read, 12);
    }
    expect(readFileSync(join(dir, 'stage2', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    expect(frozen.transformer.exportWeights().get('h0.qkv.w')!.data).toEqual(frozenBefore);
    expect(generator.transformer.exportWeights().get('h0.qkv.w')!.data).toEqual(generatorBefore);
  });

  it('with the versus-initial reward: one seeded first reprompt per row, and its verdicts in the total reward', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage2-vi-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 3, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    const policy = loadSeerMini().model;
    const prompts = buildRepromptPrompts(policy, data, 0, 2);
    const first = await initialRepromptsOf(policy, prompts, 5);
    expect([...first.keys()]).toEqual(prompts.map((p) => initialRepromptKey(p.meta)));
    expect(await initialRepromptsOf(policy, prompts, 5)).toEqual(first);
    for (const reprompt of first.values()) expect(reprompt.length).toBeGreaterThan(0);

    const metrics = await trainReprompter(policy, loadSeerMini().model, loadSeerMini().model, data, join(dir, 'stage2'), { maxRows: 2, numGenerations: 2, promptsPerStep: 2, epochs: 1, maxCompletionLength: 48, subjectCheck: 0, imageReading: 0, versusInitial: 0.5 }, { quiet: true });
    expect(metrics).toHaveLength(1);
    const m = metrics[0]!;
    expect(Number.isInteger(m['rewards/versus_initial/mean']! * 8)).toBe(true);
    expect(m.reward).toBeCloseTo(m['rewards/preference/mean']! + m['rewards/format/mean']! + 0.5 * m['rewards/versus_initial/mean']!, 12);
  });

  it('with the soft preference reward: the judge\'s probabilities (both orders averaged) in place of its verdicts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage2-soft-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 4, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    const metrics = await trainReprompter(loadSeerMini().model, loadSeerMini().model, loadSeerMini().model, data, join(dir, 'stage2'), { maxRows: 2, numGenerations: 2, promptsPerStep: 2, epochs: 1, maxCompletionLength: 48, subjectCheck: 0, imageReading: 0, soft: true }, { quiet: true });
    expect(metrics).toHaveLength(1);
    const m = metrics[0]!;
    expect(m['rewards/preference/mean']).toBeUndefined();
    const p = m['rewards/preference_prob/mean']!;
    expect(p).toBeGreaterThanOrEqual(0);
    expect(p).toBeLessThanOrEqual(1);
    expect(m.reward).toBeCloseTo(p + m['rewards/format/mean']!, 12);
  });
});

/**
 * `seer bench`'s Stage-2 GRPO workload on the shipped base checkpoint: one step records the token
 * work the PyTorch reference replays (rollout rows, the reward's image calls before memoisation,
 * the judge's contexts, answers and scoring rows), and a `benchGrpoRows` row has positive phase
 * times — and, when Debian's python3-torch is installed (/usr/bin/python3), the PyTorch step done
 * TRL's way beside it and the ratio; without it the PyTorch part is skipped.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { engine } from '../engine/torch.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { stage2ConfigSchema } from '../seer/stage2.ts';
import { runTorchStage2Reference } from './engine.ts';
import { benchGrpoRows, benchStage2Step, formatGrpoRow } from './grpo.ts';

const torchAvailable = spawnSync('/usr/bin/python3', ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;

describe.skipIf(!engine.available())('Stage-2 GRPO bench', () => {
  const config = stage2ConfigSchema.parse({});
  const B = config.promptsPerStep * config.numGenerations;

  it('records what one step asked of the policy, the generator and the judge', { timeout: 300_000 }, async () => {
    engine.setThreads(1);
    const model = loadSeerMini().model;
    const out = await benchStage2Step(model, { steps: 1, evaluator: loadSeerMini().model, generator: loadSeerMini().model });
    expect(out.records).toHaveLength(1);
    const r = out.records[0]!;
    expect(r.contexts).toHaveLength(B);
    expect(r.completions).toHaveLength(B);
    for (const n of r.completions) expect(n).toBeLessThanOrEqual(config.maxCompletionLength);
    // The base writes the reprompt format, so the preference reward asks, in one call, for a reprompt image and a naive image per valid
    // completion; the image-reading reward (on by default) asks again for each distinct reprompt image, every one already drawn.
    expect(r.imageCalls).toHaveLength(config.imageReading > 0 ? 2 : 1);
    if (config.imageReading > 0) expect(r.imageCalls[1]!.length).toBeGreaterThan(0);
    if (config.imageReading > 0) expect(2 * r.imageCalls[1]!.length).toBeLessThanOrEqual(r.imageCalls[0]!.length);
    const asked = r.imageCalls[0]!.length;
    expect(asked).toBeGreaterThan(0);
    expect(asked % 2).toBe(0);
    // Memoised: at most one naive image per prompt, so fewer draws than asks.
    expect(r.imagesDrawn).toBeGreaterThan(0);
    expect(r.imagesDrawn).toBeLessThanOrEqual(asked / 2 + config.promptsPerStep);
    expect(r.judgeContexts.length).toBeGreaterThan(0);
    expect(r.judgeOutputs).toHaveLength(r.judgeContexts.length);
    for (const n of r.judgeContexts) expect(n).toBeGreaterThan(2 * model.image.length); // two images + text
    for (const n of r.judgeOutputs) expect(n).toBeLessThanOrEqual(64);
    // The 0/1 reward reads the judge's verdicts only: no second pass scores its answers.
    expect(r.scoreContexts).toHaveLength(0);
    const t = out.median;
    for (const k of ['step', 'rollout', 'reward', 'images', 'judge', 'reference', 'update'] as const) expect(t[k]).toBeGreaterThan(0);
    expect(t.images + t.judge).toBeLessThanOrEqual(t.reward);
    expect(t.rollout + t.reward + t.reference + t.update).toBeLessThanOrEqual(t.step);

    if (!torchAvailable) return; // the PyTorch replay needs /usr/bin/python3 with torch
    const c = model.transformer.config;
    const ref = runTorchStage2Reference({ dModel: c.dModel, nLayers: c.nLayers, nHeads: c.nHeads, vocab: c.textVocab + c.imageVocab, textVocab: c.textVocab, imageCodes: model.image.length, G: config.numGenerations, beta: config.beta, learningRate: config.learningRate }, { threads: 1, record: out.records });
    expect(ref.ok, ref.ok ? '' : ref.reason).toBe(true);
    if (ref.ok) for (const k of ['step', 'rollout', 'reward', 'images', 'judge', 'reference', 'update'] as const) expect(ref.median[k]).toBeGreaterThan(0);
  });

  it(`gives the stage2 row of \`seer bench --workload grpo\`${torchAvailable ? ', with PyTorch beside it and the ratio' : ' (python3-torch absent: no PyTorch part)'}`, { timeout: 300_000 }, async () => {
    const rows = await benchGrpoRows({ workloads: ['stage2'], threads: [1], repeats: 1, steps: 2, reference: torchAvailable });
    expect(rows.map((r) => r.workload)).toEqual(['stage2-grpo-step']);
    const row = rows[0]!;
    expect(row.rows).toBe(B);
    expect(row.imagesAsked).toBeGreaterThan(0);
    expect(row.judgeQueries).toBeGreaterThan(0);
    expect(row.stepSeconds.median).toBeGreaterThan(0);
    for (const k of ['rollout', 'reward', 'images', 'judge', 'reference', 'update']) expect(row.phases[k]).toBeGreaterThan(0);
    expect(formatGrpoRow(row)).toMatch(/^Stage-2 GRPO step \(32 rows: .*1 thread\(s\): step [\d.]+ /);
    if (torchAvailable) {
      expect(row.pytorchError).toBeUndefined();
      expect(row.ratioToPytorch).toBeGreaterThan(0);
      expect(Number.isFinite(row.ratioToPytorch)).toBe(true);
      for (const k of ['rollout', 'reward', 'images', 'judge', 'reference', 'update']) expect(row.pytorchPhases?.[k]).toBeGreaterThan(0);
      expect(formatGrpoRow(row)).toMatch(/PyTorch \(TRL's way\) .* → ratio [\d.]+$/);
    } else {
      expect(row.pytorchStepSeconds).toBeUndefined();
    }
  });
});

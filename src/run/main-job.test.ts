import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import { z } from 'zod';
import { readJson, writeJson } from '../core/io.ts';
import { RUN_RECIPES, paraphrasedRows, runSeer } from './main-job.ts';
import { TRAIN_INSTRUCTIONS, findInstruction } from '../world/instructions.ts';
import { evaluateRunToFolder } from './evaluate.ts';
import { baseTablesSchema, stage1TablesSchema } from './eval-parts.ts';
import { BASELINES, readRunResults, runEvaluationSchema } from '../reports/results.ts';
import type { RatioCell } from '../eval/win-ratio.ts';
import { NEGATIVES_PER_CASE } from '../eval/judge-accuracy.ts';
import { openDatabase } from '../humaneval/db.ts';
import { HumanEvalStore } from '../humaneval/store.ts';
import { createPairwiseStudy } from '../humaneval/studies.ts';
import { studyResults, type PairwiseResults } from '../humaneval/results.ts';
import { binomialTest } from '../eval/stats.ts';

describe('validation rows asked in other words', () => {
  it('asks each row\'s instruction in its paraphrase, which names the same rule, and leaves the rest of the row alone', () => {
    const rows = TRAIN_INSTRUCTIONS.slice(0, 12).map((ins, i) => ({ id: `val-${i}`, instruction: ins.text, instruction_id: ins.id, prompt: 'a cat at home', subject: 'cat' as const, category: ins.category, difficulty: ins.difficulty, split: 'id' as const, elaboration: 'a cat' }));
    const asked = paraphrasedRows(rows);
    asked.forEach((row, i) => {
      expect(row.instruction).not.toBe(rows[i]!.instruction);
      expect(findInstruction(row.instruction)?.id).toBe(rows[i]!.instruction_id);
      expect({ ...row, instruction: rows[i]!.instruction }).toEqual(rows[i]);
    });
  });
});

type Counts = Pick<RatioCell, 'n' | 'cases' | 'pValue' | 'wins' | 'losses' | 'ties'>;

describe('seer run --recipe smoke', () => {
  it('runs the whole pipeline and writes every table and file with sane values', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'seer-run-'));
    await pretrain({ recipe: { ...RECIPES.tiny, threads: 2, steps: 10 }, outDir: join(dir, 'base'), quiet: true });
    const out = join(dir, 'run');
    // A 10-step model draws nothing the oracle accepts: its training pool comes from renders.
    // Three copies, the ablation (the default, one model, is the next test's).
    const results = await runSeer({ recipe: 'smoke', outDir: out, checkpoint: join(dir, 'base', 'model'), imageSource: 'render', model: 'copies', quiet: true });
    // What the run wrote is what it returned, through the schema (a field the schema lacks fails the write).
    expect(readRunResults(join(out, 'results.json'))).toEqual(results);
    expect(results.testset).toBe(join(out, 'data', 'vie-test.jsonl'));
    for (const file of ['results.json', 'report.md', 'report.html', 'config.json', 'eval/reprompts.jsonl', 'data/vie-train.jsonl', 'stage1/phase2/metrics.jsonl', 'stage2/metrics.jsonl']) {
      expect(existsSync(join(out, file)), file).toBe(true);
    }
    const testRows = readFileSync(join(out, 'data', 'vie-test.jsonl'), 'utf8').split('\n').filter(Boolean);
    // Each case with a quadruplet is judged against NEGATIVES_PER_CASE of its verified hard negatives.
    const judgedPairs = testRows
      .map((line) => JSON.parse(line) as { quadruplet?: unknown; negatives?: unknown[] })
      .filter((r) => r.quadruplet)
      .reduce((sum, r) => sum + Math.min(NEGATIVES_PER_CASE, r.negatives?.length ?? 1), 0);
    expect(judgedPairs).toBeGreaterThan(0);
    for (const name of ['zeroShot', 'phase1Only', 'seerEval'] as const) {
      const { n, accuracy } = results.table1[name]!.total;
      expect(n, name).toBe(2 * judgedPairs); // every judged pair in both orders
      expect(Math.abs(accuracy * n - Math.round(accuracy * n)), name).toBeLessThan(1e-6); // a count of correct answers
    }
    // Each cell's counts are cases, and its p-value is the sign test over exactly those cases.
    const consistent = (name: string, cell: Counts) => {
      expect(cell.wins + cell.losses + cell.ties, name).toBe(cell.cases);
      expect(cell.n % cell.cases, name).toBe(0); // cases × image seeds
      expect(cell.pValue, name).toBeCloseTo(binomialTest(cell.wins, cell.wins + cell.losses), 12);
    };
    for (const name of BASELINES) {
      const cell = results.table2[name].total;
      consistent(name, cell);
      expect(cell.low, name).toBeLessThanOrEqual(cell.winRatio);
      expect(cell.winRatio, name).toBeLessThanOrEqual(cell.high);
    }
    // This smoke's 10-step model never writes the reprompt format, so SEER falls back to the naive
    // prompt: its images are the naive images, and blind judging calls every case a tie.
    const cases = results.table2.naive.total.cases;
    expect(cases).toBe(testRows.length);
    expect(results.failures.seer.format).toBe(cases);
    expect(results.table2.naive.total).toMatchObject({ winRatio: 0.5, low: 0.5, high: 0.5, wins: 0, losses: 0, ties: cases, pValue: 1 });
    for (const [name, v] of Object.entries(results.inference)) {
      consistent(name, v);
      expect(v, name).toMatchObject({ winRatioVsNaive: 0.5, wins: 0, losses: 0, ties: v.cases });
    }
    // Reward fidelity: SEER's reprompts are the naive prompt here, so every pair is identical images.
    expect(results.rewardFidelity.seer).toMatchObject({ pairs: results.table2.naive.total.n, identical: 1, decided: 0 });
    expect(results.rewardFidelity['base (CoT)'].pairs).toBe(results.table2.naive.total.n);
    // The human-eval app takes the run's pairs as they are: a study over every baseline, votes, results.
    const store = new HumanEvalStore(openDatabase(join(dir, 'he.sqlite')));
    const { study, raters } = createPairwiseStudy(store, { run: out, raters: 1 });
    const items = store.items(study.id);
    expect(items).toHaveLength(4 * cases);
    expect(results.humanEvalPairs).toBe(items.length);
    for (const item of items) expect(store.vote(raters[0]!.id, item.id, 'tie', null)).not.toBeNull();
    const human = studyResults(store, study.id) as PairwiseResults;
    expect(human.baselines.map((b) => b.baseline).sort()).toEqual(['base (CoT)', 'naive', 'oracle', 'text-only']);
    for (const b of human.baselines) expect(b.win_ratio).toBe(0.5);
    store.close();
    expect(Object.keys(results.general)).toEqual(['base', 'stage1', 'stage2']);
    expect(results.gallery.length).toBeGreaterThan(0);
    expect(Object.keys(results.inference)).toEqual(['single', 'best-of-4', 'rounds-3']);
    expect(results.inference['best-of-4']!.candidatesPerCase).toBe(4);
    expect(results.inference.single!.candidatesPerCase).toBe(1);
    expect(results.wallSeconds).toBeCloseTo(Object.values(results.stepSeconds ?? {}).reduce((a, b) => a + b, 0), 6);
    expect(Object.keys(results.stepSeconds ?? {})).toEqual(['data', 'table1-zero-shot', 'stage1', 'stage2', 'evaluation']);
    // Validation numbers come from training; the test tables from the evaluation step alone.
    expect(Object.keys(results.validation?.table1 ?? {})).toEqual(['zeroShot', 'phase1Only', 'seerEval']);
    expect(Object.keys(results.validation?.table1Generated ?? {})).toEqual(['zeroShot', 'seerEval']);
    expect(Object.keys(results.validation?.table1Paraphrased ?? {})).toEqual(['zeroShot', 'seerEval']);
    expect(results.validation?.table1Paraphrased?.seerEval?.pairs).toBe(results.validation?.table1.seerEval?.pairs);
    expect(results.validation?.stage2VsNaive?.total.cases).toBeGreaterThan(0);
    // Stage 2 reads its own validation file, not the judge's.
    expect(results.validation?.stage2VsNaive?.total.cases).toBe(readFileSync(join(out, 'data', 'vie-val-stage2.jsonl'), 'utf8').trim().split('\n').length);
    // Against the base model's own CoT reprompts, on the same validation cases and image seeds.
    expect(results.validation?.stage2VsBaseCoT?.total.n).toBe(results.validation?.stage2VsNaive?.total.n);
    // And both with each instruction in its paraphrase, on the same number of cases.
    expect(results.validation?.stage2Paraphrased?.vsNaive.total.n).toBe(results.validation?.stage2VsNaive?.total.n);
    expect(results.validation?.stage2Paraphrased?.vsBaseCoT.total.n).toBe(results.validation?.stage2VsNaive?.total.n);
    // Every validation row's reprompt has one failure type (or is ok).
    expect(Object.values(results.validation?.stage2Failures ?? {}).reduce((a, b) => a + b, 0)).toBe(results.validation?.stage2VsNaive?.total.cases);
    const stepsDir = join(out, 'steps');
    const stepRecord = z.record(z.string(), z.record(z.string(), z.unknown()));
    const zeroShotStep = readJson(join(stepsDir, 'table1-zero-shot.json'), stepRecord);
    const stage1Step = readJson(join(stepsDir, 'stage1.json'), z.record(z.string(), stepRecord));
    expect(Object.keys(zeroShotStep)).toEqual(['validation', 'validationGenerated', 'validationParaphrased']);
    expect(Object.keys(stage1Step.seerEval ?? {})).toEqual(['validation', 'validationGenerated', 'validationParaphrased']);
    const evaluationStep = readJson(join(stepsDir, 'evaluation.json'), runEvaluationSchema);
    expect(evaluationStep.table1).toEqual(results.table1);
    // The judge tables ran in a second process beside Stages 1 and 2; in this one they give the same numbers.
    expect(readJson(join(out, 'parts', 'base.json'), baseTablesSchema).table1.zeroShot).toEqual(results.table1.zeroShot);
    expect(readJson(join(out, 'parts', 'stage1.json'), stage1TablesSchema).table1.seerEval).toEqual(results.table1.seerEval);
    const { results: inOneProcess } = await evaluateRunToFolder(out, { outDir: join(out, 'eval-one-process'), parts: 'here' });
    for (const key of ['table1', 'table1Generated', 'general', 'table2', 'rewardFidelity', 'failures', 'inference'] as const) expect(inOneProcess[key], key).toEqual(results[key]);
    expect(existsSync(join(out, results.gallery[0]!.seer))).toBe(true);
    const md = readFileSync(join(out, 'report.md'), 'utf8');
    expect(md).toContain('Table 1');
    expect(md).toContain('| naive |');
    expect(md).toContain('| best-of-4 |');
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('<svg');

    // Resume: a finished run re-reads its steps instead of recomputing them.
    const timings = readFileSync(join(stepsDir, 'timings.json'), 'utf8');
    const again = await runSeer({ recipe: 'smoke', outDir: out, checkpoint: join(dir, 'base', 'model'), model: 'copies', quiet: true, resume: true });
    expect(again).toEqual(results);
    expect(readFileSync(join(stepsDir, 'timings.json'), 'utf8')).toBe(timings);
    // A run whose evaluation finished before Table 1 on the test set moved into it: its steps hold
    // Table 1 under `test`, and resuming it rebuilds the same results without recomputing a step.
    const { testset: _testset, table1, ...legacyEvaluation } = evaluationStep;
    writeJson(join(stepsDir, 'evaluation.json'), legacyEvaluation);
    writeJson(join(stepsDir, 'table1-zero-shot.json'), { test: table1.zeroShot, ...zeroShotStep });
    writeJson(join(stepsDir, 'stage1.json'), { phase1Only: { test: table1.phase1Only, ...stage1Step.phase1Only }, seerEval: { test: table1.seerEval, ...stage1Step.seerEval } });
    const legacy = await runSeer({ recipe: 'smoke', outDir: out, checkpoint: join(dir, 'base', 'model'), model: 'copies', quiet: true, resume: true });
    expect(legacy).toEqual(results);
    expect(readFileSync(join(stepsDir, 'timings.json'), 'utf8')).toBe(timings);

    // `seer eval run --testset FILE`: any VIE-format file; here three rows of the run's own test set.
    const subset = readFileSync(join(out, 'data', 'vie-test.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 3);
    writeFileSync(join(out, 'data', 'subset.jsonl'), `${subset.join('\n')}\n`);
    const { outDir: evalDir, results: evaluated } = await evaluateRunToFolder(out, { testset: join(out, 'data', 'subset.jsonl') });
    expect(evalDir).toBe(join(out, 'eval-subset'));
    expect(evaluated.table2.naive.total).toMatchObject({ n: 3 });
    for (const file of ['results.json', 'report.md', 'report.html', 'eval/pairs.jsonl']) expect(existsSync(join(evalDir, file)), file).toBe(true);
    expect(readRunResults(join(evalDir, 'results.json'))).toEqual(evaluated);
    expect(Object.keys(evaluated.table1)).toEqual(['zeroShot', 'phase1Only', 'seerEval']);
    expect(evaluated.validation).toBeUndefined();
    await expect(evaluateRunToFolder(join(dir, 'nowhere'))).rejects.toThrow(/written by `seer run`/);
  });
});

describe('seer run --model one --curriculum phase2 --judge-descriptions read (smoke)', () => {
  it('draws the evaluation with the final weights, skips phase 1, replays in Stage 2 only and judges with read openings', { timeout: 180_000 }, async () => {
    const { loadSeerMini } = await import('../model/checkpoint.ts');
    const { SeerMiniGenerator } = await import('../model/generator.ts');
    const { encodePng } = await import('../image/image.ts');
    const { evaluationImageSeeds } = await import('../eval/win-ratio.ts');
    const { naivePrompt } = await import('../roles/roles.ts');
    const dir = mkdtempSync(join(tmpdir(), 'seer-one-'));
    await pretrain({ recipe: { ...RECIPES.tiny, threads: 2, steps: 10 }, outDir: join(dir, 'base'), quiet: true });
    const checkpoint = join(dir, 'base', 'model');
    await expect(runSeer({ recipe: 'smoke', outDir: join(dir, 'bad'), checkpoint, model: 'one', policyInit: 'base', quiet: true })).rejects.toThrow(/--model one starts Stage 2 from the Stage-1 weights/);
    const out = join(dir, 'run');
    const results = await runSeer({ recipe: 'smoke', outDir: out, checkpoint, imageSource: 'render', curriculum: 'phase2', replay: 0.5, replayStages: 'stage2', judgeDescriptions: 'read', stage2Generations: 3, stage2Temperature: 0.9, stage2LearningRate: 1e-4, quiet: true });
    const config = readJson(join(out, 'config.json'), z.looseObject({ policyInit: z.string(), model: z.string(), stage1: z.looseObject({ replay: z.looseObject({ weight: z.number() }) }), stage2: z.looseObject({ replay: z.looseObject({ weight: z.number() }), numGenerations: z.number(), temperature: z.number(), learningRate: z.number() }) }));
    expect(config).toMatchObject({ policyInit: 'stage1', model: 'one', stage1: { replay: { weight: 0 } }, stage2: { replay: { weight: 0.5 }, numGenerations: 3, temperature: 0.9, learningRate: 1e-4 } });
    expect(results.model).toBe('one');
    // Every model the run saved judges as it was trained to: with its captions and its own checks of them.
    for (const saved of ['stage1-model', 'stage2-model']) expect(loadSeerMini(join(out, saved)).model.judgeDescriptions, saved).toBe('read');
    // No phase 1: no phase-1 checkpoint and no phase-1-only judge in Table 1.
    expect(existsSync(join(out, 'stage1-phase1-model'))).toBe(false);
    expect(existsSync(join(out, 'stage1', 'phase1'))).toBe(false);
    expect(Object.keys(results.table1)).toEqual(['zeroShot', 'seerEval']);
    expect(Object.keys(results.validation?.table1 ?? {})).toEqual(['zeroShot', 'seerEval']);
    // The gallery's images are the final weights' draws, not the base's.
    const row = results.gallery[0]!;
    const seed = evaluationImageSeeds(results.dataSeed ?? 0, RUN_RECIPES.smoke.imageSeeds)[0]!;
    const request = { instruction: row.instruction, prompt: row.prompt };
    const draw = async (modelDir: string) => Buffer.from(encodePng((await new SeerMiniGenerator(loadSeerMini(modelDir).model).generate([naivePrompt(request)], [seed]))[0]!, 4));
    const gallery = readFileSync(join(out, row.naive));
    expect(gallery.equals(await draw(join(out, 'stage2-model')))).toBe(true);
    expect(gallery.equals(await draw(checkpoint))).toBe(false);
    expect(readFileSync(join(out, 'report.md'), 'utf8')).toContain('One SEER model');
  });
});

describe('the training pool drawn by the model itself (paper A.1.2)', () => {
  it('keeps only oracle-verified images from the shipped base generator, and says so when none pass', { timeout: 120_000 }, async () => {
    const { buildVie } = await import('../data/vie.ts');
    const { SeerMiniGenerator } = await import('../model/generator.ts');
    const { loadSeerMini } = await import('../model/checkpoint.ts');
    const { readJsonl } = await import('../core/io.ts');
    const { trainRowSchema } = await import('../data/schemas.ts');
    const { readPng } = await import('../image/image.ts');
    const { OracleJudge } = await import('../oracle/judge.ts');
    const { findInstruction } = await import('../world/instructions.ts');
    const { renderSpec } = await import('../world/render.ts');
    const { parseCaption } = await import('../world/grammar.ts');
    const dir = mkdtempSync(join(tmpdir(), 'vie-gen-'));
    const small = { promptsPerInstruction: 1, keep: 6, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1, valInstructions: 5, valPromptsPerInstruction: 1 };
    const summary = await buildVie(dir, { ...small, drawsPerCandidate: 2 }, { quiet: true, source: new SeerMiniGenerator(loadSeerMini().model) });
    expect(summary.passedAutoCheck).toBeGreaterThan(6);
    expect(summary.passedAutoCheck).toBeLessThan(summary.candidates);
    const oracle = new OracleJudge();
    for (const row of readJsonl(join(dir, 'vie-train.jsonl'), trainRowSchema)) {
      const image = await readPng(join(dir, row.rlvr.phase2.positive));
      expect(oracle.assess([image], findInstruction(row.instruction)!.rule, row.subject)[0]!.satisfied).toBe(true);
      const render = renderSpec(parseCaption(row.elaboration).spec, { seed: 0, size: 32 });
      expect(Buffer.from(image.data).equals(Buffer.from(render.data))).toBe(false);
    }
    const blank = { name: 'blank', generate: async (prompts: readonly string[]) => prompts.map(() => ({ width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) })) };
    await expect(buildVie(join(dir, 'blank'), small, { quiet: true, source: blank })).rejects.toThrow(/no training candidate passed the feasibility check.*--image-source render/);
  });
});

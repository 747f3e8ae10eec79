/**
 * Evaluation of a trained SEER run on a VIE-format test set — the second of the run's two steps
 * (the main job trains and saves the checkpoints; this reads them back). `evaluateRun(runDir)`
 * computes every table from the run folder's checkpoints: Table 1 (zero-shot, phase-1-only,
 * SEER-Eval) on the test set's quadruplets, then everything `evaluateSeer` measures (Tables 2–5,
 * failure types, inference variants, a gallery). The main job calls it on its own test set;
 * `seer eval run --run DIR [--testset FILE]` on any test file. Every comparison feeds the same
 * frozen generator (the base model's: θ_gen is never trained) with the same image seeds and is
 * judged by the oracle. Also: reward fidelity (SEER's judge vs the oracle on reprompt-vs-naive
 * pairs, eval/reward-fidelity.ts), Table 1 on the generator's own test images, and the human-eval
 * app's `eval/pairs.jsonl` (./pairs.ts). Tables 4–5 also measure how far Stage 1 / Stage 2 weights
 * would drift if they drew themselves (the blocks are shared in an early-fusion model). Results
 * are typed by ./results.ts.
 */
import { existsSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { readJson, readJsonl } from '../core/io.ts';
import { testRowSchema } from '../data/schemas.ts';
import { generatedCases, judgeAccuracy, judgeAccuracyOnGenerated } from '../eval/judge-accuracy.ts';
import { rewardFidelity } from '../eval/reward-fidelity.ts';
import { writeHumanEvalPairs, type BaselinePairs } from './pairs.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { writeReport } from '../reports/report.ts';
import type { TestRow } from '../data/schemas.ts';
import { TextOnlyReprompter } from '../backends/text-only/reprompter.ts';
import { classifyReprompt, countFailures } from '../eval/failures.ts';
import { generalCapabilities } from '../eval/general.ts';
import { inferenceVariants } from '../eval/inference.ts';
import { averageWords, evaluationImageSeeds, winRatioTable } from '../eval/win-ratio.ts';
import { SeerMiniGenerator } from '../model/generator.ts';
import type { SeerMini } from '../model/umm.ts';
import { SeerJudge, SeerReprompter } from '../seer/roles.ts';
import { writePng } from '../image/image.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { NaiveReprompter, OracleReprompter } from '../world/reprompters.ts';
import { naivePrompt, type ImageGenerator, type Reprompter } from '../roles/roles.ts';
import { memoiseImages } from '../seer/image-cache.ts';
import { writeRunResults, type Baseline, type RunEvaluation, type RunResults, type SeerEvaluation } from '../reports/results.ts';

export interface EvaluationSettings {
  imageSeeds: number;
  generalN: number;
  inferenceRows: number;
  seed: number;
  /** One line per finished part, with its wall time (progress of a job that takes minutes). */
  say?: (message: string) => void;
}

/** Runs one named part of the evaluation and reports its wall time through `say`. */
function timedParts(say: ((message: string) => void) | undefined) {
  return async <T>(name: string, part: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const value = await part();
    say?.(`evaluation: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    return value;
  };
}

/**
 * The frozen generator, each distinct (prompt, seed) drawn once for the whole evaluation: SEER's
 * images recur in every baseline's table, in reward fidelity and in the gallery, and the naive
 * ones in two. SEER-Mini's draw depends only on (prompt, seed), so the tables are unchanged.
 */
function memoisedGenerator(generator: ImageGenerator): ImageGenerator & { stats(): { hits: number; draws: number } } {
  const generate = memoiseImages((prompts, seeds) => generator.generate(prompts, seeds), { maxEntries: 1 << 14 });
  return { name: generator.name, generate, stats: generate.stats };
}

/** `base` is the untrained model and the frozen generator, `stage1` the evaluator, `stage2` the reprompter. */
export async function evaluateSeer(models: { base: SeerMini; stage1: SeerMini; stage2: SeerMini }, rows: readonly TestRow[], outDir: string, settings: EvaluationSettings): Promise<SeerEvaluation> {
  const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
  const generator = memoisedGenerator(new SeerMiniGenerator(models.base));
  const oracle = new OracleJudge();
  const seeds = evaluationImageSeeds(settings.seed, settings.imageSeeds);
  const part = timedParts(settings.say);
  const seerOut = await part('SEER reprompts', () => new SeerReprompter(models.stage2).reprompt(requests, { seed: settings.seed }));
  const seer = seerOut.map((r) => r.reprompt);
  const seerJudge = new SeerJudge(models.stage1, { name: 'seer-eval (frozen)' });
  const pairs: BaselinePairs[] = [];
  /** One baseline of Tables 2–3: its reprompts, SEER's win ratio against them, their failure types. */
  const measure = async (name: Baseline, reprompter: Reprompter) => {
    const outputs = await reprompter.reprompt(requests, { seed: settings.seed });
    const texts = outputs.map((o) => o.reprompt);
    const table = await winRatioTable({ rows, seer, baseline: texts, generator, judge: oracle, imageSeeds: seeds, seed: settings.seed, keepImages: true });
    // Human-eval pairs (A.2): the first image seed of every case, for every baseline.
    const first = table.verdicts.map((v, i) => ({ v, i })).filter(({ v }) => v.seed === seeds[0]);
    pairs.push({ name, verdicts: first.map(({ v }) => v), images: first.map(({ i }) => table.images![i]!) });
    return {
      texts,
      row: { total: table.total, id: table.id, ood: table.ood, averageWords: averageWords(texts) },
      failures: countFailures(rows.map((r, i) => classifyReprompt(r.instruction, r.prompt, outputs[i]!.validFormat === false ? null : texts[i]!))),
    };
  };
  const naive = await part('Table 2 vs naive', () => measure('naive', new NaiveReprompter()));
  const baseCoT = await part('Table 2 vs base (CoT)', () => measure('base (CoT)', new SeerReprompter(models.base, { name: 'base (CoT)' })));
  const textOnly = await part('Table 2 vs text-only', () => measure('text-only', new TextOnlyReprompter()));
  const oracleElaboration = await part('Table 2 vs oracle', () => measure('oracle', new OracleReprompter()));
  const humanEvalPairs = await part('human-eval pairs', () => writeHumanEvalPairs(outDir, rows, pairs, seerJudge, settings.seed));
  // The reward Stage 2 actually gets: SEER's judge vs the oracle on (reprompt image, naive image).
  const fidelity = await part('reward fidelity', async () => ({
    seer: await rewardFidelity({ rows, reprompts: seer, generator, judge: seerJudge, oracle, imageSeeds: seeds, seed: settings.seed }),
    'base (CoT)': await rewardFidelity({ rows, reprompts: baseCoT.texts, generator, judge: seerJudge, oracle, imageSeeds: seeds, seed: settings.seed }),
  }));
  // Table 1 on the base generator's own images of the test cases (renders are in table1).
  const table1Generated = await part('Table 1 on generator images', async () => {
    const drawn = await generatedCases(rows, generator, oracle, settings.seed);
    return { zeroShot: await judgeAccuracyOnGenerated(new SeerJudge(models.base), drawn), seerEval: await judgeAccuracyOnGenerated(seerJudge, drawn) };
  });
  const general = await part('Tables 4-5', async () => ({
    base: await generalCapabilities(models.base, { n: settings.generalN, seed: settings.seed }),
    stage1: await generalCapabilities(models.stage1, { n: settings.generalN, seed: settings.seed }),
    stage2: await generalCapabilities(models.stage2, { n: settings.generalN, seed: settings.seed }),
  }));
  // Beyond the paper: best-of-N and multi-round inference, chosen by SEER's own judge, scored by the oracle.
  const stride = Math.max(1, Math.floor(rows.length / settings.inferenceRows));
  const inference = await part('best-of-N and multi-round', () => inferenceVariants({
    rows: rows.filter((_, i) => i % stride === 0).slice(0, settings.inferenceRows),
    reprompter: new SeerReprompter(models.stage2),
    generator,
    judge: seerJudge,
    imageSeeds: seeds.slice(0, 1),
  }));
  // Gallery: naive vs SEER images for the first test cases (first image seed).
  const shown = rows.slice(0, 12);
  const naiveImages = await generator.generate(shown.map((r) => naivePrompt(r)), shown.map(() => seeds[0]!));
  const seerImages = await generator.generate(shown.map((_, i) => seer[i]!), shown.map(() => seeds[0]!));
  const gallery = shown.map((r, i) => {
    writePng(join(outDir, 'gallery', `${r.id}-naive.png`), naiveImages[i]!, 4);
    writePng(join(outDir, 'gallery', `${r.id}-seer.png`), seerImages[i]!, 4);
    return { id: r.id, instruction: r.instruction, prompt: r.prompt, reprompt: seer[i]!, naive: `gallery/${r.id}-naive.png`, seer: `gallery/${r.id}-seer.png` };
  });
  const { hits, draws } = generator.stats();
  settings.say?.(`evaluation: ${draws} images drawn, ${hits} reused`);
  const examples = rows.slice(0, 8).map((r, i) => ({ instruction: r.instruction, prompt: r.prompt, seer: seer[i]!, reasoning: seerOut[i]!.reasoning }));
  return {
    rewardFidelity: fidelity,
    table1Generated,
    humanEvalPairs,
    gallery,
    inference,
    table2: { naive: naive.row, 'base (CoT)': baseCoT.row, 'text-only': textOnly.row, oracle: oracleElaboration.row, seerAverageWords: averageWords(seer) },
    failures: {
      seer: countFailures(rows.map((r, i) => classifyReprompt(r.instruction, r.prompt, seerOut[i]!.validFormat === false ? null : seer[i]!))),
      naive: naive.failures,
      'base (CoT)': baseCoT.failures,
      'text-only': textOnly.failures,
      oracle: oracleElaboration.failures,
    },
    general,
    examples,
  };
}

/** What `evaluateRun` reads of the run's config.json (the rest is the main job's own record). */
const runConfigSchema = z.looseObject({
  recipe: z.enum(['default', 'smoke']),
  seed: z.number().int(),
  /** Absent from runs made before the dataset seed was split from the training seed (it was the seed). */
  dataSeed: z.number().int().optional(),
  checkpoint: z.string(),
  recipeSettings: z.looseObject({ imageSeeds: z.number().int().positive().optional(), generalN: z.number().int().positive().optional(), inferenceRows: z.number().int().positive().optional() }),
});

export interface EvaluateRunOptions {
  /** VIE-format test JSONL (default: the run's own data/vie-test.jsonl); quadruplet images resolve against its folder. */
  testset?: string;
  /** Where the gallery and eval/pairs.jsonl go (default: RUN/eval-<testset name>). */
  outDir?: string;
  /** Override the run recipe's settings. */
  imageSeeds?: number;
  generalN?: number;
  inferenceRows?: number;
  /** The base model already in memory (the run's checkpoint), so a caller that has it loads it once. */
  base?: SeerMini;
  /** Progress: one line per finished part of the evaluation, with its wall time. */
  say?: (message: string) => void;
}

/** The folder `evaluateRun` writes to by default: RUN/eval-<test file name>. */
export function defaultEvalDir(runDir: string, testset: string): string {
  return join(runDir, `eval-${basename(testset).replace(/\.jsonl$/, '')}`);
}

function readRunConfig(runDir: string): z.infer<typeof runConfigSchema> {
  const configFile = join(runDir, 'config.json');
  if (!existsSync(configFile)) throw new SeerError('not_found', `${configFile} not found: --run must be a folder written by \`seer run\``);
  return readJson(configFile, runConfigSchema);
}

/**
 * Every table of a finished run's checkpoints on one test set: Table 1 on the rows that carry a
 * quadruplet (zero-shot = the base, phase-1-only = stage1-phase1-model when saved, SEER-Eval =
 * stage1-model), then `evaluateSeer`. Evaluation seed: the run's dataset seed. Writes only images
 * and eval/pairs.jsonl (to `outDir`); the caller writes the results.
 */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  const config = readRunConfig(runDir);
  for (const stage of ['stage1-model', 'stage2-model']) {
    if (!existsSync(join(runDir, stage, 'config.json'))) throw new SeerError('not_found', `${join(runDir, stage)} is missing: finish the run first (\`seer run --resume --out ${runDir}\`)`);
  }
  const testset = options.testset ?? join(runDir, 'data', 'vie-test.jsonl');
  const rows = readJsonl(testset, testRowSchema);
  if (rows.length === 0) throw new SeerError('bad_input', `${testset} has no rows`);
  const outDir = options.outDir ?? defaultEvalDir(runDir, testset);
  const models = { base: options.base ?? loadSeerMini(config.checkpoint).model, stage1: loadSeerMini(join(runDir, 'stage1-model')).model, stage2: loadSeerMini(join(runDir, 'stage2-model')).model };
  let table1: RunEvaluation['table1'] = {};
  if (rows.some((r) => r.quadruplet)) {
    const dataDir = dirname(testset);
    const phase1 = join(runDir, 'stage1-phase1-model');
    table1 = await timedParts(options.say)('Table 1 on the test renders', async () => ({
      zeroShot: await judgeAccuracy(new SeerJudge(models.base), dataDir, testset),
      ...(existsSync(join(phase1, 'config.json')) ? { phase1Only: await judgeAccuracy(new SeerJudge(loadSeerMini(phase1).model), dataDir, testset) } : {}),
      seerEval: await judgeAccuracy(new SeerJudge(models.stage1), dataDir, testset),
    }));
  }
  const settings: EvaluationSettings = {
    imageSeeds: options.imageSeeds ?? config.recipeSettings.imageSeeds ?? 2,
    generalN: options.generalN ?? config.recipeSettings.generalN ?? 200,
    inferenceRows: options.inferenceRows ?? config.recipeSettings.inferenceRows ?? 60,
    seed: config.dataSeed ?? config.seed,
    ...(options.say ? { say: options.say } : {}),
  };
  return { testset, table1, ...(await evaluateSeer(models, rows, outDir, settings)) };
}

/**
 * `seer eval run`: `evaluateRun`, then results.json (validated), report.md and report.html in the
 * output folder (default RUN/eval-<testset name>).
 */
export async function evaluateRunToFolder(runDir: string, options: EvaluateRunOptions = {}): Promise<{ outDir: string; results: RunResults }> {
  const config = readRunConfig(runDir);
  const outDir = options.outDir ?? defaultEvalDir(runDir, options.testset ?? join(runDir, 'data', 'vie-test.jsonl'));
  const evaluation = await evaluateRun(runDir, { ...options, outDir });
  const results = writeRunResults(join(outDir, 'results.json'), { recipe: config.recipe, seed: config.seed, dataSeed: config.dataSeed ?? config.seed, ...evaluation });
  writeReport(outDir, results);
  return { outDir, results };
}

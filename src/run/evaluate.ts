/**
 * Evaluation of a trained SEER run on a VIE-format test set — the second of the run's two steps
 * (the main job trains and saves the checkpoints; this reads them back). `evaluateRun(runDir)`
 * computes every table from the run folder's checkpoints in two parts: the judge tables
 * (./eval-parts.ts: Table 1 — zero-shot, phase-1-only, SEER-Eval — on the test set's quadruplets
 * and on the generator's own test images, Tables 4–5 of the base and Stage-1 weights) and the
 * inference variants (best-of-N, multi-round), by default in a second process, and
 * `repromptTables` here (Tables 2–3, failure types, reward fidelity, Tables 4–5 of the Stage-2
 * weights, a gallery, the human-eval app's `eval/pairs.jsonl` via ./pairs.ts, every case's reprompts in
 * `eval/reprompts.jsonl` via ./reprompt-log.ts). The main job calls it on its own test set; `seer eval run
 * --run DIR [--testset FILE]` on any test file. Every comparison feeds the same frozen generator
 * (the base model's with three copies; with one model, `--model one`, the final SEER weights) with
 * the same image seeds and is judged by the oracle; reward fidelity is SEER's judge vs the oracle on reprompt-vs-naive pairs
 * (eval/reward-fidelity.ts). Tables 4–5 measure how far Stage 1 / Stage 2 weights would drift if
 * they drew themselves (the blocks are shared in an early-fusion model). Results are typed by
 * ../reports/results.ts. */
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { readJsonl } from '../core/io.ts';
import { testRowSchema } from '../data/schemas.ts';
import { rewardFidelity } from '../eval/reward-fidelity.ts';
import { writeHumanEvalPairs, type BaselinePairs } from './pairs.ts';
import {
  baseTables,
  defaultTestset,
  evaluationSettings,
  inferenceTable,
  joinJudgeTables,
  partInChild,
  readRunConfig,
  runBase,
  runGenerator,
  stage1Tables,
  timedParts,
  type BaseTables,
  type EvaluationPart,
  type EvaluationSettings,
  type InferenceTable,
  type Stage1Tables,
} from './eval-parts.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { writeReport } from '../reports/report.ts';
import type { TestRow } from '../data/schemas.ts';
import { TextOnlyReprompter } from '../backends/text-only/reprompter.ts';
import { countFailures } from '../eval/failures.ts';
import { generalCapabilities } from '../eval/general.ts';
import { averageWords, evaluationImageSeeds, winRatioTable } from '../eval/win-ratio.ts';
import { SeerMiniGenerator } from '../model/generator.ts';
import type { SeerMini } from '../model/umm.ts';
import { SeerJudge, SeerReprompter, VERDICTS_ONLY } from '../seer/roles.ts';
import { writePng } from '../image/image.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { NaiveReprompter, OracleReprompter } from '../world/reprompters.ts';
import { naivePrompt, type ImageGenerator, type Reprompter } from '../roles/roles.ts';
import { memoiseImages } from '../seer/image-cache.ts';
import { writeRunResults, type Baseline, type RunEvaluation, type RunResults, type SeerEvaluation } from '../reports/results.ts';
import { writeRepromptLog } from './reprompt-log.ts';

/**
 * The frozen generator, each distinct (prompt, seed) drawn once for the whole evaluation: SEER's
 * images recur in every baseline's table, in reward fidelity and in the gallery, and the naive
 * ones in two. SEER-Mini's draw depends only on (prompt, seed), so the tables are unchanged.
 */
export function memoisedGenerator(generator: ImageGenerator): ImageGenerator & { stats(): { hits: number; draws: number } } {
  const generate = memoiseImages((prompts, seeds) => generator.generate(prompts, seeds), { maxEntries: 1 << 14 });
  return { name: generator.name, generate, stats: generate.stats };
}

/** What `repromptTables` measures: everything of `SeerEvaluation` but the judge tables and the inference variants (./eval-parts.ts). */
export type RepromptTables = Omit<SeerEvaluation, 'table1Generated' | 'general' | 'inference'> & { stage2General: SeerEvaluation['general']['stage2'] };

/**
 * Tables 2–3, failure types, reward fidelity, human-eval pairs, the gallery, and Tables 4–5 of the
 * Stage-2 weights. `base` is the untrained model (the base-CoT baseline), `generator` the frozen
 * weights that draw every image (`runGenerator`: the base, or with one model the final weights),
 * `stage1` the evaluator, `stage2` the reprompter.
 */
export async function repromptTables(models: { base: SeerMini; generator: SeerMini; stage1: SeerMini; stage2: SeerMini }, rows: readonly TestRow[], outDir: string, settings: EvaluationSettings): Promise<RepromptTables> {
  const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
  const generator = memoisedGenerator(new SeerMiniGenerator(models.generator));
  const oracle = new OracleJudge();
  const seeds = evaluationImageSeeds(settings.seed, settings.imageSeeds);
  const part = timedParts(settings.say);
  const seerOut = await part('SEER reprompts', () => new SeerReprompter(models.stage2).reprompt(requests, { seed: settings.seed }));
  const seer = seerOut.map((r) => r.reprompt);
  const seerJudge = new SeerJudge(models.stage1, { name: 'seer-eval (frozen)', ...VERDICTS_ONLY }); // human-eval pairs and reward fidelity read verdicts
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
      outputs,
      texts,
      row: { total: table.total, id: table.id, ood: table.ood, averageWords: averageWords(texts) },
    };
  };
  const naive = await part('Table 2 vs naive', () => measure('naive', new NaiveReprompter()));
  const baseCoT = await part('Table 2 vs base (CoT)', () => measure('base (CoT)', new SeerReprompter(models.base, { name: 'base (CoT)' })));
  const textOnly = await part('Table 2 vs text-only', () => measure('text-only', new TextOnlyReprompter()));
  const oracleElaboration = await part('Table 2 vs oracle', () => measure('oracle', new OracleReprompter()));
  // Each case's reprompts and failure types, written; the failure counts are read off them.
  const log = writeRepromptLog(outDir, rows, { seer: seerOut, naive: naive.outputs, 'base (CoT)': baseCoT.outputs, 'text-only': textOnly.outputs, oracle: oracleElaboration.outputs });
  const failuresOf = (name: string) => countFailures(log.map((r) => r.reprompts[name]!.failure));
  const humanEvalPairs = await part('human-eval pairs', () => writeHumanEvalPairs(outDir, rows, pairs, seerJudge, settings.seed));
  // The reward Stage 2 actually gets: SEER's judge vs the oracle on (reprompt image, naive image).
  const fidelity = await part('reward fidelity', async () => ({
    seer: await rewardFidelity({ rows, reprompts: seer, generator, judge: seerJudge, oracle, imageSeeds: seeds, seed: settings.seed }),
    'base (CoT)': await rewardFidelity({ rows, reprompts: baseCoT.texts, generator, judge: seerJudge, oracle, imageSeeds: seeds, seed: settings.seed }),
  }));
  const stage2General = await part('Tables 4-5, Stage-2 weights', () => generalCapabilities(models.stage2, { n: settings.generalN, seed: settings.seed }));
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
    humanEvalPairs,
    gallery,
    table2: { naive: naive.row, 'base (CoT)': baseCoT.row, 'text-only': textOnly.row, oracle: oracleElaboration.row, seerAverageWords: averageWords(seer) },
    failures: {
      seer: failuresOf('seer'),
      naive: failuresOf('naive'),
      'base (CoT)': failuresOf('base (CoT)'),
      'text-only': failuresOf('text-only'),
      oracle: failuresOf('oracle'),
    },
    stage2General,
    examples,
  };
}

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
  /**
   * Where the judge tables and the inference variants are computed (./eval-parts.ts): 'child'
   * (the default: both cores busy) runs Stage 1's judge tables and then the inference variants in
   * a second process while this one computes the reprompt tables and then the base model's judge
   * tables — the two lanes take about as long; 'here' runs everything in this process.
   */
  parts?: 'child' | 'here';
  /** Parts already under way in other processes (the main job starts the judge tables beside training). */
  started?: { base?: Promise<BaseTables>; stage1?: Promise<Stage1Tables> };
}

/** The folder `evaluateRun` writes to by default: RUN/eval-<test file name>. */
export function defaultEvalDir(runDir: string, testset: string): string {
  return join(runDir, `eval-${basename(testset).replace(/\.jsonl$/, '')}`);
}

/**
 * Every table of a finished run's checkpoints on one test set: the judge tables and the inference
 * variants (./eval-parts.ts), by default each in a second process, and `repromptTables` here.
 * Evaluation seed: the run's dataset seed. Writes only images, eval/pairs.jsonl, eval/reprompts.jsonl and the parts'
 * results and logs (OUT/parts/) to `outDir`; the caller writes the results.
 */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<RunEvaluation> {
  const config = readRunConfig(runDir);
  for (const stage of ['stage1-model', 'stage2-model']) {
    if (!existsSync(join(runDir, stage, 'config.json'))) throw new SeerError('not_found', `${join(runDir, stage)} is missing: finish the run first (\`seer run --resume --out ${runDir}\`)`);
  }
  const testset = options.testset ?? defaultTestset(runDir);
  const rows = readJsonl(testset, testRowSchema);
  if (rows.length === 0) throw new SeerError('bad_input', `${testset} has no rows`);
  const outDir = options.outDir ?? defaultEvalDir(runDir, testset);
  const loaded = { base: options.base ?? runBase(runDir), stage1: loadSeerMini(join(runDir, 'stage1-model')).model, stage2: loadSeerMini(join(runDir, 'stage2-model')).model };
  const models = { ...loaded, generator: runGenerator(config, loaded) };
  const overrides = { ...(options.imageSeeds ? { imageSeeds: options.imageSeeds } : {}), ...(options.generalN ? { generalN: options.generalN } : {}), ...(options.inferenceRows ? { inferenceRows: options.inferenceRows } : {}) };
  const settings = evaluationSettings(config, { ...overrides, ...(options.say ? { say: options.say } : {}) });
  const inChild = (options.parts ?? 'child') === 'child';
  if (inChild && Object.keys(overrides).length > 0) throw new SeerError('bad_input', "a second process reads the run recipe's settings: evaluate in one process (parts: 'here', `seer eval run --jobs 1`) to override them");
  const child = <P extends EvaluationPart>(name: P) => partInChild(name, runDir, join(outDir, 'parts'), { testset, ...(options.say ? { say: options.say } : {}) });
  const started = options.started ?? {};
  let stage1: Promise<Stage1Tables>;
  let inference: Promise<InferenceTable>;
  let reprompt: RepromptTables;
  let base: Promise<BaseTables>;
  if (inChild) {
    stage1 = started.stage1 ?? child('stage1');
    inference = stage1.then(() => child('inference'));
    inference.catch(() => {}); // awaited below
    reprompt = await repromptTables(models, rows, outDir, settings);
    base = started.base ?? baseTables(runDir, testset, settings, models);
  } else {
    base = Promise.resolve(await (started.base ?? baseTables(runDir, testset, settings, models)));
    stage1 = Promise.resolve(await (started.stage1 ?? stage1Tables(runDir, testset, settings, models)));
    reprompt = await repromptTables(models, rows, outDir, settings);
    inference = inferenceTable(runDir, testset, settings, models);
  }
  const { table1, table1Generated, general } = joinJudgeTables(await base, await stage1);
  const { stage2General, ...rest } = reprompt;
  return { testset, table1, table1Generated, ...rest, inference: await inference, general: { ...general, stage2: stage2General } };
}

/**
 * `seer eval run`: `evaluateRun`, then results.json (validated), report.md and report.html in the
 * output folder (default RUN/eval-<testset name>).
 */
export async function evaluateRunToFolder(runDir: string, options: EvaluateRunOptions = {}): Promise<{ outDir: string; results: RunResults }> {
  const config = readRunConfig(runDir);
  const outDir = options.outDir ?? defaultEvalDir(runDir, options.testset ?? defaultTestset(runDir));
  const evaluation = await evaluateRun(runDir, { ...options, outDir });
  const results = writeRunResults(join(outDir, 'results.json'), { recipe: config.recipe, seed: config.seed, dataSeed: config.dataSeed ?? config.seed, model: config.model, ...evaluation });
  writeReport(outDir, results);
  return { outDir, results };
}

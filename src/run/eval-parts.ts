/**
 * A run's evaluation settings, and the parts of its evaluation that can run in a second process,
 * with the runner that does so. The evaluation (./evaluate.ts) is judge-bound and single-threaded;
 * on the reference machine's two cores the main job computes the judge tables — Table 1 on the test
 * renders (zero-shot, phase-1-only, SEER-Eval) and on the base generator's own images of the test
 * cases, Tables 4–5 of the base and Stage-1 weights, which need only Stage 1 — beside Stage 2, and
 * the inference variants (best-of-N, multi-round) beside the reprompt tables. In the child a part
 * is `seer eval part NAME --run DIR --result FILE`. Its numbers are the same in either process:
 * every part seeds itself from the run's dataset seed, and SEER-Mini's draws depend only on
 * (prompt, seed).
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { ensureDir, readJson, readJsonl } from '../core/io.ts';
import { testRowSchema, type TestRow } from '../data/schemas.ts';
import { generalCapabilities } from '../eval/general.ts';
import { inferenceVariants } from '../eval/inference.ts';
import { generatedCases, judgeAccuracy, judgeAccuracyOnGenerated } from '../eval/judge-accuracy.ts';
import { evaluationImageSeeds } from '../eval/win-ratio.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { SeerMiniGenerator } from '../model/generator.ts';
import { JUDGE_DESCRIPTIONS, type SeerMini } from '../model/umm.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { generalCapabilitiesSchema, seerEvaluationSchema, table1Schema } from '../reports/results.ts';
import { SeerJudge, SeerReader, SeerReprompter, VERDICTS_ONLY } from '../seer/roles.ts';

/** What the evaluation reads of a run's config.json (the rest is the main job's own record). */
const runConfigSchema = z.looseObject({
  recipe: z.enum(['default', 'smoke']),
  seed: z.number().int(),
  /** Absent from runs made before the dataset seed was split from the training seed (it was the seed). */
  dataSeed: z.number().int().optional(),
  checkpoint: z.string(),
  /** Absent from runs made before the option existed: 'written'. */
  judgeDescriptions: z.enum(JUDGE_DESCRIPTIONS).default('written'),
  /** Absent from runs made before the option existed: 'copies' (the base weights draw). */
  model: z.enum(['copies', 'one']).default('copies'),
  recipeSettings: z.looseObject({ imageSeeds: z.number().int().positive().optional(), generalN: z.number().int().positive().optional(), inferenceRows: z.number().int().positive().optional() }),
});
export type RunConfig = z.infer<typeof runConfigSchema>;

export function readRunConfig(runDir: string): RunConfig {
  const configFile = join(runDir, 'config.json');
  if (!existsSync(configFile)) throw new SeerError('not_found', `${configFile} not found: --run must be a folder written by \`seer run\``);
  return readJson(configFile, runConfigSchema);
}

/** The run's base model, judging the way the run's Stage 1 was trained to (its zero-shot judge). */
export function runBase(runDir: string): SeerMini {
  const config = readRunConfig(runDir);
  const base = loadSeerMini(config.checkpoint).model;
  base.judgeDescriptions = config.judgeDescriptions;
  return base;
}

/**
 * The weights that draw every evaluated image of SEER and its baselines (Tables 2–3, reward
 * fidelity, the gallery, the inference variants): the base with three copies; the final SEER
 * weights with one model. Table 1 on the generator's images stays the base's draws either way.
 */
export function runGenerator(config: Pick<RunConfig, 'model'>, models: { base: SeerMini; stage2: SeerMini }): SeerMini {
  return config.model === 'one' ? models.stage2 : models.base;
}

export interface EvaluationSettings {
  imageSeeds: number;
  generalN: number;
  inferenceRows: number;
  seed: number;
  /** One line per finished part, with its wall time (progress of a job that takes minutes). */
  say?: (message: string) => void;
}

/** The run recipe's evaluation settings (evaluation seed: the run's dataset seed), with overrides. */
export function evaluationSettings(config: RunConfig, overrides: Partial<EvaluationSettings> = {}): EvaluationSettings {
  return {
    imageSeeds: overrides.imageSeeds ?? config.recipeSettings.imageSeeds ?? 2,
    generalN: overrides.generalN ?? config.recipeSettings.generalN ?? 200,
    inferenceRows: overrides.inferenceRows ?? config.recipeSettings.inferenceRows ?? 60,
    seed: config.dataSeed ?? config.seed,
    ...(overrides.say ? { say: overrides.say } : {}),
  };
}

export function defaultTestset(runDir: string): string {
  return join(runDir, 'data', 'vie-test.jsonl');
}

/** Runs one named part and reports its wall time through `say`. */
export function timedParts(say: ((message: string) => void) | undefined) {
  return async <T>(name: string, part: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const value = await part();
    say?.(`evaluation: ${name} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    // Let the event loop run between parts: a second process's exit is only seen then (the parts
    // themselves compute without yielding), so the next part there starts without waiting for all of these.
    await new Promise((resolve) => setImmediate(resolve));
    return value;
  };
}

const generatedTableSchema = seerEvaluationSchema.shape.table1Generated.shape.zeroShot;
/** The base model's share of the judge tables: it needs no training, so it runs beside Stage 1. */
export const baseTablesSchema = z.strictObject({
  table1: table1Schema.pick({ zeroShot: true }),
  table1Generated: z.strictObject({ zeroShot: generatedTableSchema }),
  general: z.strictObject({ base: generalCapabilitiesSchema }),
});
/** Stage 1's share: phase-1-only and SEER-Eval, and the Stage-1 weights drawing; runs beside Stage 2. */
export const stage1TablesSchema = z.strictObject({
  table1: table1Schema.pick({ phase1Only: true, seerEval: true }),
  table1Generated: z.strictObject({ seerEval: generatedTableSchema }),
  general: z.strictObject({ stage1: generalCapabilitiesSchema }),
});
export type BaseTables = z.infer<typeof baseTablesSchema>;
export type Stage1Tables = z.infer<typeof stage1TablesSchema>;
export type JudgeTables = { table1: BaseTables['table1'] & Stage1Tables['table1']; table1Generated: BaseTables['table1Generated'] & Stage1Tables['table1Generated']; general: BaseTables['general'] & Stage1Tables['general'] };

/** The models a part reads; any already in memory are passed in, the rest load from the run. */
export interface PartModels {
  base?: SeerMini;
  stage1?: SeerMini;
  stage2?: SeerMini;
}

/**
 * One judge's tables on the test file `testset` (its folder holds the quadruplet images): Table 1
 * on the renders (each named judge), on the base generator's own images of the test cases (the
 * last judge), and Tables 4–5 of `drawer`'s weights.
 */
async function judgeTablesOf(testset: string, settings: EvaluationSettings, generatorModel: SeerMini, judges: { name: string; model: SeerMini }[], drawer: SeerMini) {
  const rows: TestRow[] = readJsonl(testset, testRowSchema);
  const part = timedParts(settings.say);
  const names = judges.map((j) => j.name).join(', ');
  const table1: Record<string, z.infer<typeof table1Schema.shape.seerEval>> = {};
  if (rows.some((r) => r.quadruplet)) {
    await part(`Table 1 on the test renders: ${names}`, async () => {
      for (const j of judges) table1[j.name] = await judgeAccuracy(new SeerJudge(j.model, VERDICTS_ONLY), dirname(testset), testset);
    });
  }
  const last = judges[judges.length - 1]!;
  const generated = await part(`Table 1 on generator images: ${last.name}`, async () => judgeAccuracyOnGenerated(new SeerJudge(last.model, VERDICTS_ONLY), await generatedCases(rows, new SeerMiniGenerator(generatorModel), new OracleJudge(), settings.seed)));
  const general = await part('Tables 4-5', () => generalCapabilities(drawer, { n: settings.generalN, seed: settings.seed }));
  return { table1, generated, general };
}

/** The base model's judge tables (zero-shot). */
export async function baseTables(runDir: string, testset: string, settings: EvaluationSettings, models: PartModels = {}): Promise<BaseTables> {
  const base = models.base ?? runBase(runDir);
  const { table1, generated, general } = await judgeTablesOf(testset, settings, base, [{ name: 'zeroShot', model: base }], base);
  return { table1: table1.zeroShot ? { zeroShot: table1.zeroShot } : {}, table1Generated: { zeroShot: generated }, general: { base: general } };
}

/** Stage 1's judge tables: phase-1-only (stage1-phase1-model, when saved) and SEER-Eval (stage1-model). */
export async function stage1Tables(runDir: string, testset: string, settings: EvaluationSettings, models: PartModels = {}): Promise<Stage1Tables> {
  const base = models.base ?? runBase(runDir);
  const stage1 = models.stage1 ?? loadSeerMini(join(runDir, 'stage1-model')).model;
  const phase1 = join(runDir, 'stage1-phase1-model');
  const judges = [...(existsSync(join(phase1, 'config.json')) ? [{ name: 'phase1Only', model: loadSeerMini(phase1).model }] : []), { name: 'seerEval', model: stage1 }];
  const { table1, generated, general } = await judgeTablesOf(testset, settings, base, judges, stage1);
  return {
    table1: { ...(table1.phase1Only ? { phase1Only: table1.phase1Only } : {}), ...(table1.seerEval ? { seerEval: table1.seerEval } : {}) },
    table1Generated: { seerEval: generated },
    general: { stage1: general },
  };
}

/** Both shares, merged in Table 1's order. */
export function joinJudgeTables(base: BaseTables, stage1: Stage1Tables): JudgeTables {
  return {
    table1: { ...base.table1, ...stage1.table1 },
    table1Generated: { ...base.table1Generated, ...stage1.table1Generated },
    general: { ...base.general, ...stage1.general },
  };
}

export const inferenceTableSchema = seerEvaluationSchema.shape.inference;
export type InferenceTable = z.infer<typeof inferenceTableSchema>;

/**
 * Beyond the paper: best-of-N and multi-round inference on every k-th test case, the candidates
 * chosen by SEER's own judge and scored by the oracle, the run's generator drawing (`runGenerator`).
 */
export async function inferenceTable(runDir: string, testset: string, settings: EvaluationSettings, models: PartModels = {}): Promise<InferenceTable> {
  const rows: TestRow[] = readJsonl(testset, testRowSchema);
  const stride = Math.max(1, Math.floor(rows.length / settings.inferenceRows));
  const stage2 = models.stage2 ?? loadSeerMini(join(runDir, 'stage2-model')).model;
  const generator = runGenerator(readRunConfig(runDir), { base: models.base ?? runBase(runDir), stage2 });
  const judgeModel = models.stage1 ?? loadSeerMini(join(runDir, 'stage1-model')).model;
  return timedParts(settings.say)('best-of-N and multi-round', () =>
    inferenceVariants({
      rows: rows.filter((_, i) => i % stride === 0).slice(0, settings.inferenceRows),
      reprompter: new SeerReprompter(stage2),
      generator: new SeerMiniGenerator(generator),
      judge: new SeerJudge(judgeModel, { name: 'seer-eval (frozen)' }),
      // The judge's own reading, where its base reads captions (the 'read' judges).
      ...(judgeModel.judgeDescriptions === 'read' || judgeModel.judgeDescriptions === 'read-cues' ? { reader: new SeerReader(judgeModel) } : {}),
      imageSeeds: evaluationImageSeeds(settings.seed, settings.imageSeeds).slice(0, 1),
    }),
  );
}

/** The parts a second process can compute, with what each needs finished. */
export const EVALUATION_PARTS = {
  base: { schema: baseTablesSchema, needs: [], run: baseTables },
  stage1: { schema: stage1TablesSchema, needs: ['stage1-model'], run: stage1Tables },
  inference: { schema: inferenceTableSchema, needs: ['stage1-model', 'stage2-model'], run: inferenceTable },
} as const;
export type EvaluationPart = keyof typeof EVALUATION_PARTS;
export type PartResult<P extends EvaluationPart> = z.infer<(typeof EVALUATION_PARTS)[P]['schema']>;

/** `seer eval part NAME`: one part of a run's evaluation with the run's recipe settings. */
export async function runPart<P extends EvaluationPart>(name: P, runDir: string, options: { testset?: string; say?: (message: string) => void } = {}): Promise<PartResult<P>> {
  const config = readRunConfig(runDir);
  for (const stage of EVALUATION_PARTS[name].needs as readonly string[]) {
    if (!existsSync(join(runDir, stage, 'config.json'))) throw new SeerError('not_found', `${join(runDir, stage)} is missing: the ${name} part needs it`);
  }
  const settings = evaluationSettings(config, options.say ? { say: options.say } : {});
  return (await EVALUATION_PARTS[name].run(runDir, options.testset ?? defaultTestset(runDir), settings)) as PartResult<P>;
}

/** bin/seer.mjs, which registers the TypeScript loader before the CLI: the child runs this code. */
const SEER_BIN = fileURLToPath(new URL('../../bin/seer.mjs', import.meta.url));

/**
 * `runPart` in a child process (`seer eval part NAME --run RUN --result DIR/NAME.json --threads
 * 1`), its output in DIR/NAME.log (a file, not a pipe: the parent computes for minutes without
 * reading, and a full pipe would stall the child); `say` tells where, when it starts one.
 * Resolves when the child has written its result; rejects with the end of the log if it fails. A
 * result already there is read, not redone (a resumed run). The promise never rejects unhandled:
 * callers await it when they need it.
 */
export function partInChild<P extends EvaluationPart>(name: P, runDir: string, partsDir: string, options: { testset?: string; say?: (message: string) => void } = {}): Promise<PartResult<P>> {
  const schema = EVALUATION_PARTS[name].schema as unknown as z.ZodType<PartResult<P>>;
  const resultFile = join(partsDir, `${name}.json`);
  if (existsSync(resultFile)) return Promise.resolve(readJson(resultFile, schema));
  ensureDir(partsDir);
  const logFile = join(partsDir, `${name}.log`);
  options.say?.(`the ${name} part of the evaluation starts in a second process (log: ${logFile})`);
  const args = [SEER_BIN, 'eval', 'part', name, '--run', runDir, '--result', resultFile, '--threads', '1', ...(options.testset ? ['--testset', options.testset] : [])];
  const result = new Promise<PartResult<P>>((resolve, reject) => {
    const log = openSync(logFile, 'w');
    const child = spawn(process.execPath, args, { stdio: ['ignore', log, log] });
    closeSync(log);
    const killChild = () => child.kill();
    process.once('exit', killChild); // a parent that exits takes its helper with it
    child.on('error', (error) => reject(new SeerError('io', `could not start the ${name} part's process: ${error.message}`)));
    child.on('close', (code) => {
      process.off('exit', killChild);
      if (code === 0 && existsSync(resultFile)) return resolve(readJson(resultFile, schema));
      const tail = readFileSync(logFile, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
      reject(new SeerError('io', `the ${name} part's process exited with ${code} (log: ${logFile}):\n${tail}`));
    });
  });
  result.catch(() => {});
  return result;
}

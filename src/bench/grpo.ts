/**
 * The GRPO workloads `seer bench` times, each run by the real trainer on the shipped base
 * checkpoint so the per-phase `timing/*` metrics are those of a real run:
 *  - Stage 1 (phase 2): `promptsPerStep` (4) judge contexts of two 64-code images plus text (~172
 *    tokens) × G (8) completions of up to 64 tokens, KL to a reference (β 0.04). Images are rendered
 *    scenes (no VIE dataset needed); the contexts are built exactly as `buildJudgePrompts` builds them.
 *  - Stage 2 (RLMT): `promptsPerStep` (4) reprompt contexts × G (8) think + reprompt completions of
 *    up to 48 tokens; the reward draws each valid reprompt's 64-code image and the naive image
 *    (memoised per (prompt, seed)) with the frozen generator and has the frozen judge compare them
 *    blind (two-image contexts, up to 64 answer tokens, then answer scoring); the image-reading
 *    reward asks for the reprompt images again (all memoised: TRL's reward functions would each
 *    draw them) and has the evaluator caption and check them; KL 0.04. The
 *    (instruction, prompt) pairs come from the world's training pools; prompts, rewards and GRPO
 *    settings are Stage 2's own (`repromptPrompts`, `stage2Rewards`, `stage2GrpoConfig`).
 * Each step also records its token work (lengths per row), which the PyTorch references replay
 * TRL's way (src/bench/torch_grpo_step.py, src/bench/torch_stage2_step.py); `benchGrpoRows` runs
 * seer and PyTorch interleaved and reports the ratio (`seer bench --workload grpo --reference`).
 */
import { SUBJECTS_TRAIN, COLOURS, defaultSpec } from '../world/spec.ts';
import { renderSpec } from '../world/render.ts';
import { bothOrders } from '../roles/blind.ts';
import { judgeContext } from '../model/templates.ts';
import { TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { TRAIN_PROMPTS } from '../world/prompts.ts';
import { Rng } from '../core/rng.ts';
import { mean } from '../core/math.ts';
import { engine } from '../engine/torch.ts';
import { SeerMini, type TextSampling } from '../model/umm.ts';
import type { SampledSequence } from '../model/sampling.ts';
import { BASE_CHECKPOINT_DIR, loadSeerMini } from '../model/checkpoint.ts';
import type { RgbImage } from '../image/image.ts';
import type { PairwiseJudge } from '../roles/roles.ts';
import { runTorchGrpoReference, runTorchStage2Reference, type GrpoPhaseSeconds, type Stage2StepRecord } from './engine.ts';
import type { Completion, SamplingOptions } from '../rl/policy.ts';
import { trainGrpo, type GrpoPrompt, type StepMetrics } from '../rl/trainer.ts';
import { withBlasThreads } from '../model/threads.ts';
import { SeerMiniPolicy } from '../seer/policy.ts';
import { SeerJudge } from '../seer/roles.ts';
import type { JudgeMeta, RepromptMeta } from '../seer/rewards.ts';
import { stage1ConfigSchema, stage1GrpoConfig, stage1Rewards } from '../seer/stage1.ts';
import { frozenGenerator, repromptPrompts, stage2ConfigSchema, stage2GrpoConfig, stage2Rewards } from '../seer/stage2.ts';

export interface GrpoStepTimes extends GrpoPhaseSeconds {
  reward: number;
}

export interface GrpoStepBench {
  /** Context length of each distinct prompt and the mean completion length over the steps. */
  contextTokens: number[];
  meanCompletionLength: number;
  /** Per step, the completion length of each of the B rows (what a reference must reproduce). */
  completionLengths: number[][];
  /** Per step (the first is a warm-up), seconds. */
  steps: GrpoStepTimes[];
  /** Median over the steps after the first. */
  median: GrpoStepTimes;
}

/** Phase-2 judge prompts for `pairs` pairs, both orders each, as Stage 1 builds them. */
export function stage1BenchPrompts(model: SeerMini, pairs: number): GrpoPrompt<JudgeMeta>[] {
  const prompts: GrpoPrompt<JudgeMeta>[] = [];
  for (let k = 0; k < pairs; k++) {
    const subject = SUBJECTS_TRAIN[k % SUBJECTS_TRAIN.length]!;
    const colour = COLOURS[k % COLOURS.length]!;
    const plain = defaultSpec(subject);
    const [pos, neg] = model.encodeImages([renderSpec({ ...plain, colour }), renderSpec(plain)]) as [number[], number[]];
    const segments = judgeContext(`make it ${colour}`, `a ${subject} in the garden`);
    const block = `bench-${k}`;
    for (const { images, label } of bothOrders(pos, neg)) prompts.push({ id: `${block}-${label}`, block, context: model.encode(segments, images), meta: { label } });
  }
  return prompts;
}

/**
 * `steps` Stage-1 phase-2 GRPO steps on `model` (trained in place: pass a fresh copy), with
 * Stage 1's thread set-up unless `blasThreads` says otherwise (null: leave the engine's).
 */
export async function benchStage1Step(model: SeerMini, options: { steps: number; blasThreads?: number | null }): Promise<GrpoStepBench> {
  const config = stage1ConfigSchema.parse({});
  const pairs = Math.ceil((options.steps * config.promptsPerStep) / 2);
  const prompts = stage1BenchPrompts(model, pairs);
  const grpo = { ...stage1GrpoConfig(config, 2, prompts.length), maxSteps: options.steps };
  const policy = new RecordingPolicy(model);
  const { metrics } = await withBlasThreads(options.blasThreads === undefined ? config.blasThreads : options.blasThreads, () => trainGrpo({ config: grpo, model: policy, prompts, rewards: stage1Rewards(model), quiet: true }));
  const steps = metrics.map(stepTimes);
  const rest = steps.length > 1 ? steps.slice(1) : steps;
  const med = (key: keyof GrpoStepTimes) => median(rest.map((s) => s[key]));
  return {
    contextTokens: prompts.map((p) => p.context.length),
    meanCompletionLength: metrics.reduce((s, m) => s + (m['completions/mean_length'] ?? 0), 0) / Math.max(1, metrics.length),
    completionLengths: policy.lengths,
    steps,
    median: { step: med('step'), rollout: med('rollout'), reward: med('reward'), reference: med('reference'), update: med('update') },
  };
}

export interface Stage2StepTimes extends GrpoStepTimes {
  /** Within `reward`: the generator's draws, and the judge (image encoding, decoding, answer scoring). */
  images: number;
  judge: number;
}

export interface Stage2StepBench {
  /** Context length of each distinct prompt and the mean completion length over the steps. */
  contextTokens: number[];
  meanCompletionLength: number;
  /** Per step, the token work it did (what the PyTorch reference replays). */
  records: Stage2StepRecord[];
  /** Per step (the first is a warm-up), seconds. */
  steps: Stage2StepTimes[];
  /** Median over the steps after the first. */
  median: Stage2StepTimes;
}

/** `count` Stage-2 prompts: (instruction, prompt) pairs drawn from the world's training pools, built as Stage 2 builds them. */
export function stage2BenchPrompts(model: SeerMini, count: number, seed: number): GrpoPrompt<RepromptMeta>[] {
  const rng = new Rng(seed).fork('bench-rows');
  const rows = Array.from({ length: count }, (_, k) => ({ id: `bench-${k}`, instruction: rng.pick(TRAIN_INSTRUCTIONS).text, prompt: rng.pick(TRAIN_PROMPTS).text }));
  return repromptPrompts(model, rows, seed);
}

/**
 * `steps` Stage-2 GRPO steps: `model` is the policy (trained in place: pass a fresh copy),
 * `evaluator` the frozen judge (a Stage-1 model in a real run) and `generator` the frozen base
 * generator; Stage 2's thread set-up unless `blasThreads` says otherwise (null: leave the engine's).
 * The frozen models are only read, through recording views that note each step's token work.
 */
export async function benchStage2Step(model: SeerMini, options: { steps: number; evaluator: SeerMini; generator: SeerMini; blasThreads?: number | null }): Promise<Stage2StepBench> {
  const config = stage2ConfigSchema.parse({});
  const prompts = stage2BenchPrompts(model, options.steps * config.promptsPerStep, config.seed);
  const grpo = { ...stage2GrpoConfig(config, prompts.length), maxSteps: options.steps };
  const log: Stage2StepLog[] = [];
  const current = (): Stage2StepLog => {
    const step = log.at(-1);
    if (!step) throw new Error('benchStage2Step: the reward ran before the rollout');
    return step;
  };
  const policy = new RecordingPolicy(model, (contexts, completions) =>
    log.push({ record: { contexts: contexts.map((c) => c.length), completions: completions.map((c) => c.tokens.length), imageCalls: [], imagesDrawn: 0, judgeContexts: [], judgeOutputs: [], scoreContexts: [], answerLengths: [] }, images: 0, judge: 0 }),
  );
  const generator = new RecordingGenerator(options.generator, current);
  const drawn = frozenGenerator(generator);
  // The reward's calls as it makes them (TRL's work), then Stage 2's memoised generator (seer's).
  const generate = async (texts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> => {
    current().record.imageCalls.push(texts.map((t) => generator.generateContextIds(t).length));
    return drawn(texts, seeds);
  };
  const seerJudge = new SeerJudge(new RecordingJudgeModel(options.evaluator, current), { name: 'seer-eval (frozen)', probabilities: config.soft }); // as trainReprompter
  const judge: PairwiseJudge = {
    name: seerJudge.name,
    judge: async (queries) => {
      const start = performance.now();
      try {
        return await seerJudge.judge(queries);
      } finally {
        current().judge += (performance.now() - start) / 1000;
      }
    },
  };
  const rewards = stage2Rewards(model, judge, generate, config, options.evaluator); // the subject check asks the evaluator too, as trainReprompter
  const blas = options.blasThreads === undefined ? config.blasThreads : options.blasThreads;
  const { metrics } = await withBlasThreads(blas, () => trainGrpo({ config: grpo, model: policy, prompts, rewards, quiet: true }));
  const steps = metrics.map((m, i): Stage2StepTimes => ({ ...stepTimes(m), images: log[i]?.images ?? 0, judge: log[i]?.judge ?? 0 }));
  const rest = steps.length > 1 ? steps.slice(1) : steps;
  const med = (key: keyof Stage2StepTimes) => median(rest.map((s) => s[key]));
  return {
    contextTokens: prompts.map((p) => p.context.length),
    meanCompletionLength: metrics.reduce((s, m) => s + (m['completions/mean_length'] ?? 0), 0) / Math.max(1, metrics.length),
    records: log.map((l) => l.record),
    steps,
    median: { step: med('step'), rollout: med('rollout'), reward: med('reward'), images: med('images'), judge: med('judge'), reference: med('reference'), update: med('update') },
  };
}

/** One Stage-2 step's record and the seconds of its reward's parts. */
interface Stage2StepLog {
  record: Stage2StepRecord;
  images: number;
  judge: number;
}

/** The frozen generator (its weights, shared), noting the images it draws and their time in the current step. */
class RecordingGenerator extends SeerMini {
  readonly #current: () => Stage2StepLog;

  constructor(model: SeerMini, current: () => Stage2StepLog) {
    super(model.transformer, model.text, model.image);
    this.#current = current;
  }

  override generateImages(prompts: readonly string[], seeds: readonly number[], options: { temperature?: number; topP?: number } = {}): RgbImage[] {
    const start = performance.now();
    try {
      return super.generateImages(prompts, seeds, options);
    } finally {
      const step = this.#current();
      step.images += (performance.now() - start) / 1000;
      step.record.imagesDrawn += prompts.length;
    }
  }
}

/** The frozen judge's model (its weights, shared), noting its decode and answer-scoring lengths in the current step. */
class RecordingJudgeModel extends SeerMini {
  readonly #current: () => Stage2StepLog;

  constructor(model: SeerMini, current: () => Stage2StepLog) {
    super(model.transformer, model.text, model.image);
    this.#current = current;
  }

  override sampleText(contexts: readonly (readonly number[])[], options: TextSampling): SampledSequence[] {
    const out = super.sampleText(contexts, options);
    const { record } = this.#current();
    record.judgeContexts.push(...contexts.map((c) => c.length));
    record.judgeOutputs.push(...out.map((s) => s.tokens.length));
    return out;
  }

  override scoreAnswers(contexts: readonly (readonly number[])[], answers: readonly string[]): number[][] {
    const { record } = this.#current();
    record.scoreContexts.push(...contexts.map((c) => c.length));
    record.answerLengths = answers.map((a) => this.text.encode(a).length);
    return super.scoreAnswers(contexts, answers);
  }
}

/**
 * SeerMiniPolicy that notes the completion lengths it samples (the default recipes have no dynamic
 * sampling: one call a step, so one entry a step), and tells `onSample` of each call.
 */
class RecordingPolicy extends SeerMiniPolicy {
  readonly lengths: number[][] = [];
  readonly #onSample: ((contexts: readonly (readonly number[])[], completions: readonly Completion[]) => void) | undefined;

  constructor(model: SeerMini, onSample?: (contexts: readonly (readonly number[])[], completions: readonly Completion[]) => void) {
    super(model);
    this.#onSample = onSample;
  }

  override async sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]> {
    const out = await super.sample(contexts, options);
    this.lengths.push(out.map((c) => c.tokens.length));
    this.#onSample?.(contexts, out);
    return out;
  }
}

function stepTimes(m: StepMetrics): GrpoStepTimes {
  return { step: m['timing/step'] ?? 0, rollout: m['timing/rollout'] ?? 0, reward: m['timing/reward'] ?? 0, reference: m['timing/reference'] ?? 0, update: m['timing/update'] ?? 0 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

export type GrpoWorkload = 'stage1' | 'stage2';

interface Range {
  min: number;
  median: number;
  max: number;
}

/** One `seer bench` row of a GRPO workload at one thread count (the JSON `grpo` array). */
export interface GrpoBenchRow {
  workload: 'stage1-grpo-step' | 'stage2-grpo-step';
  threads: number;
  blasThreads: number | null;
  /** Mean context tokens of a prompt (Stage 1: the judge contexts; Stage 2: the reprompt contexts). */
  contextTokens: number;
  /** Completions per step (prompts × G). */
  rows: number;
  meanCompletionLength: number;
  /** Stage 2, per step (means): images the reward asks for (TRL draws them all) and seer draws (memoised), judge queries, their context and answer lengths. */
  imagesAsked?: number;
  imagesDrawn?: number;
  judgeQueries?: number;
  judgeContextTokens?: number;
  meanJudgeOutputLength?: number;
  stepSeconds: Range;
  phases: Record<string, number>;
  pytorchStepSeconds?: Range;
  pytorchPhases?: Record<string, number>;
  ratioToPytorch?: number;
  pytorchError?: string;
}

export interface GrpoBenchOptions {
  workloads: readonly GrpoWorkload[];
  threads: readonly number[];
  repeats: number;
  /** GRPO steps per run (the first is a warm-up). */
  steps: number;
  /** Also run the PyTorch step done TRL's way after each of ours, with the same token work. */
  reference: boolean;
  /** Where the base checkpoint is (default: the shipped one): the Stage-1 and Stage-2 policies and Stage 2's generator. */
  checkpoint?: string;
  /** Stage 2's frozen judge, e.g. a run's `stage1-model` (default: the base checkpoint; no Stage-1 checkpoint ships, and its answers are shorter). */
  judgeCheckpoint?: string;
  /** Each row as it is finished. */
  onRow?: (row: GrpoBenchRow) => void;
}

/**
 * Per thread count and workload, `repeats` runs on fresh copies of the base checkpoint, each
 * followed (interleaved, so both see the same load) by the PyTorch step done TRL's way with the same
 * lengths; each row holds the range over repeats of each run's median step and its phases' medians.
 */
export async function benchGrpoRows(options: GrpoBenchOptions): Promise<GrpoBenchRow[]> {
  const dir = options.checkpoint ?? BASE_CHECKPOINT_DIR;
  const stage1 = stage1ConfigSchema.parse({});
  const stage2 = stage2ConfigSchema.parse({});
  const rows: GrpoBenchRow[] = [];
  for (const threads of options.threads) {
    const runs: Record<GrpoWorkload, { seer: Record<string, number>[]; torch: Record<string, number>[]; reason?: string; about: Partial<GrpoBenchRow> }> = {
      stage1: { seer: [], torch: [], about: {} },
      stage2: { seer: [], torch: [], about: {} },
    };
    for (let r = 0; r < options.repeats; r++) {
      for (const workload of options.workloads) {
        engine.setThreads(threads);
        const run = runs[workload];
        const model = loadSeerMini(dir).model;
        const t = model.transformer.config;
        const dims = { dModel: t.dModel, nLayers: t.nLayers, nHeads: t.nHeads, vocab: t.textVocab + t.imageVocab };
        if (workload === 'stage1') {
          const out = await benchStage1Step(model, { steps: options.steps });
          dispose(model);
          run.seer.push({ ...out.median });
          const contextTokens = Math.round(mean(out.contextTokens));
          run.about = { contextTokens, meanCompletionLength: out.meanCompletionLength };
          if (options.reference && run.reason === undefined) {
            const ref = runTorchGrpoReference({ ...dims, prompts: stage1.promptsPerStep, G: stage1.numGenerations, promptLength: contextTokens }, { threads, lengths: out.completionLengths });
            if (ref.ok) run.torch.push({ ...ref.median });
            else run.reason = ref.reason;
          }
        } else {
          const evaluator = loadSeerMini(options.judgeCheckpoint ?? dir).model;
          const generator = loadSeerMini(dir).model;
          const out = await benchStage2Step(model, { steps: options.steps, evaluator, generator });
          for (const m of [model, evaluator, generator]) dispose(m);
          run.seer.push({ ...out.median });
          const measured = out.records.length > 1 ? out.records.slice(1) : out.records;
          const perStep = (f: (s: Stage2StepRecord) => number) => mean(measured.map(f));
          run.about = {
            contextTokens: Math.round(mean(out.contextTokens)),
            meanCompletionLength: out.meanCompletionLength,
            imagesAsked: perStep((s) => s.imageCalls.reduce((n, c) => n + c.length, 0)),
            imagesDrawn: perStep((s) => s.imagesDrawn),
            judgeQueries: perStep((s) => s.judgeContexts.length),
            judgeContextTokens: Math.round(mean(measured.flatMap((s) => s.judgeContexts))),
            meanJudgeOutputLength: mean(measured.flatMap((s) => s.judgeOutputs)),
          };
          if (options.reference && run.reason === undefined) {
            const ref = runTorchStage2Reference({ ...dims, textVocab: t.textVocab, imageCodes: model.image.length, G: stage2.numGenerations, beta: stage2.beta, learningRate: stage2.learningRate }, { threads, record: out.records });
            if (ref.ok) run.torch.push({ ...ref.median });
            else run.reason = ref.reason;
          }
        }
      }
    }
    for (const workload of options.workloads) {
      const run = runs[workload];
      const phaseNames = workload === 'stage1' ? (['rollout', 'reward', 'reference', 'update'] as const) : (['rollout', 'reward', 'images', 'judge', 'reference', 'update'] as const);
      const torchPhases = workload === 'stage1' ? (['rollout', 'reference', 'update'] as const) : phaseNames;
      const med = (xs: Record<string, number>[], k: string) => median(xs.map((x) => x[k] ?? Number.NaN));
      const range = (xs: Record<string, number>[]): Range => ({ min: Math.min(...xs.map((x) => x.step ?? Number.NaN)), median: med(xs, 'step'), max: Math.max(...xs.map((x) => x.step ?? Number.NaN)) });
      const config = workload === 'stage1' ? stage1 : stage2;
      const row: GrpoBenchRow = {
        workload: workload === 'stage1' ? 'stage1-grpo-step' : 'stage2-grpo-step',
        threads,
        blasThreads: config.blasThreads,
        contextTokens: 0,
        rows: config.promptsPerStep * config.numGenerations,
        meanCompletionLength: 0,
        ...run.about,
        stepSeconds: range(run.seer),
        phases: Object.fromEntries(phaseNames.map((k) => [k, med(run.seer, k)])),
        ...(run.torch.length ? { pytorchStepSeconds: range(run.torch), pytorchPhases: Object.fromEntries(torchPhases.map((k) => [k, med(run.torch, k)])), ratioToPytorch: med(run.seer, 'step') / med(run.torch, 'step') } : {}),
        ...(run.reason ? { pytorchError: run.reason } : {}),
      };
      rows.push(row);
      options.onRow?.(row);
    }
  }
  return rows;
}

/** The text line of a row. */
export function formatGrpoRow(row: GrpoBenchRow): string {
  const fmt = (r: Range) => `${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`;
  const phases = (p: Record<string, number>) => {
    const at = (k: string) => (p[k] ?? Number.NaN).toFixed(3);
    return p.images === undefined ? `[rollout ${at('rollout')}, reference ${at('reference')}, update ${at('update')}]` : `[rollout ${at('rollout')}, reward ${at('reward')} (images ${at('images')}, judge ${at('judge')}), reference ${at('reference')}, update ${at('update')}]`;
  };
  const G = row.workload === 'stage1-grpo-step' ? stage1ConfigSchema.parse({}).numGenerations : stage2ConfigSchema.parse({}).numGenerations;
  const head =
    row.workload === 'stage1-grpo-step'
      ? `Stage-1 GRPO step (${row.rows} rows: ${row.rows / G} contexts of ~${row.contextTokens} tokens × G ${G}, completions ~${row.meanCompletionLength.toFixed(1)} tokens)`
      : `Stage-2 GRPO step (${row.rows} rows: ${row.rows / G} reprompt contexts of ~${row.contextTokens} tokens × G ${G}, completions ~${row.meanCompletionLength.toFixed(1)} tokens; ` +
        `images ${(row.imagesAsked ?? 0).toFixed(1)} asked / ${(row.imagesDrawn ?? 0).toFixed(1)} drawn, ${(row.judgeQueries ?? 0).toFixed(1)} judge queries of ~${row.judgeContextTokens ?? 0} tokens answering ~${(row.meanJudgeOutputLength ?? 0).toFixed(1)})`;
  return (
    `${head}, ${row.threads} thread(s): step ${fmt(row.stepSeconds)} s ${phases(row.phases)}` +
    (row.pytorchStepSeconds && row.pytorchPhases ? `; PyTorch (TRL's way) ${fmt(row.pytorchStepSeconds)} s ${phases(row.pytorchPhases)} → ratio ${row.ratioToPytorch!.toFixed(2)}` : '') +
    (row.pytorchError ? `; PyTorch: ${row.pytorchError}` : '')
  );
}

function dispose(model: SeerMini): void {
  for (const p of model.transformer.parameters) p.tensor.dispose();
}

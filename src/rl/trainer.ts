/**
 * The GRPO trainer: wires the pure functions of ./core.ts to any `PolicyModel` (./policy.ts).
 * One step (paper Eq. 6–8 / 10–11):
 *
 *   prompts (seeded order) → G completions each → rewards (weighted functions, ./rewards.ts)
 *   → [dynamic sampling: redraw zero-variance groups] → group advantages
 *   → reference log-probs (β > 0) → μ passes × micro-batches of: log-probs with grad,
 *     dL/dlogp from `policyLoss`, `backward` → AdamW step per pass
 *
 * With μ > 1 the old log-probs are those of the first pass (taken before any update), cached —
 * no extra forward pass. Metrics use TRL's names and average over all passes, plus verl's per-phase
 * wall seconds (`timing/rollout|reward|reference|update|step`); checkpoints are
 * atomic (./checkpoint.ts) and every random choice derives from (seed, step), so a killed run
 * resumes to exactly the numbers of an uninterrupted one.
 *
 *   npx vitest run src/rl/trainer.test.ts      # the learning test on ./tabular-policy.testkit.ts
 *
 * Departures: from TRL — the loss gradient is computed analytically per token and handed to the
 * model instead of autograd through the objective; `maxSteps` counts generation batches (μ
 * optimizer steps each). From the paper — none (μ = 1, β = 0.04, G = 8 are the defaults).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Rng, hashSeed } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import { finiteMean } from '../core/math.ts';
import { ensureDir, writeFileAtomic, writeJson } from '../core/io.ts';
import { startProgress } from '../core/progress.ts';
import { besselStd, groupAdvantages, policyLoss } from './core.ts';
import { learningRateAt, type GrpoConfig } from './config.ts';
import { checkResumeConfig, latestCheckpoint, loadCheckpoint, saveCheckpoint, saveReference } from './checkpoint.ts';
import { scoreRewards, validateRewardFunctions, type GrpoPrompt, type RewardFunction, type ScoredBatch } from './rewards.ts';
import type { Completion, PolicyModel, SamplingOptions } from './policy.ts';

export type { GrpoPrompt, RewardFunction, RewardInput } from './rewards.ts';

export type StepMetrics = Record<string, number>;

export interface TrainGrpoOptions<M> {
  config: GrpoConfig;
  model: PolicyModel;
  prompts: readonly GrpoPrompt<M>[];
  rewards: readonly RewardFunction<M>[];
  /** Run folder for the config, metrics.jsonl and checkpoints; without it nothing is written. */
  outDir?: string;
  quiet?: boolean;
  label?: string;
  /** Called after each step (metrics logged, checkpoint written); throwing stops the run (tests use it to simulate a kill). */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
  /**
   * Which completion tokens the loss sees (1) and which it skips (0), per completion; all of them
   * when absent. Beyond TRL: e.g. only the answer after the reasoning (src/seer/stage1.ts).
   */
  lossTokens?: (tokens: readonly number[]) => number[];
}

export async function trainGrpo<M>(options: TrainGrpoOptions<M>): Promise<{ metrics: StepMetrics[]; model: PolicyModel }> {
  const { config, model, outDir } = options;
  validateInputs(options);
  if (config.freezeGroups !== null) freeze(model, config.freezeGroups);
  const reference = config.beta > 0 ? await model.snapshot() : null;
  const metricsPath = outDir ? join(outDir, 'metrics.jsonl') : null;
  const history: StepMetrics[] = [];
  let startStep = 0;

  if (outDir) {
    ensureDir(outDir);
    const pointer = latestCheckpoint(outDir);
    if (pointer) {
      checkResumeConfig(outDir, config);
      await loadCheckpoint(outDir, pointer, model, reference);
      if (reference) await saveReference(outDir, reference);
      startStep = pointer.step;
      // Keep only the metric lines up to the checkpoint, so a resumed run does not log twice.
      if (metricsPath && existsSync(metricsPath)) {
        const kept = readFileSync(metricsPath, 'utf8').split('\n').filter((l) => l && ((JSON.parse(l) as StepMetrics).step ?? Infinity) <= startStep);
        kept.forEach((l) => history.push(JSON.parse(l) as StepMetrics));
        writeFileAtomic(metricsPath, kept.map((l) => `${l}\n`).join(''));
      }
    } else {
      writeJson(join(outDir, 'grpo-config.json'), config);
      if (metricsPath) writeFileAtomic(metricsPath, '');
      if (reference) await saveReference(outDir, reference);
    }
  }

  const progress = startProgress(options.label ?? 'grpo', config.maxSteps, { quiet: options.quiet ?? false });
  progress.tick(startStep);
  for (let step = startStep; step < config.maxSteps; step++) {
    const metrics = await trainStep(step, options, reference);
    history.push(metrics);
    if (metricsPath && (step + 1) % config.logEvery === 0) appendFileSync(metricsPath, `${JSON.stringify(metrics)}\n`);
    if (outDir && ((step + 1) % config.checkpointEvery === 0 || step + 1 === config.maxSteps)) await saveCheckpoint(outDir, step + 1, model, config.keepCheckpoints);
    progress.tick(1, { reward: (metrics.reward as number).toFixed(3), kl: (metrics.kl as number).toFixed(4) });
    await options.onStep?.(metrics);
  }
  progress.stop();
  return { metrics: history, model };
}

/** One generation batch: rollout, advantages, μ optimisation passes. Returns the step's metrics. */
async function trainStep<M>(step: number, options: TrainGrpoOptions<M>, reference: PolicyModel | null): Promise<StepMetrics> {
  const { config, model, rewards } = options;
  const G = config.numGenerations;
  const stepStart = performance.now();
  const batch = promptsForStep(options.prompts, config.generationBatchSize / G, config.seed, step);
  const rollout = await sampleGroups(model, rewards, batch, config, step);
  const { completions, scored, groupPrompts } = rollout;
  const { advantages, groupStd, fracZeroStd } = groupAdvantages(scored.total, groupPrompts.map((p) => p.id), config.scaleRewards);
  const rows = { contexts: groupPrompts.map((p) => p.context), completions: completions.map((c) => c.tokens) };
  const mask: number[][] = completions.map((c) => {
    const kept = options.lossTokens?.(c.tokens);
    return c.tokens.map((_, t) => (config.maskTruncatedCompletions && c.truncated ? 0 : (kept?.[t] ?? 1)));
  });
  const tokensOf = (from: number, to: number) => mask.slice(from, to).reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
  const totalTokens = tokensOf(0, mask.length);
  const referenceStart = performance.now();
  const ref = reference ? (await reference.logProbs(rows, { grad: false })).logp.map((r) => Array.from(r)) : null;
  const updateStart = performance.now();

  const lr = learningRateAt(config, step);
  const micro = config.generationBatchSize / config.gradientAccumulationSteps;
  // dapo already normalises by the whole generation batch's tokens; the others average micro-batches (as TRL).
  const scale = config.lossType === 'dapo' ? 1 : 1 / config.gradientAccumulationSteps;
  const old: number[][] = []; // [B][T] log-probs of the first pass, the behaviour policy for passes ≥ 2
  const sums = { loss: 0, kl: 0, entropy: 0, low: 0, high: 0, region: 0, gradNorm: 0 };
  for (let iteration = 0; iteration < config.numIterations; iteration++) {
    model.zeroGrad();
    for (let start = 0; start < rows.contexts.length; start += micro) {
      const end = start + micro;
      const current = await model.logProbs({ contexts: rows.contexts.slice(start, end), completions: rows.completions.slice(start, end) }, { grad: true });
      const logp = current.logp.map((r) => Array.from(r));
      if (iteration === 0 && config.numIterations > 1) old.push(...logp);
      const out = policyLoss(
        {
          logp,
          oldLogp: iteration === 0 ? logp : old.slice(start, end),
          ...(ref ? { refLogp: ref.slice(start, end) } : {}),
          mask: mask.slice(start, end),
          advantages: advantages.slice(start, end),
          maxCompletionLength: config.maxCompletionLength,
          generationBatchTokens: totalTokens,
        },
        { lossType: config.lossType, beta: config.beta, epsilon: config.epsilon, epsilonHigh: config.epsilonHigh, klEstimator: config.klEstimator },
      );
      current.backward(out.grad.map((r) => r.map((g) => g * scale)));
      const tokens = tokensOf(start, end);
      sums.loss += out.loss * scale;
      sums.kl += out.kl * tokens;
      sums.low += out.clipRatio.low * tokens;
      sums.high += out.clipRatio.high * tokens;
      sums.region += out.clipRatio.region * tokens;
      current.entropy.forEach((r, b) => {
        const m = mask[start + b] as number[];
        for (let t = 0; t < r.length; t++) sums.entropy += (r[t] as number) * (m[t] ?? 0);
      });
    }
    sums.gradNorm += model.step({ lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm, index: step * config.numIterations + iteration });
  }

  const stepEnd = performance.now();
  const mu = config.numIterations;
  const perToken = Math.max(1, totalTokens) * mu;
  const metrics: StepMetrics = {
    step: step + 1,
    loss: sums.loss / mu,
    reward: finiteMean(scored.total),
    reward_std: finiteMean([...groupStd.values()].map((s) => (Number.isFinite(s) ? s : 0))),
    frac_reward_zero_std: fracZeroStd,
    kl: sums.kl / perToken,
    entropy: sums.entropy / perToken,
    'clip_ratio/low_mean': sums.low / perToken,
    'clip_ratio/high_mean': sums.high / perToken,
    'clip_ratio/region_mean': sums.region / perToken,
    'completions/mean_length': finiteMean(completions.map((c) => c.tokens.length)),
    'completions/clipped_ratio': finiteMean(completions.map((c) => (c.truncated ? 1 : 0))),
    grad_norm: sums.gradNorm / mu,
    learning_rate: lr,
    // Seconds per phase of this step, verl's `timing/*`: sampling (with dynamic-sampling redraws),
    // reward functions, the reference's log-probs, and the μ passes of log-probs, backward and AdamW.
    'timing/rollout': rollout.seconds.rollout,
    'timing/reward': rollout.seconds.reward,
    'timing/reference': (updateStart - referenceStart) / 1000,
    'timing/update': (stepEnd - updateStart) / 1000,
    'timing/step': (stepEnd - stepStart) / 1000,
  };
  if (config.dynamicSampling > 0) metrics['dynamic_sampling/resampled_groups'] = rollout.resampledGroups;
  rewards.forEach((fn, k) => {
    const values = (scored.byFunction[k] as number[]).filter(Number.isFinite);
    metrics[`rewards/${fn.name}/mean`] = finiteMean(values);
    metrics[`rewards/${fn.name}/std`] = values.length > 1 ? besselStd(values) : 0;
  });
  return metrics;
}

interface Rollout<M> {
  groupPrompts: GrpoPrompt<M>[];
  completions: Completion[];
  scored: ScoredBatch;
  /** Group redraws made by dynamic sampling (a group redrawn twice counts twice). */
  resampledGroups: number;
  /** Wall seconds spent in `model.sample` and in the reward functions. */
  seconds: { rollout: number; reward: number };
}

/** G completions per prompt, scored; with dynamic sampling, groups whose rewards are all equal are redrawn. */
async function sampleGroups<M>(model: PolicyModel, rewards: readonly RewardFunction<M>[], batch: readonly GrpoPrompt<M>[], config: GrpoConfig, step: number): Promise<Rollout<M>> {
  const G = config.numGenerations;
  const groupPrompts = batch.flatMap((p) => Array.from({ length: G }, () => p));
  const seconds = { rollout: 0, reward: 0 };
  const timed = async <R>(phase: keyof typeof seconds, work: () => Promise<R>): Promise<R> => {
    const start = performance.now();
    try {
      return await work();
    } finally {
      seconds[phase] += (performance.now() - start) / 1000;
    }
  };
  const score = (completions: readonly Completion[]) => timed('reward', () => scoreRewards(rewards, groupPrompts.map((prompt, i) => ({ prompt, completion: completions[i] as Completion }))));
  const draw = (contexts: number[][], attempt: number) => timed('rollout', () => model.sample(contexts, samplingFor(config, step, attempt)));
  let completions = await draw(groupPrompts.map((p) => p.context), 0);
  let scored = await score(completions);
  let resampledGroups = 0;
  for (let attempt = 1; attempt <= config.dynamicSampling; attempt++) {
    const redo = batch.flatMap((_, g) => (hasZeroStd(scored.total.slice(g * G, (g + 1) * G)) ? [g] : []));
    if (redo.length === 0) break;
    resampledGroups += redo.length;
    const fresh = await draw(redo.flatMap((g) => Array.from({ length: G }, () => (batch[g] as GrpoPrompt<M>).context)), attempt);
    completions = completions.slice();
    redo.forEach((g, k) => completions.splice(g * G, G, ...fresh.slice(k * G, (k + 1) * G)));
    scored = await score(completions);
  }
  return { groupPrompts, completions, scored, resampledGroups, seconds };
}

function hasZeroStd(rewards: readonly number[]): boolean {
  const finite = rewards.filter(Number.isFinite);
  return finite.every((v) => v === finite[0]);
}

/**
 * The prompts of one step: epochs of a seeded permutation, so (seed, step) fixes the batch. Prompts
 * sharing a `block` key are permuted as one unit and stay adjacent.
 */
export function promptsForStep<T>(prompts: readonly T[], count: number, seed: number, step: number): T[] {
  const out: T[] = [];
  let index = step * count;
  let cachedEpoch = -1;
  let order: T[] = [];
  while (out.length < count) {
    const epoch = Math.floor(index / prompts.length);
    if (epoch !== cachedEpoch) {
      order = blockShuffle(prompts, new Rng(hashSeed(seed, `epoch-${epoch}`)));
      cachedEpoch = epoch;
    }
    out.push(order[index % prompts.length] as T);
    index++;
  }
  return out;
}

function blockOf(prompt: unknown): string | undefined {
  const block = typeof prompt === 'object' && prompt !== null ? (prompt as { block?: unknown }).block : undefined;
  return typeof block === 'string' ? block : undefined;
}

function blockShuffle<T>(prompts: readonly T[], rng: Rng): T[] {
  if (prompts.every((p) => blockOf(p) === undefined)) return rng.shuffle(prompts);
  const blocks = new Map<string, T[]>();
  prompts.forEach((p, i) => {
    const key = blockOf(p) ?? `\u0000${i}`;
    const list = blocks.get(key);
    if (list) list.push(p);
    else blocks.set(key, [p]);
  });
  return rng.shuffle([...blocks.values()]).flat();
}

function samplingFor(config: GrpoConfig, step: number, attempt: number): SamplingOptions {
  return { temperature: config.temperature, topP: config.topP, maxNewTokens: config.maxCompletionLength, seed: hashSeed(config.seed, `sample-${step}-${attempt}`) };
}

function freeze(model: PolicyModel, groups: readonly string[]): void {
  if (!model.parameterGroups || !model.setFrozen) {
    if (groups.length === 0) return;
    throw new SeerError('bad_config', `freezeGroups is [${groups.join(', ')}] but this model exposes no parameter groups; set freezeGroups to null`);
  }
  const known = model.parameterGroups().map((g) => g.name);
  const unknown = groups.filter((g) => !known.includes(g));
  if (unknown.length > 0) throw new SeerError('bad_config', `freezeGroups names unknown group(s) ${unknown.join(', ')}; this model has: ${known.join(', ')}`);
  if (groups.length === known.length) throw new SeerError('bad_config', `freezeGroups freezes every parameter group (${known.join(', ')}); nothing would train`);
  model.setFrozen(groups);
}

function validateInputs<M>({ config, prompts, rewards }: TrainGrpoOptions<M>): void {
  if (prompts.length === 0) throw new SeerError('bad_input', 'GRPO needs at least one prompt');
  const ids = new Set<string>();
  for (const p of prompts) {
    if (ids.has(p.id)) throw new SeerError('bad_input', `two prompts share the id "${p.id}"; ids key the advantage groups and must be unique`);
    ids.add(p.id);
  }
  validateRewardFunctions(rewards);
  if (config.maxCompletionLength < 1) throw new SeerError('bad_config', 'maxCompletionLength must be at least 1');
}


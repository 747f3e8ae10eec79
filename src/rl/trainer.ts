/**
 * The GRPO trainer: wires the pure functions of ./core.ts to any `PolicyModel`. One step:
 * sample G completions per prompt → rewards (weighted reward functions) → group advantages →
 * (old log-probs when μ > 1, reference log-probs when β > 0) → μ passes of gradient-accumulated
 * clipped-surrogate + KL loss → AdamW step. Metrics use TRL's names; checkpoints are atomic, and a
 * killed run resumes to the same numbers (every random choice is derived from (seed, step)).
 *
 * Departure from TRL: the loss gradient is computed analytically per token (./core.ts) and handed
 * to the model, instead of autograd through the whole objective.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng, hashSeed } from '../core/rng.ts';
import { ensureDir, writeFileAtomic, writeJson } from '../core/io.ts';
import { startProgress } from '../core/progress.ts';
import { besselStd, groupAdvantages, policyLoss } from './core.ts';
import { learningRateAt, type GrpoConfig } from './config.ts';
import type { Completion, PolicyModel } from './policy.ts';

export interface GrpoPrompt<M = unknown> {
  /** Stable id: completions of one prompt form one group. */
  id: string;
  context: number[];
  meta: M;
}

export interface RewardInput<M = unknown> {
  prompt: GrpoPrompt<M>;
  completion: Completion;
}

export interface RewardFunction<M = unknown> {
  name: string;
  weight: number;
  score(batch: readonly RewardInput<M>[]): number[] | Promise<number[]>;
}

export type StepMetrics = Record<string, number>;

export interface TrainGrpoOptions<M> {
  config: GrpoConfig;
  model: PolicyModel;
  prompts: readonly GrpoPrompt<M>[];
  rewards: readonly RewardFunction<M>[];
  /** Run folder for metrics.jsonl and checkpoints; without it nothing is written. */
  outDir?: string;
  quiet?: boolean;
  label?: string;
  /** Called after each step (metrics already logged); throwing stops the run (tests use it to simulate a kill). */
  onStep?: (metrics: StepMetrics) => void | Promise<void>;
}

const checkpointSchema = z.object({ step: z.number().int().nonnegative(), dir: z.string() });

export async function trainGrpo<M>(options: TrainGrpoOptions<M>): Promise<{ metrics: StepMetrics[]; model: PolicyModel }> {
  const { config, model, prompts, rewards } = options;
  const G = config.numGenerations;
  const promptsPerStep = config.generationBatchSize / G;
  const metricsPath = options.outDir ? join(options.outDir, 'metrics.jsonl') : null;
  const reference = config.beta > 0 ? await model.snapshot() : null;
  let startStep = 0;
  const history: StepMetrics[] = [];

  if (options.outDir) {
    ensureDir(options.outDir);
    const latest = join(options.outDir, 'checkpoints', 'latest.json');
    if (existsSync(latest)) {
      const pointer = checkpointSchema.parse(JSON.parse(readFileSync(latest, 'utf8')));
      await model.loadState(readFileSync(join(options.outDir, 'checkpoints', pointer.dir, 'model.bin')));
      if (reference) await reference.loadState(readFileSync(join(options.outDir, 'checkpoints', pointer.dir, 'reference.bin')));
      startStep = pointer.step;
      // Keep only the metric lines up to the checkpoint, so a resumed run does not log twice.
      if (metricsPath && existsSync(metricsPath)) {
        const kept = readFileSync(metricsPath, 'utf8').split('\n').filter((l) => l && (JSON.parse(l) as StepMetrics).step! <= startStep);
        kept.forEach((l) => history.push(JSON.parse(l) as StepMetrics));
        writeFileAtomic(metricsPath, kept.map((l) => `${l}\n`).join(''));
      }
    } else {
      writeJson(join(options.outDir, 'grpo-config.json'), config);
      if (metricsPath) writeFileAtomic(metricsPath, '');
    }
  }

  const progress = startProgress(options.label ?? 'grpo', config.maxSteps, { quiet: options.quiet ?? false });
  progress.tick(startStep);
  for (let step = startStep; step < config.maxSteps; step++) {
    const batch = promptsForStep(prompts, promptsPerStep, config.seed, step);
    const groupPrompts = batch.flatMap((p) => Array.from({ length: G }, () => p));
    let completions = await model.sample(groupPrompts.map((p) => p.context), samplingFor(config, step, 0));
    let scored = await scoreAll(rewards, groupPrompts, completions);
    // Dynamic sampling: redraw groups whose rewards are all equal (they carry no signal).
    for (let attempt = 1; attempt <= config.dynamicSampling; attempt++) {
      const flat = batch.map((_, g) => scored.total.slice(g * G, (g + 1) * G)).map((r) => r.every((v) => v === r[0]));
      if (!flat.some(Boolean)) break;
      const redo = batch.flatMap((p, g) => (flat[g] ? [g] : []));
      const fresh = await model.sample(redo.flatMap((g) => Array.from({ length: G }, () => (batch[g] as GrpoPrompt<M>).context)), samplingFor(config, step, attempt));
      completions = completions.slice();
      redo.forEach((g, k) => completions.splice(g * G, G, ...fresh.slice(k * G, (k + 1) * G)));
      scored = await scoreAll(rewards, groupPrompts, completions);
    }
    const { advantages, groupStd, fracZeroStd } = groupAdvantages(scored.total, groupPrompts.map((p) => p.id), config.scaleRewards);
    const rows = { contexts: groupPrompts.map((p) => p.context), completions: completions.map((c) => c.tokens) };
    const mask: number[][] = completions.map((c) => c.tokens.map(() => (config.maskTruncatedCompletions && c.truncated ? 0 : 1)));
    const totalTokens = mask.reduce((s, row) => s + row.reduce((a, b) => a + b, 0), 0);
    const old = config.numIterations > 1 ? (await model.logProbs(rows, { grad: false })).logp : null;
    const ref = reference ? (await reference.logProbs(rows, { grad: false })).logp : null;

    const lr = learningRateAt(config, step);
    const micro = config.generationBatchSize / config.gradientAccumulationSteps;
    let loss = 0;
    let kl = 0;
    let entropy = 0;
    let gradNorm = 0;
    const clip = { low: 0, high: 0, region: 0 };
    for (let iteration = 0; iteration < config.numIterations; iteration++) {
      model.zeroGrad();
      for (let start = 0; start < rows.contexts.length; start += micro) {
        const end = start + micro;
        const part = { contexts: rows.contexts.slice(start, end), completions: rows.completions.slice(start, end) };
        const current = await model.logProbs(part, { grad: true });
        const logp = current.logp.map((r) => Array.from(r));
        const out = policyLoss(
          {
            logp,
            oldLogp: old ? old.slice(start, end).map((r) => Array.from(r)) : logp,
            ...(ref ? { refLogp: ref.slice(start, end).map((r) => Array.from(r)) } : {}),
            mask: mask.slice(start, end),
            advantages: advantages.slice(start, end),
            maxCompletionLength: config.maxCompletionLength,
            generationBatchTokens: totalTokens,
          },
          { lossType: config.lossType, beta: config.beta, epsilon: config.epsilon, epsilonHigh: config.epsilonHigh, klEstimator: config.klEstimator },
        );
        // dapo normalises by the whole generation batch already; the others average micro-batches.
        const scale = config.lossType === 'dapo' ? 1 : 1 / config.gradientAccumulationSteps;
        current.backward(out.grad.map((r) => r.map((g) => g * scale)));
        if (iteration === 0) {
          const tokens = mask.slice(start, end).reduce((s, r) => s + r.reduce((a, b) => a + b, 0), 0);
          loss += out.loss * scale;
          kl += out.kl * tokens;
          clip.low += out.clipRatio.low * tokens;
          clip.high += out.clipRatio.high * tokens;
          clip.region += out.clipRatio.region * tokens;
          current.entropy.forEach((r, b) => r.forEach((e, t) => (entropy += e * ((mask[start + b] as number[])[t] ?? 0))));
        }
      }
      gradNorm = model.step({ lr, weightDecay: config.weightDecay, maxGradNorm: config.maxGradNorm });
    }

    const tokenDenominator = Math.max(1, totalTokens);
    const metrics: StepMetrics = {
      step: step + 1,
      loss,
      reward: mean(scored.total),
      reward_std: mean([...groupStd.values()].map((s) => (Number.isFinite(s) ? s : 0))),
      frac_reward_zero_std: fracZeroStd,
      kl: kl / tokenDenominator,
      entropy: entropy / tokenDenominator,
      'clip_ratio/low_mean': clip.low / tokenDenominator,
      'clip_ratio/high_mean': clip.high / tokenDenominator,
      'clip_ratio/region_mean': clip.region / tokenDenominator,
      'completions/mean_length': mean(completions.map((c) => c.tokens.length)),
      'completions/clipped_ratio': mean(completions.map((c) => (c.truncated ? 1 : 0))),
      grad_norm: gradNorm,
      learning_rate: lr,
    };
    rewards.forEach((fn, k) => {
      const values = (scored.byFunction[k] as number[]).filter(Number.isFinite);
      metrics[`rewards/${fn.name}/mean`] = mean(values);
      metrics[`rewards/${fn.name}/std`] = values.length > 1 ? besselStd(values) : 0;
    });
    history.push(metrics);
    if (metricsPath && (step + 1) % config.logEvery === 0) appendFileSync(metricsPath, `${JSON.stringify(metrics)}\n`);
    if (options.outDir && ((step + 1) % config.checkpointEvery === 0 || step + 1 === config.maxSteps)) {
      await saveCheckpoint(options.outDir, step + 1, model, reference);
    }
    progress.tick(1, { reward: metrics.reward as number, kl: metrics.kl as number });
    await options.onStep?.(metrics);
  }
  progress.stop();
  return { metrics: history, model };
}

async function saveCheckpoint(outDir: string, step: number, model: PolicyModel, reference: PolicyModel | null): Promise<void> {
  const dir = `step-${String(step).padStart(6, '0')}`;
  const base = join(outDir, 'checkpoints', dir);
  writeFileAtomic(join(base, 'model.bin'), await model.saveState());
  if (reference) writeFileAtomic(join(base, 'reference.bin'), await reference.saveState());
  writeJson(join(outDir, 'checkpoints', 'latest.json'), { step, dir });
}

/** The prompts of one step: epochs of a seeded permutation, so (seed, step) fixes the batch. */
export function promptsForStep<T>(prompts: readonly T[], count: number, seed: number, step: number): T[] {
  const out: T[] = [];
  let index = step * count;
  while (out.length < count) {
    const epoch = Math.floor(index / prompts.length);
    const order = new Rng(hashSeed(seed, `epoch-${epoch}`)).shuffle(prompts);
    out.push(order[index % prompts.length] as T);
    index++;
  }
  return out;
}

function samplingFor(config: GrpoConfig, step: number, attempt: number) {
  return { temperature: config.temperature, topP: config.topP, maxNewTokens: config.maxCompletionLength, seed: hashSeed(config.seed, `sample-${step}-${attempt}`) };
}

async function scoreAll<M>(rewards: readonly RewardFunction<M>[], prompts: readonly GrpoPrompt<M>[], completions: readonly Completion[]) {
  const inputs = prompts.map((prompt, i) => ({ prompt, completion: completions[i] as Completion }));
  const byFunction: number[][] = [];
  for (const fn of rewards) byFunction.push(await fn.score(inputs));
  const total = inputs.map((_, i) => {
    let sum = 0;
    let any = false;
    rewards.forEach((fn, k) => {
      const v = (byFunction[k] as number[])[i] as number;
      if (Number.isFinite(v)) {
        sum += fn.weight * v;
        any = true;
      }
    });
    return any ? sum : Number.NaN;
  });
  return { total, byFunction };
}

function mean(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite);
  return finite.length ? finite.reduce((s, v) => s + v, 0) / finite.length : 0;
}

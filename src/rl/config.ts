/**
 * GRPO configuration as a zod schema: every field has a described default (TRL's names where they
 * exist, the paper's values where it gives them) and cross-field checks that say how to fix a bad
 * value. `maxSteps` counts generation batches; with μ = `numIterations` > 1 each batch makes μ
 * optimizer steps, all at that step's learning rate.
 *
 * Departures from the paper: its learning rates (Stage 1: two phases, Stage 2: one) are set by the
 * stage recipes in src/seer/; the defaults here are TRL's (lr 1e-5, ε 0.2, k3) except β = 0.04,
 * the paper's value (TRL's default is 0).
 */
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { KL_ESTIMATORS, LOSS_TYPES, SCALE_REWARDS } from './core.ts';

export const grpoConfigSchema = z
  .object({
    numGenerations: z.number().int().describe('G: completions per prompt (paper: group size G; TRL default 8)').default(8),
    generationBatchSize: z.number().int().positive().describe('completions per optimizer step (prompts × G)').default(32),
    gradientAccumulationSteps: z.number().int().positive().describe('micro-batches per optimizer step').default(1),
    numIterations: z.number().int().positive().describe('μ: optimisation passes per generation batch (paper: 1)').default(1),
    maxSteps: z.number().int().positive().describe('GRPO steps (generation batches) in total; each makes numIterations optimizer steps').default(100),
    learningRate: z.number().positive().describe('peak AdamW learning rate').default(1e-5),
    lrSchedule: z.enum(['constant', 'linear', 'cosine']).describe('decay after warmup').default('constant'),
    warmupSteps: z.number().int().nonnegative().describe('linear warmup steps').default(0),
    weightDecay: z.number().nonnegative().describe('AdamW decoupled weight decay').default(0),
    maxGradNorm: z.number().nonnegative().describe('global gradient-norm clip (0 = off)').default(1),
    beta: z.number().nonnegative().describe('KL coefficient to the initial policy (paper: 0.04)').default(0.04),
    epsilon: z.number().positive().lt(1, 'epsilon must be below 1 (the lower clip is 1 − ε); TRL uses 0.2').describe('lower clip ε').default(0.2),
    epsilonHigh: z.number().positive().nullable().describe('upper clip (clip-higher); null = ε').default(null),
    lossType: z.enum(LOSS_TYPES).describe('token aggregation of the loss').default('grpo'),
    scaleRewards: z.enum(SCALE_REWARDS).describe('std used to scale advantages').default('group'),
    klEstimator: z.enum(KL_ESTIMATORS).describe('per-token KL estimator').default('k3'),
    temperature: z.number().positive().describe('sampling temperature').default(1),
    topP: z.number().gt(0).max(1).describe('nucleus sampling mass').default(1),
    maxCompletionLength: z.number().int().positive().describe('new tokens per completion').default(64),
    maskTruncatedCompletions: z.boolean().describe('drop completions that hit the length limit from the loss').default(false),
    dynamicSampling: z.number().int().nonnegative().describe('resample zero-variance groups up to this many times (0 = off)').default(0),
    freezeGroups: z.array(z.string().min(1)).nullable().describe("parameter groups to freeze (paper: ['generation']); null = leave the model's own setting").default(null),
    seed: z.number().int().describe('seed for data order and sampling').default(0),
    logEvery: z.number().int().positive().describe('steps between metric lines').default(1),
    checkpointEvery: z.number().int().positive().describe('steps between checkpoints').default(10),
    keepCheckpoints: z.number().int().nonnegative().describe('newest checkpoints kept on disk (0 = all)').default(2),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.numGenerations < 2) ctx.addIssue({ code: 'custom', path: ['numGenerations'], message: 'G must be at least 2: advantages compare completions within a group' });
    if (c.generationBatchSize % c.numGenerations !== 0)
      ctx.addIssue({ code: 'custom', path: ['generationBatchSize'], message: `generationBatchSize (${c.generationBatchSize}) must be a multiple of numGenerations (${c.numGenerations}); try ${Math.max(1, Math.round(c.generationBatchSize / c.numGenerations)) * c.numGenerations}` });
    if (c.generationBatchSize % c.gradientAccumulationSteps !== 0)
      ctx.addIssue({ code: 'custom', path: ['gradientAccumulationSteps'], message: `generationBatchSize (${c.generationBatchSize}) must split evenly into ${c.gradientAccumulationSteps} micro-batches` });
    if (c.epsilonHigh !== null && c.epsilonHigh < c.epsilon)
      ctx.addIssue({ code: 'custom', path: ['epsilonHigh'], message: `epsilonHigh (${c.epsilonHigh}) must be ≥ epsilon (${c.epsilon}), or null to reuse epsilon` });
    if (c.freezeGroups && new Set(c.freezeGroups).size !== c.freezeGroups.length)
      ctx.addIssue({ code: 'custom', path: ['freezeGroups'], message: 'freezeGroups lists a group twice' });
    if (c.warmupSteps >= c.maxSteps && c.lrSchedule !== 'constant')
      ctx.addIssue({ code: 'custom', path: ['warmupSteps'], message: `warmupSteps (${c.warmupSteps}) leaves no steps to decay over maxSteps (${c.maxSteps})` });
  });

export type GrpoConfig = z.infer<typeof grpoConfigSchema>;

export function parseGrpoConfig(input: unknown): GrpoConfig {
  const parsed = grpoConfigSchema.safeParse(input);
  if (!parsed.success) {
    const known = Object.keys(grpoConfigSchema.shape).join(', ');
    const issues = parsed.error.issues
      .map((i) => `${i.path.join('.') || 'config'}: ${i.message}${i.code === 'unrecognized_keys' ? ` (known fields: ${known})` : ''}`)
      .join('; ');
    throw new SeerError('bad_config', `invalid GRPO config: ${issues}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** Learning rate at `step` (0-based): linear warmup, then constant / linear / cosine decay to 0. */
export function learningRateAt(config: GrpoConfig, step: number): number {
  const peak = config.learningRate;
  if (step < config.warmupSteps) return (peak * (step + 1)) / config.warmupSteps;
  if (config.lrSchedule === 'constant') return peak;
  const progress = (step - config.warmupSteps) / Math.max(1, config.maxSteps - config.warmupSteps);
  if (config.lrSchedule === 'linear') return peak * (1 - progress);
  return peak * 0.5 * (1 + Math.cos(Math.PI * progress));
}

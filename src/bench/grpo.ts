/**
 * The GRPO workload `seer bench` times: Stage-1 phase-2 steps at the default recipe's shapes —
 * `promptsPerStep` (4) judge contexts of two 64-code images plus text (~172 tokens) × G (8)
 * completions of up to 40 tokens, KL to a reference (β 0.04) — run by the real trainer on the
 * shipped base checkpoint, so the per-phase `timing/*` metrics are those of a real run. Images are
 * rendered scenes (no VIE dataset needed); the contexts are built exactly as `buildJudgePrompts`
 * builds them.
 */
import { SUBJECTS_TRAIN, COLOURS, defaultSpec } from '../world/spec.ts';
import { renderSpec } from '../world/render.ts';
import { bothOrders } from '../roles/blind.ts';
import { judgeContext } from '../model/templates.ts';
import type { SeerMini } from '../model/umm.ts';
import type { GrpoPhaseSeconds } from './engine.ts';
import type { Completion, SamplingOptions } from '../rl/policy.ts';
import { trainGrpo, type GrpoPrompt, type StepMetrics } from '../rl/trainer.ts';
import { withBlasThreads } from '../model/threads.ts';
import { SeerMiniPolicy } from '../seer/policy.ts';
import type { JudgeMeta } from '../seer/rewards.ts';
import { stage1ConfigSchema, stage1GrpoConfig, stage1Rewards } from '../seer/stage1.ts';

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

/** SeerMiniPolicy that notes the completion lengths it samples (the default recipe has no dynamic sampling: one call a step). */
class RecordingPolicy extends SeerMiniPolicy {
  readonly lengths: number[][] = [];

  override async sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]> {
    const out = await super.sample(contexts, options);
    this.lengths.push(out.map((c) => c.tokens.length));
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

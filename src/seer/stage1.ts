/**
 * Stage 1 — RLVR (paper §3.4.1, A.1.4): GRPO trains SEER-Mini as a pairwise judge with a
 * verifiable 0/1 reward (verdict = label) plus a format reward, through a two-phase curriculum:
 * phase 1 "basic alignment" (which image shows the prompt? positive = image of p, negative = p with
 * its object masked or changed), then phase 2 "instruction supervision" (which image follows the
 * instruction while keeping the subject? positive = verified image for (i, p), negative = phase 1's
 * positive, a hard negative; here one of five verified hard-negative kinds per row, see
 * `phase2Negative`). Each pair is shown in both orders within one GRPO step, so position
 * cannot be learned and position-only gradients cancel.
 *
 * Beyond the paper, as options: `softVerdict` adds the judge's probability of the label after its
 * own reasoning to the 0/1 reward (./rewards.ts); `policyGradientOn: 'answer'` puts the GRPO loss
 * on the answer after `</think>` only (measured: the whole-completion loss rewrites the model's
 * descriptions into noise, docs/seer.md); `replay` adds pretraining replay (./replay.ts);
 * `phase2GradedPairsPerRow` and `phase2OtherSubjectPairsPerRow` add phase-2 pairs in which neither
 * image complies, the better by the world's order (subject first) labelled right (`seer run` adds
 * one other-subject pair per row by default since 2026-12-06 evening). With the read
 * judge (`SeerMini.judgeDescriptions`, the shipped base's) every prompt ends with the model's own
 * captions and caption checks, and RLVR teaches the verdict to follow them.
 *
 * Departures: staged learning rates and epochs are recipe settings (the paper's 10 epochs per
 * stage do not fit a CPU budget; the default recipe says what it uses); the KL reference of each
 * phase is the policy at the start of that phase.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonl } from '../core/io.ts';
import { readPng } from '../image/image.ts';
import { trainRowSchema, type TrainRow } from '../data/schemas.ts';
import { gradedNegativePairs, keepsSubject, negativesOf } from '../data/negatives.ts';
import { alignmentContext, judgeContext, type Segment } from '../model/templates.ts';
import type { JudgeQuestion, SeerMini } from '../model/umm.ts';
import { parseGrpoConfig, type GrpoConfig } from '../rl/config.ts';
import { trainGrpo, type GrpoPrompt, type RewardFunction, type StepMetrics } from '../rl/trainer.ts';
import { blasThreadsSetting, withBlasThreads } from '../model/threads.ts';
import { SeerMiniPolicy } from './policy.ts';
import { REPLAY_OFF, replaySchema } from './replay.ts';
import { bestOnValidation } from './best-on-validation.ts';
import { formatReward, verdictProbabilityReward, verdictReward, type JudgeMeta } from './rewards.ts';
import { bothOrders } from '../roles/blind.ts';
import { JUDGE_COMPLETION_TOKENS } from './roles.ts';

export const stage1ConfigSchema = z.object({
  phase1Epochs: z.number().positive().describe('passes over the phase-1 pairs (both orders)').default(1),
  phase2Epochs: z.number().positive().describe('passes over the phase-2 pairs (both orders)').default(2),
  phase1LearningRate: z.number().positive().describe('basic-alignment learning rate (staged: higher first)').default(1e-4),
  phase2LearningRate: z.number().positive().describe('instruction-supervision learning rate').default(5e-5),
  phase2NegativesPerRow: z.number().int().positive().describe("hard negatives per training row in phase 2, each a pair in both orders (1: one kind per row, rotating; 5: every verified kind — more distinct pairs from the same ~300 samples)").default(1),
  phase2OtherSubjectPairsPerRow: z.number().int().nonnegative().describe("pairs per training row in phase 2 of one of its subject-keeping negatives over another row's plain picture, of another subject — an image that loses the subject and ignores the instruction, as naive concatenation often draws (beyond the paper)").default(0),
  phase2GradedPairsPerRow: z.number().int().nonnegative().describe("pairs of two of a row's negatives per training row in phase 2, the better by the world's order labelled right (beyond the paper: data/negatives.ts gradedNegativePairs)").default(0),
  numGenerations: z.number().int().min(2).describe('G').default(8),
  promptsPerStep: z.number().int().positive().describe('prompts per GRPO step (× G completions)').default(4),
  maxCompletionLength: z.number().int().positive().describe('judge completions: room for both descriptions, the recall and the reading lines (./roles.ts JUDGE_COMPLETION_TOKENS)').default(JUDGE_COMPLETION_TOKENS),
  beta: z.number().nonnegative().describe('KL to the phase\'s initial policy (paper: 0.04)').default(0.04),
  temperature: z.number().positive().default(1),
  softVerdict: z.boolean().describe('add the judge\'s probability of the label after its own reasoning to the 0/1 verdict reward (beyond the paper: a dense signal)').default(false),
  policyGradientOn: z.enum(['completion', 'answer']).describe("which tokens the GRPO loss sees: the whole completion (the paper) or only the answer after `</think>` (beyond the paper: RLVR's one bit then cannot rewrite the model's descriptions)").default('completion'),
  replay: replaySchema.describe('pretraining replay at every step (beyond the paper: keeps the shared blocks drawing)').default(REPLAY_OFF),
  maxRows: z.number().int().positive().optional().describe('use only the first N training rows (smoke runs)'),
  blasThreads: blasThreadsSetting,
  seed: z.number().int().default(0),
});
export type Stage1Config = z.infer<typeof stage1ConfigSchema>;

/** How many pairs of each kind a phase judges per training row (Stage1Config's phase-2 settings). */
export interface JudgePairCounts {
  maxRows?: number;
  negativesPerRow?: number;
  gradedPairsPerRow?: number;
  otherSubjectPairsPerRow?: number;
}

export async function buildJudgePrompts(model: SeerMini, dataDir: string, phase: 1 | 2, counts: JudgePairCounts = {}): Promise<GrpoPrompt<JudgeMeta>[]> {
  const { maxRows, negativesPerRow = 1, gradedPairsPerRow = 0, otherSubjectPairsPerRow = 0 } = counts;
  const rows = readJsonl(join(dataDir, 'vie-train.jsonl'), trainRowSchema).slice(0, maxRows);
  const built: { id: string; block: string; segments: Segment[]; question: JudgeQuestion; images: [number[], number[]]; label: 'A' | 'B' }[] = [];
  for (const [index, row] of rows.entries()) {
    const positive = phase === 1 ? row.rlvr.phase1.positive : row.rlvr.phase2.positive;
    const negatives = phase === 1 ? [row.rlvr.phase1.negative] : phase2Negatives(row, index, negativesPerRow);
    const segments = phase === 1 ? alignmentContext(row.prompt) : judgeContext(row.instruction, row.prompt);
    // The positive is read and encoded once per row, however many negatives it is judged against.
    const [pos, ...negs] = model.encodeImages(await Promise.all([positive, ...negatives].map((file) => readPng(join(dataDir, file))))) as [number[], ...number[][]];
    const question = { instruction: phase === 1 ? null : row.instruction, prompt: row.prompt };
    const add = (block: string, better: number[], worse: number[]) => {
      for (const { images, label } of bothOrders(better, worse)) built.push({ id: `${block}-${label}`, block, segments, question, images: images as [number[], number[]], label });
    };
    for (const [n, neg] of negs.entries()) add(n === 0 ? `${row.id}-p${phase}` : `${row.id}-p${phase}-n${n}`, pos, neg);
    if (phase === 2) {
      for (const [g, [better, worse]] of gradedNegativePairs(row.rlvr.phase2.negatives, index, gradedPairsPerRow).entries()) {
        const [b, w] = model.encodeImages(await Promise.all([better, worse].map((n) => readPng(join(dataDir, n.image))))) as [number[], number[]];
        add(`${row.id}-p2-g${g}`, b, w);
      }
      const elsewhere = otherSubjectPlain(rows, index);
      const keeps = (row.rlvr.phase2.negatives ?? []).filter((n) => keepsSubject(n.kind));
      for (let o = 0; elsewhere && keeps.length > 0 && o < Math.min(otherSubjectPairsPerRow, keeps.length); o++) {
        const better = keeps[(index + o) % keeps.length]!;
        const [b, w] = model.encodeImages(await Promise.all([better.image, elsewhere].map((file) => readPng(join(dataDir, file))))) as [number[], number[]];
        add(`${row.id}-p2-o${o}`, b, w);
      }
    }
  }
  // Captioned descriptions (SeerMini.judgeDescriptions): the prompt ends with the reasoning's
  // opening, captioned once here by the model at the start of the phase; rewards read it back.
  const openings = model.judgeOpenings(built.map((b) => b.images), built.map((b) => b.question));
  return built.map((b, i) => {
    const context = model.encode(b.segments, b.images);
    const opening = openings?.[i];
    return { id: b.id, block: b.block, context: opening ? [...context, ...model.text.encode(opening)] : context, meta: opening ? { label: b.label, opening } : { label: b.label } };
  });
}

/** The plain picture of the next training row with another subject (its phase-2 plain negative), or null when every row shows the same subject. */
export function otherSubjectPlain(rows: readonly TrainRow[], index: number): string | null {
  for (let k = 1; k < rows.length; k++) {
    const other = rows[(index + k) % rows.length]!;
    if (other.subject !== rows[index]!.subject) return other.rlvr.phase2.negative;
  }
  return null;
}

/**
 * Phase 2's negatives for the `index`-th row: `count` of its verified hard-negative kinds, rotating
 * through the kinds from row to row (data/negatives.ts), so the judge learns compliance AND subject
 * consistency (Eq. 1), not "not plain"; the plain picture alone for files without `negatives`.
 */
export function phase2Negatives(row: TrainRow, index: number, count: number): string[] {
  const chosen = negativesOf(row.rlvr.phase2.negatives, index, count).map((n) => n.image);
  return chosen.length > 0 ? chosen : [row.rlvr.phase2.negative];
}

export interface JudgePhaseOptions {
  quiet?: boolean;
  /**
   * Model selection on validation (./best-on-validation.ts): score the judge every
   * `validateEvery` steps and end the phase with the best-scoring weights. The caller measures
   * (the method layer does not import evaluation); it must read the validation split only.
   */
  validate?: (model: SeerMini) => Promise<number>;
  validateEvery?: number;
}

/** One curriculum phase on `model` (trained in place). */
export async function trainJudgePhase(model: SeerMini, phase: 1 | 2, dataDir: string, outDir: string, input: z.input<typeof stage1ConfigSchema>, options: JudgePhaseOptions = {}): Promise<StepMetrics[]> {
  const config = stage1ConfigSchema.parse(input);
  const prompts = await buildJudgePrompts(model, dataDir, phase, { ...(config.maxRows ? { maxRows: config.maxRows } : {}), negativesPerRow: config.phase2NegativesPerRow, gradedPairsPerRow: config.phase2GradedPairsPerRow, otherSubjectPairsPerRow: config.phase2OtherSubjectPairsPerRow });
  const grpo = stage1GrpoConfig(config, phase, prompts.length);
  const phaseDir = join(outDir, `phase${phase}`);
  const selection = options.validate ? bestOnValidation(model, options.validate, { every: options.validateEvery ?? 50, dir: phaseDir, ...(options.quiet ? {} : { say: (l: string) => process.stderr.write(`stage1 phase ${phase}: ${l}\n`) }) }) : null;
  const { metrics } = await withBlasThreads(config.blasThreads, () => trainGrpo({ config: grpo, model: new SeerMiniPolicy(model, { replay: { config: config.replay, seed: config.seed * 10 + phase } }), prompts, rewards: stage1Rewards(model, config), ...(config.policyGradientOn === 'answer' ? { lossTokens: answerTokens(model.text.id('</think>')) } : {}), outDir: phaseDir, quiet: options.quiet ?? false, label: `stage1 phase ${phase}`, ...(selection ? { onStep: selection.onStep } : {}) }));
  await selection?.finish(grpo.maxSteps);
  return metrics;
}

/** The GRPO settings of one curriculum phase over `promptCount` prompts (also what `seer bench` times). */
export function stage1GrpoConfig(config: Stage1Config, phase: 1 | 2, promptCount: number): GrpoConfig {
  const epochs = phase === 1 ? config.phase1Epochs : config.phase2Epochs;
  return parseGrpoConfig({
    numGenerations: config.numGenerations,
    generationBatchSize: config.numGenerations * config.promptsPerStep,
    maxSteps: Math.max(1, Math.round((epochs * promptCount) / config.promptsPerStep)),
    learningRate: phase === 1 ? config.phase1LearningRate : config.phase2LearningRate,
    beta: config.beta,
    maxCompletionLength: config.maxCompletionLength,
    temperature: config.temperature,
    seed: config.seed + phase,
    checkpointEvery: 20,
  });
}

export function stage1Rewards(model: SeerMini, config: Pick<Stage1Config, 'softVerdict'> = { softVerdict: false }): RewardFunction<JudgeMeta>[] {
  return [verdictReward(model), formatReward<JudgeMeta>(model), ...(config.softVerdict ? [verdictProbabilityReward(model)] : [])];
}

/**
 * The loss mask of `policyGradientOn: 'answer'`: the tokens after the completion's first
 * `</think>` (its answer, `<answer> a </answer> <eos>`); every token when there is none, so a
 * completion that breaks the format still pays for all of it.
 */
export function answerTokens(closeThink: number): (tokens: readonly number[]) => number[] {
  return (tokens) => {
    const at = tokens.indexOf(closeThink);
    return tokens.map((_, t) => (at < 0 || t > at ? 1 : 0));
  };
}

/** Both phases in order (phase 2 starts from phase 1's weights, with its own learning rate). */
export async function trainEvaluator(model: SeerMini, dataDir: string, outDir: string, input: z.input<typeof stage1ConfigSchema>, options: JudgePhaseOptions = {}): Promise<{ phase1: StepMetrics[]; phase2: StepMetrics[] }> {
  const phase1 = await trainJudgePhase(model, 1, dataDir, outDir, input, options);
  const phase2 = await trainJudgePhase(model, 2, dataDir, outDir, input, options);
  return { phase1, phase2 };
}

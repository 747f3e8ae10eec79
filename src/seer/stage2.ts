/**
 * Stage 2 — RLMT (paper §3.4.2): GRPO trains SEER-Mini to think, then write a reprompt, seeing only
 * (instruction, prompt). Reward (Eq. 9): 1 when SEER's own Stage-1 evaluator prefers the image from
 * the reprompt over the image from naive `instruction + prompt` (same image seed), plus the format
 * reward; KL 0.04 to the initial policy; θ_gen frozen; μ = 1.
 *
 * In an early-fusion model the generator shares the transformer blocks with the reprompter and the
 * evaluator, so "generator frozen" means a frozen set of weights draws Stage 2's images: with one
 * model (the default, as in the paper) the policy starts from the Stage-1 weights and a frozen copy
 * of them judges and draws, and the final weights draw at evaluation; with three copies (the
 * ablation) the untouched base draws everywhere, a frozen Stage-1 copy judges, and the policy
 * starts from the base (it was the default while Stage 1 wrecked drawing: World-GenEval subject
 * accuracy 0.92 → 0.32 with an early base and the paper's Stage-1 loss; docs/seer.md). Because the
 * generator is frozen, its images are memoised per (prompt, image seed) (./image-cache.ts).
 * Beyond the paper, chosen on validation (docs/seer.md): the judge sees each pair both ways round
 * (`orders: 'both'`), so a verdict given by slot is a tie, not a win or a loss; and a second reward
 * (`subjectCheck`, weight 0.5) pays a reprompt whose text the evaluator's own caption check reads as
 * showing the prompt's subject; a third (`imageReading`, weight 1) pays the evaluator's own reading
 * of the drawn image — its subject, then the instruction (./rewards.ts). Options, off by default:
 * the recall carried, the versus-initial reward (the verdict against the image of the policy's
 * own reprompt before Stage 2, `initialRepromptsOf`), and rows asked in fresh wordings of their
 * instruction's rule (`repromptPrompts`).
 */
import { join } from 'node:path';
import { z } from 'zod';
import { readJsonl } from '../core/io.ts';
import { Rng } from '../core/rng.ts';
import { trainRowSchema } from '../data/schemas.ts';
import { repromptContext } from '../model/templates.ts';
import type { SeerMini } from '../model/umm.ts';
import { parseGrpoConfig, type GrpoConfig } from '../rl/config.ts';
import { trainGrpo, type GrpoPrompt, type RewardFunction, type StepMetrics } from '../rl/trainer.ts';
import type { PairwiseJudge } from '../roles/roles.ts';
import { blasThreadsSetting, withBlasThreads } from '../model/threads.ts';
import { SeerMiniPolicy } from './policy.ts';
import { REPLAY_OFF, replaySchema } from './replay.ts';
import { drawnReadings, formatReward, imageReadingReward, initialRepromptKey, recallCarriedReward, relativeToInitialReward, relativeToNaiveReward, subjectCheckReward, versusPeersReward, type RepromptMeta } from './rewards.ts';
import { SeerJudge, SeerReader, SeerReprompter } from './roles.ts';
import { memoiseImages, type GenerateImages, type MemoisedGenerator } from './image-cache.ts';
import { findInstruction } from '../world/instructions.ts';
import { freshWording } from '../world/wordings.ts';

export const stage2ConfigSchema = z.object({
  epochs: z.number().positive().describe('passes over the 300 (instruction, prompt) pairs (paper: 10)').default(1),
  learningRate: z.number().positive().default(5e-5),
  numGenerations: z.number().int().min(2).describe('G').default(8),
  promptsPerStep: z.number().int().positive().default(4),
  maxCompletionLength: z.number().int().positive().default(48),
  beta: z.number().nonnegative().describe('KL to the initial policy (paper: 0.04)').default(0.04),
  temperature: z.number().positive().default(1),
  soft: z.boolean().describe('reward = the evaluator\'s preference probability instead of its 0/1 verdict').default(false),
  orders: z.enum(['seeded', 'both']).describe("how the evaluator sees each (reprompt, naive) pair: both (both orders, A.2 scores averaged: a split verdict is a tie, 0.5; beyond the paper, chosen on validation) or seeded (once, a group in one seeded order: the paper's one comparison); the soft reward always asks both").default('both'),
  subjectCheck: z.number().nonnegative().describe("weight of the subject-check reward: the frozen evaluator's own check that the reprompt's text shows the prompt's subject (0 = off; beyond the paper: on at 0.5, the one weight tried, because validation preferred it to off)").default(0.5),
  imageReading: z.number().nonnegative().describe("weight of the image-reading reward: the frozen evaluator's own reading of the image the reprompt drew — its subject (2/3), then the instruction (1/3) (0 = off; beyond the paper: on at 1, the one weight tried, because validation preferred it to off)").default(1),
  imageReadingOf: z.enum(['both', 'subject']).describe("what of the image reading pays: both checks in the A.2 order, or the subject check alone").default('both'),
  recallCarried: z.number().nonnegative().describe("weight of the recall-carried reward: the share of the descriptors the reprompt's own reasoning recalled that its answer says (0 = off; beyond the paper)").default(0),
  recallCarriedGate: z.enum(['none', 'subject']).describe("when the recall-carried reward pays: always, or only when the frozen evaluator's reading of the drawn image shows the prompt's subject").default('none'),
  freshWordings: z.number().min(0).max(1).describe("share of the training rows whose instruction Stage 2 asks in a fresh wording of its rule (world/wordings.ts: never an instruction's paraphrase nor an OOD text; 0 = off; beyond the paper)").default(0),
  versusInitial: z.number().nonnegative().describe("weight of the versus-initial reward: the frozen evaluator's verdict on the reprompt's image against the image of the policy's own reprompt of the row before Stage 2 (0 = off; beyond the paper)").default(0),
  versusPeers: z.number().nonnegative().describe("weight of the versus-peers reward: the frozen evaluator's verdicts on the reprompt's image against the images of its group's neighbours (0 = off; beyond the paper)").default(0),
  replay: replaySchema.describe('pretraining replay at every step (beyond the paper: keeps the shared blocks drawing)').default(REPLAY_OFF),
  maxRows: z.number().int().positive().optional(),
  blasThreads: blasThreadsSetting,
  seed: z.number().int().default(0),
});
export type Stage2Config = z.infer<typeof stage2ConfigSchema>;

export function buildRepromptPrompts(model: SeerMini, dataDir: string, seed: number, maxRows?: number, freshWordings = 0): GrpoPrompt<RepromptMeta>[] {
  return repromptPrompts(model, readJsonl(join(dataDir, 'vie-train.jsonl'), trainRowSchema).slice(0, maxRows), seed, { freshWordings });
}

/**
 * Stage 2's GRPO prompts for (instruction, prompt) rows: the reprompt context, and an image seed per
 * row. With `freshWordings` (a share), that share of the rows is asked — reprompted and judged — in
 * a fresh wording of its instruction's rule instead of its text, so the reprompter learns to read an
 * instruction rather than sixty texts (a row whose rule has no fresh wording keeps its text).
 */
export function repromptPrompts(model: SeerMini, rows: readonly { id: string; instruction: string; prompt: string }[], seed: number, options: { freshWordings?: number } = {}): GrpoPrompt<RepromptMeta>[] {
  const rng = new Rng(seed).fork('image-seeds');
  const wordingRng = new Rng(seed).fork('fresh-wordings');
  const share = options.freshWordings ?? 0;
  return rows.map((row) => {
    const rule = share > 0 && wordingRng.bool(share) ? findInstruction(row.instruction)?.rule : undefined;
    const instruction = (rule && freshWording(wordingRng, rule)) ?? row.instruction;
    return {
      id: row.id,
      context: model.encode([{ text: repromptContext(instruction, row.prompt) }]),
      meta: { instruction, prompt: row.prompt, imageSeed: rng.int(1 << 30) },
    };
  });
}

/**
 * Trains `policyModel` in place; `evaluator` (the frozen Stage-1 model) judges and `generator` (the
 * frozen base model: θ_gen never changes) draws.
 */
export async function trainReprompter(policyModel: SeerMini, evaluator: SeerMini, generator: SeerMini, dataDir: string, outDir: string, input: z.input<typeof stage2ConfigSchema>, options: { quiet?: boolean } = {}): Promise<StepMetrics[]> {
  const config = stage2ConfigSchema.parse(input);
  const prompts = buildRepromptPrompts(policyModel, dataDir, config.seed, config.maxRows, config.freshWordings);
  // The 0/1 reward reads verdicts only; the soft one the judge's probabilities.
  const initialReprompts = config.versusInitial > 0 ? await initialRepromptsOf(policyModel, prompts, config.seed) : undefined;
  const rewards = stage2Rewards(policyModel, new SeerJudge(evaluator, { name: 'seer-eval (frozen)', probabilities: config.soft }), frozenGenerator(generator), config, evaluator, initialReprompts);
  const grpo = stage2GrpoConfig(config, prompts.length);
  const { metrics } = await withBlasThreads(config.blasThreads, () => trainGrpo({ config: grpo, model: new SeerMiniPolicy(policyModel, { replay: { config: config.replay, seed: config.seed * 10 + 3 } }), prompts, rewards, outDir, quiet: options.quiet ?? false, label: 'stage2 rlmt' }));
  return metrics;
}

/**
 * The policy's own reprompt of each row before training (the versus-initial reward's baseline):
 * sampled as Table 2's "base model with CoT" column samples (SeerReprompter's temperature 0.7), one
 * per row, seeded; a reprompt in a broken format falls back to naive concatenation, as there.
 */
export async function initialRepromptsOf(policyModel: SeerMini, prompts: readonly GrpoPrompt<RepromptMeta>[], seed: number): Promise<Map<string, string>> {
  const rows = prompts.map((p) => p.meta);
  const reprompts = await new SeerReprompter(policyModel, { name: 'initial policy' }).reprompt(rows, { seed: new Rng(seed).fork('initial-reprompts').int(1 << 30) });
  return new Map(rows.map((row, i) => [initialRepromptKey(row), reprompts[i]!.reprompt]));
}

/** The frozen generator's draws, memoised: the naive image of a prompt is the same for its G completions (same seed), so it is drawn once. */
export function frozenGenerator(generator: Pick<SeerMini, 'generateImages'>): MemoisedGenerator {
  return memoiseImages(async (p, s) => generator.generateImages(p, s));
}

/**
 * Stage 2's rewards (Eq. 9 + format, the subject check, the image reading and the recall carried): `judge` is the
 * frozen evaluator's pairwise verdict, `evaluator` the same frozen model asked its caption checks
 * and its readings, `generate` the frozen generator's (memoised) draws.
 */
export function stage2Rewards(policyModel: SeerMini, judge: PairwiseJudge, generate: GenerateImages, config: Stage2Config, evaluator: SeerMini, initialReprompts?: ReadonlyMap<string, string>): RewardFunction<RepromptMeta>[] {
  const checked = config.subjectCheck > 0 ? [subjectCheckReward({ model: policyModel, checker: evaluator, weight: config.subjectCheck })] : [];
  const readings = drawnReadings(new SeerReader(evaluator), generate);
  const read = config.imageReading > 0 ? [imageReadingReward({ model: policyModel, readings, weight: config.imageReading, of: config.imageReadingOf })] : [];
  const carried = config.recallCarried > 0 ? [recallCarriedReward({ model: policyModel, weight: config.recallCarried, ...(config.recallCarriedGate === 'subject' ? { subjectGate: readings } : {}) })] : [];
  if (config.versusInitial > 0 && !initialReprompts) throw new Error('the versus-initial reward needs the initial policy\'s reprompts');
  const versus = config.versusInitial > 0 ? [relativeToInitialReward({ model: policyModel, judge, generate, soft: config.soft, orders: config.orders, seed: config.seed, weight: config.versusInitial, initialReprompts: initialReprompts! })] : [];
  const peers = config.versusPeers > 0 ? [versusPeersReward({ model: policyModel, judge, generate, soft: config.soft, orders: config.orders, seed: config.seed, weight: config.versusPeers })] : [];
  return [relativeToNaiveReward({ model: policyModel, judge, generate, soft: config.soft, orders: config.orders, seed: config.seed }), formatReward<RepromptMeta>(policyModel), ...checked, ...read, ...carried, ...versus, ...peers];
}

/** Stage 2's GRPO settings over `promptCount` prompts (also what `seer bench` times). */
export function stage2GrpoConfig(config: Stage2Config, promptCount: number): GrpoConfig {
  return parseGrpoConfig({
    numGenerations: config.numGenerations,
    generationBatchSize: config.numGenerations * config.promptsPerStep,
    maxSteps: Math.max(1, Math.round((config.epochs * promptCount) / config.promptsPerStep)),
    learningRate: config.learningRate,
    beta: config.beta,
    numIterations: 1,
    maxCompletionLength: config.maxCompletionLength,
    temperature: config.temperature,
    seed: config.seed,
    checkpointEvery: 10,
  });
}

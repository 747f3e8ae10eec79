/**
 * Pretraining replay during RL (beyond the paper): each optimizer step also takes the gradient of
 * a small batch of the base model's pretraining examples (src/pretrain/mix.ts: text-to-image, and
 * optionally its reprompt format), scaled by `weight`, before clipping. Text-to-image replay keeps
 * the shared blocks drawing while GRPO trains them to judge or reprompt, which is what lets one SEER
 * model judge, reprompt *and* draw (issue: Tables 4–5 when the trained model itself draws); replay
 * of the reprompt format keeps Stage 1 (judging) from wearing down the reprompting Stage 2 starts
 * from when it starts from the Stage-1 weights (one model); replay of yes/no questions about an image
 * (World-VQA's task) keeps RL from shifting the model's yes/no answers. Tasks are taken in turn, so a
 * task listed twice gets twice the examples. The paper trains Harmon's θ_und with θ_gen frozen and reports
 * generation unchanged (+0.02); SEER-Mini's blocks are shared by both modes and, without replay,
 * measured drift (docs/seer.md). Each step's examples derive from (seed, step index), so a resumed
 * run replays the same data.
 */
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { T, type Tensor } from '../engine/torch.ts';
import { PretrainMixer, REPLAY_TASKS } from '../pretrain/mix.ts';
import { tokenize } from '../pretrain/train.ts';
import type { SeerMini } from '../model/umm.ts';

export const replaySchema = z.object({
  weight: z.number().nonnegative().describe('scale of the replayed next-token loss (0 = off)').default(0),
  batch: z.number().int().positive().describe('replayed examples per optimizer step').default(8),
  tasks: z.array(z.enum(REPLAY_TASKS)).min(1).describe('the pretraining tasks replayed, in turn (t2i: keeps the shared blocks drawing; reprompt_format: keeps the language model reprompting while Stage 1 trains the judge; vqa: keeps its yes/no answers about an image)').default(['t2i']),
});
export type ReplayConfig = z.infer<typeof replaySchema>;
/** Replay off, with the schema's defaults (the stages' default setting). */
export const REPLAY_OFF: ReplayConfig = replaySchema.parse({});

/** The replay loss of optimizer step `index`: mean next-token loss of the step's examples, × weight. */
export function replayLoss(model: SeerMini, config: ReplayConfig, seed: number, index: number): Tensor {
  const rng = new Rng(seed).fork(`replay-${index}`);
  const mixer = new PretrainMixer(rng);
  const { contexts, targets } = tokenize(model, Array.from({ length: config.batch }, (_, k) => mixer.make(config.tasks[k % config.tasks.length]!)));
  const loss = model.lossOn(contexts, targets);
  return T.mulScalar(loss, config.weight);
}

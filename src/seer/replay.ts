/**
 * Pretraining replay during RL (beyond the paper): each optimizer step also takes the gradient of
 * a small batch of the base model's text-to-image examples (src/pretrain/mix.ts), scaled by
 * `weight`, before clipping. It keeps the shared blocks drawing while GRPO trains them to judge or
 * reprompt, which is what lets one SEER model judge, reprompt *and* draw (issue: Tables 4–5 when the
 * trained model itself draws). The paper trains Harmon's θ_und with θ_gen frozen and reports
 * generation unchanged (+0.02); SEER-Mini's blocks are shared by both modes and, without replay,
 * measured drift (docs/seer.md). Each step's examples derive from (seed, step index), so a resumed
 * run replays the same data.
 */
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { T, type Tensor } from '../engine/torch.ts';
import { PretrainMixer } from '../pretrain/mix.ts';
import { tokenize } from '../pretrain/train.ts';
import type { SeerMini } from '../model/umm.ts';

export const replaySchema = z.object({
  weight: z.number().nonnegative().describe('scale of the replayed next-token loss (0 = off)').default(0),
  batch: z.number().int().positive().describe('text-to-image examples per optimizer step').default(8),
});
export type ReplayConfig = z.infer<typeof replaySchema>;
/** Replay off, with the schema's defaults (the stages' default setting). */
export const REPLAY_OFF: ReplayConfig = replaySchema.parse({});

/** The replay loss of optimizer step `index`: mean next-token loss of the step's examples, × weight. */
export function replayLoss(model: SeerMini, config: ReplayConfig, seed: number, index: number): Tensor {
  const rng = new Rng(seed).fork(`replay-${index}`);
  const mixer = new PretrainMixer(rng);
  const { contexts, targets } = tokenize(model, Array.from({ length: config.batch }, () => mixer.make('t2i')));
  const loss = model.lossOn(contexts, targets);
  return T.mulScalar(loss, config.weight);
}

/**
 * SEER's rewards as plain GRPO reward functions (src/rl/trainer.ts):
 *  - format: 1 when the completion is `<think>…</think>\s*<answer>…</answer>` (both stages);
 *  - verdict (Stage 1, RLVR, Eq. 4): 1 when the judge's verdict matches the label;
 *  - relative-to-naive (Stage 2, RLMT, Eq. 9): 1 when SEER's own frozen evaluator prefers the image
 *    from the reprompt over the image from naive `instruction + prompt` (same image seed), or, as an
 *    option, the evaluator's probability of that preference (the paper's figure calls it P(Yes)).
 */
import { hasValidFormat, parseJudgeOutput, parseRepromptOutput } from '../model/templates.ts';
import type { SeerMini } from '../model/umm.ts';
import type { PairwiseJudge } from '../world/roles.ts';
import { naivePrompt } from '../world/roles.ts';
import type { RewardFunction } from '../rl/trainer.ts';
import { Rng, hashSeed } from '../core/rng.ts';

export function formatReward<M>(model: SeerMini, weight = 1): RewardFunction<M> {
  return { name: 'format', weight, score: (batch) => batch.map((x) => (hasValidFormat(model.decodeText(x.completion.tokens)) ? 1 : 0)) };
}

export interface JudgeMeta {
  label: 'A' | 'B';
}

export function verdictReward(model: SeerMini, weight = 1): RewardFunction<JudgeMeta> {
  return {
    name: 'verdict',
    weight,
    score: (batch) =>
      batch.map((x) => {
        const parsed = parseJudgeOutput(model.decodeText(x.completion.tokens));
        return parsed.ok && parsed.verdict === x.prompt.meta.label ? 1 : 0;
      }),
  };
}

export interface RepromptMeta {
  instruction: string;
  prompt: string;
  /** Image seed shared by the reprompt's image and the naive image. */
  imageSeed: number;
}

/**
 * Stage 2's endogenous reward. `generate` is the frozen generator, `judge` the frozen Stage-1
 * evaluator; the two images are shown in a seeded random order so position bias cannot pay.
 */
export function relativeToNaiveReward(options: {
  model: SeerMini;
  judge: PairwiseJudge;
  generate: (prompts: readonly string[], seeds: readonly number[]) => Promise<import('../world/image.ts').RgbImage[]>;
  soft?: boolean;
  weight?: number;
  seed?: number;
}): RewardFunction<RepromptMeta> {
  return {
    name: options.soft ? 'preference_prob' : 'preference',
    weight: options.weight ?? 1,
    score: async (batch) => {
      const parsed = batch.map((x) => parseRepromptOutput(options.model.decodeText(x.completion.tokens)));
      const valid = batch.map((_, i) => i).filter((i) => parsed[i]!.ok);
      if (valid.length === 0) return batch.map(() => 0);
      const reprompts = valid.map((i) => (parsed[i] as { reprompt: string }).reprompt);
      const naive = valid.map((i) => naivePrompt(batch[i]!.prompt.meta));
      const seeds = valid.map((i) => batch[i]!.prompt.meta.imageSeed);
      const [mine, theirs] = [await options.generate(reprompts, seeds), await options.generate(naive, seeds)];
      const order = valid.map((i) => new Rng(hashSeed(options.seed ?? 0, `${i}-${seeds[valid.indexOf(i)]}`)).bool());
      const answers = await options.judge.judge(
        valid.map((i, k) => {
          const m = batch[i]!.prompt.meta;
          const mineFirst = order[k] as boolean;
          return { instruction: m.instruction, prompt: m.prompt, imageA: mineFirst ? mine[k]! : theirs[k]!, imageB: mineFirst ? theirs[k]! : mine[k]! };
        }),
      );
      const out = batch.map(() => 0);
      valid.forEach((i, k) => {
        const a = answers[k]!;
        const mineFirst = order[k] as boolean;
        if (options.soft && a.probabilityA !== undefined) out[i] = mineFirst ? a.probabilityA : 1 - a.probabilityA;
        else out[i] = (mineFirst ? a.verdict === 'A' : a.verdict === 'B') ? 1 : 0;
      });
      return out;
    },
  };
}

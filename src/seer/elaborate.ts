/**
 * Endogenous reprompting at inference: think → reprompt → generate, with the model's own judge
 * deciding. Beyond the paper: `bestOf` samples N reprompts and keeps the one the judge most prefers
 * over the naive image; `rounds` retries (new sample) until the judge prefers the reprompt's image
 * over the naive one, up to K rounds — a simple form of the multi-turn refinement the paper lists as
 * future work (A.5).
 *
 * The judge compares each candidate with the naive image blind (src/roles/blind.ts). By default it
 * is asked in both orders and its preferences averaged, so the choice cannot depend on which slot
 * a candidate was shown in (a judge that always answers "a" prefers nothing); this doubles the
 * judge calls. With `orders: 'seeded'` it is asked once, all candidates of a round in the same
 * seeded order, so a position bias shifts them alike and best-of-N still ranks by content.
 */
import type { RgbImage } from '../image/image.ts';
import { judgeBlind, type BlindOrders } from '../roles/blind.ts';
import { naivePrompt, type ImageGenerator, type PairwiseJudge, type Reprompter } from '../roles/roles.ts';

export interface ElaborateResult {
  reasoning: string;
  reprompt: string;
  naiveImage: RgbImage;
  seerImage: RgbImage;
  /** The judge's probability that the SEER image beats the naive one (blind, see above). */
  preference: number;
  candidates: number;
  rounds: number;
}

export async function elaborate(options: {
  instruction: string;
  prompt: string;
  reprompter: Reprompter;
  generator: ImageGenerator;
  judge: PairwiseJudge;
  seed?: number;
  bestOf?: number;
  rounds?: number;
  orders?: BlindOrders;
}): Promise<ElaborateResult> {
  const seed = options.seed ?? 0;
  const request = { instruction: options.instruction, prompt: options.prompt };
  const [naiveImage] = await options.generator.generate([naivePrompt(request)], [seed]);
  let best: Omit<ElaborateResult, 'naiveImage' | 'candidates' | 'rounds'> | null = null;
  let candidates = 0;
  let round = 0;
  for (round = 1; round <= (options.rounds ?? 1); round++) {
    const n = options.bestOf ?? 1;
    const outs = await Promise.all(Array.from({ length: n }, (_, k) => options.reprompter.reprompt([request], { seed: seed + 1000 * round + k })));
    const reprompts = outs.map((o) => o[0]!);
    candidates += n;
    const images = await options.generator.generate(reprompts.map((r) => r.reprompt), reprompts.map(() => seed));
    const key = `${request.instruction}|${request.prompt}|${seed}|round ${round}`;
    const verdicts = await judgeBlind(options.judge, images.map((image) => ({ ...request, candidate: image, baseline: naiveImage!, key })), { seed, orders: options.orders ?? 'both' });
    verdicts.forEach(({ preference }, k) => {
      if (!best || preference > best.preference) {
        best = { reasoning: reprompts[k]!.reasoning ?? '', reprompt: reprompts[k]!.reprompt, seerImage: images[k]!, preference };
      }
    });
    if (best && (best as { preference: number }).preference > 0.5) break;
  }
  const chosen = best as unknown as Omit<ElaborateResult, 'naiveImage' | 'candidates' | 'rounds'>;
  return { ...chosen, naiveImage: naiveImage!, candidates, rounds: Math.min(round, options.rounds ?? 1) };
}

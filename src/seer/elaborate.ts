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
import { naivePrompt, type ImageGenerator, type PairwiseJudge, type Reprompter, type RepromptRequest } from '../roles/roles.ts';

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

export interface ElaborateOptions {
  reprompter: Reprompter;
  generator: ImageGenerator;
  judge: PairwiseJudge;
  bestOf?: number;
  rounds?: number;
  orders?: BlindOrders;
}

/** One request: `seed` is the image seed of its naive and SEER images (and seeds its reprompts). */
export type ElaborateRequest = RepromptRequest & { seed?: number };

export async function elaborate(options: ElaborateOptions & ElaborateRequest): Promise<ElaborateResult> {
  return (await elaborateMany([{ instruction: options.instruction, prompt: options.prompt, ...(options.seed === undefined ? {} : { seed: options.seed }) }], options))[0]!;
}

type Candidate = Omit<ElaborateResult, 'naiveImage' | 'candidates' | 'rounds'>;

/**
 * `elaborate` for many requests at once: each round reprompts, draws and judges every request
 * still unsatisfied in one batch per image seed (one call each to the reprompter, the generator
 * and the judge), so evaluation decodes 60 cases together instead of one at a time. A round's
 * reprompts of one seed come from one reprompter call seeded `seed + 1000·round`.
 */
export async function elaborateMany(requests: readonly ElaborateRequest[], options: ElaborateOptions): Promise<ElaborateResult[]> {
  const results = new Array<ElaborateResult>(requests.length);
  const n = options.bestOf ?? 1;
  for (const [seed, members] of groupBySeed(requests)) {
    const asks = members.map((i) => ({ instruction: requests[i]!.instruction, prompt: requests[i]!.prompt }));
    const naive = await options.generator.generate(asks.map((r) => naivePrompt(r)), asks.map(() => seed));
    const best: (Candidate | null)[] = asks.map(() => null);
    const candidates = asks.map(() => 0);
    const rounds = asks.map(() => 0);
    let open = asks.map((_, j) => j);
    for (let round = 1; round <= (options.rounds ?? 1) && open.length > 0; round++) {
      const rows = open.flatMap((j) => Array.from({ length: n }, () => j)); // n candidates of each open request
      const reprompts = await options.reprompter.reprompt(rows.map((j) => asks[j]!), { seed: seed + 1000 * round });
      const images = await options.generator.generate(reprompts.map((r) => r.reprompt), rows.map(() => seed));
      const verdicts = await judgeBlind(
        options.judge,
        rows.map((j, k) => ({ ...asks[j]!, candidate: images[k]!, baseline: naive[j]!, key: `${asks[j]!.instruction}|${asks[j]!.prompt}|${seed}|round ${round}` })),
        { seed, orders: options.orders ?? 'both' },
      );
      rows.forEach((j, k) => {
        candidates[j]! += 1;
        rounds[j] = round;
        const { preference } = verdicts[k]!;
        if (!best[j] || preference > best[j]!.preference) best[j] = { reasoning: reprompts[k]!.reasoning ?? '', reprompt: reprompts[k]!.reprompt, seerImage: images[k]!, preference };
      });
      open = open.filter((j) => best[j]!.preference <= 0.5);
    }
    members.forEach((i, j) => (results[i] = { ...best[j]!, naiveImage: naive[j]!, candidates: candidates[j]!, rounds: rounds[j]! }));
  }
  return results;
}

/** The indices of `requests` by image seed (a request without one has seed 0), in first-seen order: inference runs one batch per seed. */
export function groupBySeed(requests: readonly ElaborateRequest[]): Map<number, number[]> {
  const bySeed = new Map<number, number[]>();
  requests.forEach((r, i) => {
    const seed = r.seed ?? 0;
    if (!bySeed.has(seed)) bySeed.set(seed, []);
    bySeed.get(seed)!.push(i);
  });
  return bySeed;
}

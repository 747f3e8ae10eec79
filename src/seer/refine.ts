/**
 * Inference steered by the model's own reading (beyond the paper; its A.5 lists multi-turn
 * refinement as future work, and Reflect-DiT-style refinement feeds a judge's reasoning about the
 * previous image back). SEER's judge opens its reasoning with its reading of each image — its
 * caption, then its answers to "does the image show the subject of the prompt?" and "does the image
 * correctly follow the instruction?" (docs/model.md, "Caption checks"). Here that reading steers
 * the search instead of a pairwise verdict against the naive image:
 *  - each round samples `drafts` reprompts and checks each *text* as the caption of the image it
 *    asks for (the same two checks, before anything is drawn);
 *  - it draws the `draws` drafts whose texts read best — ranked by what the previous round's best
 *    image failed first (its subject, else the instruction), then by the other check — skipping texts
 *    already drawn;
 *  - it reads each drawn image and keeps the best image reading (subject first, then the
 *    instruction: the oracle's own order, paper A.2), ties to the better text reading, then to the
 *    earlier draw;
 *  - it stops once the kept image reads "subject yes, instruction yes", or after `rounds` rounds.
 * Measured on validation before it was built (`src/bench/exp/draft-checks.mts`, docs/seer.md):
 * picking among drawn drafts by the image reading raised the oracle's compliance and subject
 * kept, where the verdict against the naive image had not.
 *
 * SEER-Mini is too small to be conditioned on feedback it was never trained to read, so the
 * reading steers which drafts are drawn rather than being written into the next prompt.
 */
import type { RgbImage } from '../image/image.ts';
import { judgeBlind } from '../roles/blind.ts';
import { naivePrompt, type ImageGenerator, type PairwiseJudge, type Reprompter, type RepromptRequest } from '../roles/roles.ts';
import { groupBySeed, type ElaborateRequest, type ElaborateResult } from './elaborate.ts';

/** A reading of one image or text: does it show the prompt's subject, does it follow the instruction. */
export interface Reading {
  subject: boolean;
  instruction: boolean | null;
}

/** What reads images and texts with the model's own caption checks (`SeerReader`, ./roles.ts). */
export interface ImageReader {
  readonly name: string;
  /** Each text checked as the caption of the image it asks for. */
  checkTexts(items: readonly (RepromptRequest & { text: string })[]): Promise<Reading[]>;
  /** Each image described in the reader's own words, then checked. */
  readImages(items: readonly (RepromptRequest & { image: RgbImage })[]): Promise<(Reading & { caption: string })[]>;
}

export interface RefineOptions {
  reprompter: Reprompter;
  generator: ImageGenerator;
  reader: ImageReader;
  /** Asked, both orders, for the kept image's preference over the naive one (reported, never choosing). */
  judge: PairwiseJudge;
  /** Reprompts sampled (and their texts checked) per round. */
  drafts: number;
  /** Drafts drawn (and their images read) per round. */
  draws: number;
  rounds: number;
}

/** The A.2 order of a reading: the subject first, then the instruction. */
export function readingRank(r: Reading): number {
  return (r.subject ? 2 : 0) + (r.instruction === true ? 1 : 0);
}

/** A reading that passes both checks (an instruction the reader cannot check counts as passed). */
export function readsRight(r: Reading): boolean {
  return r.subject && r.instruction !== false;
}

/**
 * The order of a draft's text reading given what the kept image failed: the failed check counts
 * first (the subject when `failed` is null: nothing drawn yet).
 */
export function draftRank(text: Reading, failed: 'subject' | 'instruction' | null): number {
  return failed === 'instruction' ? 2 * (text.instruction === true ? 1 : 0) + (text.subject ? 1 : 0) : readingRank(text);
}

interface Drawn {
  reprompt: string;
  reasoning: string;
  image: RgbImage;
  text: Reading;
  read: Reading & { caption: string };
}

const better = (a: Drawn, b: Drawn) => readingRank(a.read) - readingRank(b.read) || readingRank(a.text) - readingRank(b.text);
const yesNo = (x: boolean | null) => (x === null ? '–' : x ? 'yes' : 'no');

/**
 * `refineMany`: every request still unsatisfied is handled in one batch per round and image seed
 * (one reprompter call seeded `seed + 1000·round`, one generator call, one reader call of each kind).
 */
export async function refineMany(requests: readonly ElaborateRequest[], options: RefineOptions): Promise<(ElaborateResult & { trace: string[] })[]> {
  const results = new Array<ElaborateResult & { trace: string[] }>(requests.length);
  for (const [seed, members] of groupBySeed(requests)) {
    const asks = members.map((i) => ({ instruction: requests[i]!.instruction, prompt: requests[i]!.prompt }));
    const naive = await options.generator.generate(asks.map(naivePrompt), asks.map(() => seed));
    const kept: (Drawn | null)[] = asks.map(() => null);
    const drawnTexts = asks.map(() => new Set<string>());
    const trace: string[][] = asks.map(() => []);
    const candidates = asks.map(() => 0);
    const rounds = asks.map(() => 0);
    let open = asks.map((_, j) => j);
    for (let round = 1; round <= options.rounds && open.length > 0; round++) {
      const rows = open.flatMap((j) => Array.from({ length: options.drafts }, () => j));
      const drafts = await options.reprompter.reprompt(rows.map((j) => asks[j]!), { seed: seed + 1000 * round });
      const texts = await options.reader.checkTexts(rows.map((j, k) => ({ ...asks[j]!, text: drafts[k]!.reprompt })));
      // Per open request, the drafts to draw: new texts, best text reading first.
      const chosen = open.flatMap((j) => {
        const k0 = rows.indexOf(j);
        const failed = kept[j] === null ? null : kept[j]!.read.subject ? 'instruction' : 'subject';
        const mine = Array.from({ length: options.drafts }, (_, d) => k0 + d).filter((k, d, all) => !drawnTexts[j]!.has(drafts[k]!.reprompt) && all.findIndex((x) => drafts[x]!.reprompt === drafts[k]!.reprompt) === d);
        mine.sort((a, b) => draftRank(texts[b]!, failed) - draftRank(texts[a]!, failed) || a - b);
        return mine.slice(0, options.draws).map((k) => ({ j, k }));
      });
      const images = chosen.length ? await options.generator.generate(chosen.map((c) => drafts[c.k]!.reprompt), chosen.map(() => seed)) : [];
      const reads = await options.reader.readImages(chosen.map((c, n) => ({ ...asks[c.j]!, image: images[n]! })));
      chosen.forEach((c, n) => {
        const d: Drawn = { reprompt: drafts[c.k]!.reprompt, reasoning: drafts[c.k]!.reasoning ?? '', image: images[n]!, text: texts[c.k]!, read: reads[n]! };
        drawnTexts[c.j]!.add(d.reprompt);
        candidates[c.j]! += 1;
        rounds[c.j] = round;
        trace[c.j]!.push(`round ${round}: "${d.reprompt}" (text: subject ${yesNo(d.text.subject)}, instruction ${yesNo(d.text.instruction)}) drew "${d.read.caption}" (subject ${yesNo(d.read.subject)}, instruction ${yesNo(d.read.instruction)})`);
        if (!kept[c.j] || better(d, kept[c.j]!) > 0) kept[c.j] = d;
      });
      open = open.filter((j) => kept[j] === null || !readsRight(kept[j]!.read));
    }
    // A request whose drafts were all already drawn keeps the naive prompt's image (nothing new to show).
    const finals = asks.map((a, j) => kept[j] ?? { reprompt: naivePrompt(a), reasoning: '', image: naive[j]!, text: { subject: true, instruction: null }, read: { subject: true, instruction: null, caption: '' } });
    const preference = await judgeBlind(options.judge, asks.map((a, j) => ({ ...a, candidate: finals[j]!.image, baseline: naive[j]!, key: `${a.instruction}|${a.prompt}|${seed}|refined` })), { seed, orders: 'both' });
    members.forEach((i, j) => {
      const f = finals[j]!;
      results[i] = { reasoning: f.reasoning, reprompt: f.reprompt, naiveImage: naive[j]!, seerImage: f.image, preference: preference[j]!.preference, candidates: candidates[j]!, rounds: rounds[j]!, trace: trace[j]! };
    });
  }
  return results;
}

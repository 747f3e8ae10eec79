/**
 * Blind pairwise judging: the one place that decides which of two images a `PairwiseJudge` sees as
 * image A, and that translates the judge's A/B answer back into "candidate vs baseline" terms.
 * The Stage-2 reward (candidate = the reprompt's image, baseline = the naive image), the win ratios
 * (candidate = SEER's image, baseline = the other system's) and inference best-of-N / rounds
 * (candidate = one sampled reprompt's image, baseline = the naive image) all judge through it, so
 * no caller swaps or un-swaps by hand. Stage 1's training pairs, which have a label instead of a
 * judge, take their two orders from `bothOrders`.
 *
 * Rules, each stated once here:
 *  - Order: `candidateFirst(seed, key)` is a fair seeded coin per key. Pairs that share a key are
 *    shown the same way round (e.g. all G completions of one GRPO group, or all N candidates of
 *    one best-of-N call), so a constant position bias moves every member alike and cannot decide
 *    between them; across keys the order is random, so position bias cannot pay on average.
 *  - `orders: 'both'` asks the judge in both orders and averages: the preference then does not
 *    depend on the order at all (a judge that always says "a" gets preference 0.5). It costs two
 *    judge calls per pair.
 *  - Ties are explicit. Byte-identical images are a tie with preference 0.5 without asking the
 *    judge (no judge can honestly prefer one of two equal images; asking would return the slot's
 *    bias). With several reads (both orders), the outcome follows the mean A.2 score of the reads
 *    (candidate 1, tie 0.5, baseline 0): above 0.5 candidate, below baseline, exactly 0.5 a tie — so
 *    two reads that contradict each other are a tie.
 *  - Preference = P(candidate is better): the judge's `probabilityA` taken from the candidate's
 *    side when the judge gives one, else the A.2 score of its verdict; averaged over the reads.
 *
 * Departure from the paper: the paper says only that Stage 2 compares the two images with the
 * evaluator (Eq. 9) and that raters saw pairs in random order (A.2); identical-image ties, shared
 * order per group and the both-orders option are ours.
 */
import { Rng, hashSeed } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import type { RgbImage } from '../image/image.ts';
import type { JudgeAnswer, JudgeQuery, PairwiseJudge } from './roles.ts';

export type BlindOutcome = 'candidate' | 'baseline' | 'tie';

export type BlindOrders = 'seeded' | 'both';

export interface BlindPair {
  instruction: string;
  prompt: string;
  candidate: RgbImage;
  baseline: RgbImage;
  /** With the seed, fixes the order; pairs with one key are shown the same way round. */
  key: string;
}

export interface BlindOptions {
  seed?: number;
  /** 'seeded' (default): one query per pair in the seeded order; 'both': both orders, averaged. */
  orders?: BlindOrders;
}

/** One question put to the judge, read from the candidate's side. */
export interface BlindRead {
  /** The candidate was image A in this query. */
  candidateFirst: boolean;
  /** This answer alone, un-swapped. */
  outcome: BlindOutcome;
  /** This answer's P(candidate better). */
  preference: number;
  /** The judge's raw answer, in its A/B terms. */
  answer: JudgeAnswer;
}

export interface BlindVerdict {
  outcome: BlindOutcome;
  /** P(candidate better) in [0, 1]; 0.5 for identical images. */
  preference: number;
  /** Candidate and baseline were byte-identical images; the judge was not asked. */
  identical: boolean;
  /** The seeded order: the candidate is (or, for identical images, would have been) image A. */
  candidateFirst: boolean;
  /** The questions asked, seeded order first; empty for identical images. */
  reads: BlindRead[];
}

/** A labelled pair in both orders, for training a judge: the positive as image A (label 'A'), then as B. */
export function bothOrders<T>(positive: T, negative: T): { images: [T, T]; label: 'A' | 'B' }[] {
  return [
    { images: [positive, negative], label: 'A' },
    { images: [negative, positive], label: 'B' },
  ];
}

/** Paper A.2 scoring of one outcome: candidate 1, tie 0.5, baseline 0. */
export function outcomeScore(outcome: BlindOutcome): number {
  return outcome === 'candidate' ? 1 : outcome === 'tie' ? 0.5 : 0;
}

/** The outcome a mean A.2 score stands for: above 0.5 candidate, below baseline, exactly 0.5 tie. */
export function outcomeOfScore(score: number): BlindOutcome {
  return score > 0.5 ? 'candidate' : score < 0.5 ? 'baseline' : 'tie';
}

/** The seeded coin: true when the candidate is shown as image A. */
export function candidateFirst(seed: number, key: string): boolean {
  return new Rng(hashSeed(seed, key)).bool();
}

export function identicalImages(a: RgbImage, b: RgbImage): boolean {
  return a.width === b.width && a.height === b.height && Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength).equals(Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength));
}

/** One answer, read from the candidate's side. */
function read(answer: JudgeAnswer, first: boolean, judge: string): BlindRead {
  const mine = first ? 'A' : 'B';
  const outcome: BlindOutcome = answer.verdict === 'tie' ? 'tie' : answer.verdict === mine ? 'candidate' : 'baseline';
  const p = answer.probabilityA;
  if (p === undefined) return { candidateFirst: first, outcome, preference: outcomeScore(outcome), answer };
  if (!(p >= 0 && p <= 1)) throw new SeerError('backend', `judge "${judge}" returned probabilityA = ${p}; it must be a probability in [0, 1]`);
  return { candidateFirst: first, outcome, preference: first ? p : 1 - p, answer };
}

/** Judge each pair blind; one verdict per pair, in order, in candidate-vs-baseline terms. */
export async function judgeBlind(judge: PairwiseJudge, pairs: readonly BlindPair[], options: BlindOptions = {}): Promise<BlindVerdict[]> {
  const seed = options.seed ?? 0;
  const both = (options.orders ?? 'seeded') === 'both';
  const plans = pairs.map((pair) => ({ identical: identicalImages(pair.candidate, pair.baseline), first: candidateFirst(seed, pair.key) }));
  const queries: JudgeQuery[] = [];
  const asked: { pair: number; first: boolean }[] = [];
  pairs.forEach((pair, i) => {
    const plan = plans[i]!;
    if (plan.identical) return;
    for (const first of both ? [plan.first, !plan.first] : [plan.first]) {
      queries.push({ instruction: pair.instruction, prompt: pair.prompt, imageA: first ? pair.candidate : pair.baseline, imageB: first ? pair.baseline : pair.candidate });
      asked.push({ pair: i, first });
    }
  });
  const answers = queries.length ? await judge.judge(queries) : [];
  if (answers.length !== queries.length) throw new SeerError('backend', `judge "${judge.name}" returned ${answers.length} answers for ${queries.length} queries; it must answer each query, in order`);
  const reads = pairs.map((): BlindRead[] => []);
  asked.forEach((a, q) => reads[a.pair]!.push(read(answers[q]!, a.first, judge.name)));
  return plans.map((plan, i) => {
    const r = reads[i]!;
    if (plan.identical) return { outcome: 'tie', preference: 0.5, identical: true, candidateFirst: plan.first, reads: [] };
    const score = r.reduce((s, x) => s + outcomeScore(x.outcome), 0) / r.length;
    const preference = r.reduce((s, x) => s + x.preference, 0) / r.length;
    return { outcome: outcomeOfScore(score), preference, identical: false, candidateFirst: plan.first, reads: r };
  });
}

/**
 * Tables 2–3: SEER against another reprompter (or system), judged pairwise by any `PairwiseJudge`
 * (the oracle stands in for the paper's six raters). For every test case and image seed, both
 * reprompts go through the same frozen generator with the same seed; the pair is judged blind
 * (src/roles/blind.ts: seeded order per case and seed, identical images a tie); the verdict scores
 * 1 / 0.5 / 0 (A.2). Each cell reports the win ratio over all votes, a 95% bootstrap interval that
 * resamples test cases, and a two-sided sign test over cases (a case's score is the mean over its
 * image seeds; cases at exactly 0.5 are ties and are dropped; `wins` / `losses` / `ties` count
 * cases).
 */
import { Rng } from '../core/rng.ts';
import type { TestRow } from '../data/schemas.ts';
import { judgeBlind } from '../roles/blind.ts';
import type { ImageGenerator, PairwiseJudge } from '../roles/roles.ts';
import type { RgbImage } from '../image/image.ts';
import { bootstrapClusterMean, caseSignTest, seerVerdict, verdictScore, type Verdict } from './stats.ts';
import { bySplit, round4, type SplitTable } from './splits.ts';

/**
 * The image seeds an evaluation draws every case with, derived once from its seed: the i-th is
 * `Rng(seed).fork('image-i')`, so every command and the main job draw the same images.
 */
export function evaluationImageSeeds(seed: number, count: number): number[] {
  return Array.from({ length: count }, (_, i) => new Rng(seed).fork(`image-${i}`).int(1 << 30));
}

export interface RatioCell {
  /** Votes: cases × image seeds. */
  n: number;
  cases: number;
  winRatio: number;
  low: number;
  high: number;
  /** Sign test over cases, tied cases dropped. */
  pValue: number;
  wins: number;
  losses: number;
  ties: number;
}

export interface WinRatioTable extends SplitTable<RatioCell> {
  /** One verdict per (case, image seed), in case order. */
  verdicts: { caseId: string; seed: number; verdict: Verdict; seerFirst: boolean }[];
  /** The judged images, aligned with `verdicts` (only with `keepImages`, e.g. for human-eval pairs). */
  images?: { seer: RgbImage; baseline: RgbImage }[];
}

/** One cell from the A.2 scores of each case's votes: win ratio, case bootstrap, case sign test. */
export function ratioCell(clusters: readonly (readonly number[])[], seed: number): RatioCell {
  const boot = bootstrapClusterMean(clusters, { seed });
  const sign = caseSignTest(clusters);
  return {
    n: clusters.reduce((s, c) => s + c.length, 0),
    cases: clusters.filter((c) => c.length > 0).length,
    winRatio: round4(boot.estimate),
    low: round4(boot.low),
    high: round4(boot.high),
    pValue: sign.pValue,
    wins: sign.wins,
    losses: sign.losses,
    ties: sign.ties,
  };
}

export async function winRatioTable(options: {
  rows: readonly TestRow[];
  seer: readonly string[];
  baseline: readonly string[];
  generator: ImageGenerator;
  /** Draws the baseline's images (Table 3: another UMM's own generator); default `generator`. */
  baselineGenerator?: ImageGenerator;
  judge: PairwiseJudge;
  imageSeeds: readonly number[];
  seed?: number;
  keepImages?: boolean;
}): Promise<WinRatioTable> {
  const { rows, seer, baseline, generator, judge, imageSeeds } = options;
  const seed = options.seed ?? 0;
  const cases = rows.flatMap((row, r) => imageSeeds.map((imageSeed) => ({ row, r, imageSeed })));
  const seerImages = await generator.generate(cases.map((c) => seer[c.r] as string), cases.map((c) => c.imageSeed));
  const baseImages = await (options.baselineGenerator ?? generator).generate(cases.map((c) => baseline[c.r] as string), cases.map((c) => c.imageSeed));
  const blind = await judgeBlind(
    judge,
    cases.map((c, i) => ({ instruction: c.row.instruction, prompt: c.row.prompt, candidate: seerImages[i]!, baseline: baseImages[i]!, key: `${c.row.id}-${c.imageSeed}` })),
    { seed },
  );
  const verdicts = cases.map((c, i) => ({ caseId: c.row.id, seed: c.imageSeed, verdict: seerVerdict(blind[i]!.outcome), seerFirst: blind[i]!.candidateFirst }));
  const table = bySplit((keep): RatioCell =>
    ratioCell(rows.filter(keep).map((row) => verdicts.filter((v) => v.caseId === row.id).map((v) => verdictScore(v.verdict))), seed),
  );
  return { ...table, verdicts, ...(options.keepImages ? { images: cases.map((_, i) => ({ seer: seerImages[i]!, baseline: baseImages[i]! })) } : {}) };
}

export function averageWords(reprompts: readonly string[]): number {
  return round4(reprompts.reduce((s, r) => s + r.trim().split(/\s+/).filter(Boolean).length, 0) / Math.max(1, reprompts.length));
}

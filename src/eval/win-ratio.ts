/**
 * Tables 2–3: SEER against another reprompter (or system), judged pairwise by any `PairwiseJudge`
 * (the oracle stands in for the paper's six raters). For every test case and image seed, both
 * reprompts go through the same frozen generator with the same seed; the two images are shown in a
 * seeded random order; the verdict scores 1 / 0.5 / 0 (A.2). Each cell reports the win ratio, a
 * 95% bootstrap interval that resamples test cases, and a two-sided sign-test p-value.
 */
import { Rng, hashSeed } from '../core/rng.ts';
import type { TestRow } from '../data/schemas.ts';
import type { ImageGenerator, PairwiseJudge } from '../world/roles.ts';
import { bootstrapClusterMean, signTest, verdictScore, type Verdict } from './stats.ts';
import { bySplit, round4, type SplitTable } from './splits.ts';

export interface RatioCell {
  n: number;
  winRatio: number;
  low: number;
  high: number;
  pValue: number;
}

export interface WinRatioTable extends SplitTable<RatioCell> {
  /** One verdict per (case, image seed), in case order. */
  verdicts: { caseId: string; seed: number; verdict: Verdict; seerFirst: boolean }[];
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
}): Promise<WinRatioTable> {
  const { rows, seer, baseline, generator, judge, imageSeeds } = options;
  const cases = rows.flatMap((row, r) => imageSeeds.map((seed) => ({ row, r, seed })));
  const seerImages = await generator.generate(cases.map((c) => seer[c.r] as string), cases.map((c) => c.seed));
  const baseImages = await (options.baselineGenerator ?? generator).generate(cases.map((c) => baseline[c.r] as string), cases.map((c) => c.seed));
  const order = cases.map((c) => new Rng(hashSeed(options.seed ?? 0, `${c.row.id}-${c.seed}`)).bool());
  const answers = await judge.judge(
    cases.map((c, i) => ({
      instruction: c.row.instruction,
      prompt: c.row.prompt,
      imageA: order[i] ? seerImages[i]! : baseImages[i]!,
      imageB: order[i] ? baseImages[i]! : seerImages[i]!,
    })),
  );
  const verdicts = cases.map((c, i) => {
    const a = answers[i]!.verdict;
    const v: Verdict = a === 'tie' ? 'tie' : (a === 'A') === order[i] ? 'seer' : 'baseline';
    return { caseId: c.row.id, seed: c.seed, verdict: v, seerFirst: order[i] as boolean };
  });
  const table = bySplit((keep): RatioCell => {
    const chosen = rows.filter(keep);
    const clusters = chosen.map((row) => verdicts.filter((v) => v.caseId === row.id).map((v) => verdictScore(v.verdict)));
    const flat = verdicts.filter((v) => chosen.some((row) => row.id === v.caseId)).map((v) => v.verdict);
    const boot = bootstrapClusterMean(clusters, { seed: options.seed ?? 0 });
    return { n: flat.length, winRatio: round4(boot.estimate), low: round4(boot.low), high: round4(boot.high), pValue: signTest(flat).pValue };
  });
  return { ...table, verdicts };
}

export function averageWords(reprompts: readonly string[]): number {
  return round4(reprompts.reduce((s, r) => s + r.trim().split(/\s+/).filter(Boolean).length, 0) / Math.max(1, reprompts.length));
}

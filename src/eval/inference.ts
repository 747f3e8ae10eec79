/**
 * Does spending more inference compute help? Beyond the paper: for each inference variant of
 * `elaborate` (one reprompt; best-of-N picked by the model's own judge; up to K rounds of retrying
 * until the own judge prefers the reprompt), every test case × image seed is drawn by the frozen
 * generator and compared with the naive image of the same seed by the *oracle* (not the model's
 * judge, which chose the candidate), blind (src/roles/blind.ts). Reports the win ratio vs naive
 * (A.2 scoring, case-level 95% bootstrap interval, sign test over cases with tied cases dropped —
 * the same cell as Tables 2–3), the oracle's mean compliance and the reprompts sampled per case.
 * The model's own judge picks in both orders (elaborate's default). All cases of a variant run
 * in one batch per round (`elaborateMany`). The `read-` variants pick by the model's own reading
 * of each draft and drawn image instead (src/seer/refine.ts), and run only when given a reader.
 */
import { OracleJudge, resolveQuery } from '../oracle/judge.ts';
import { judgeBlind, type BlindPair } from '../roles/blind.ts';
import type { ImageGenerator, PairwiseJudge, Reprompter } from '../roles/roles.ts';
import type { TestRow } from '../data/schemas.ts';
import { elaborateMany } from '../seer/elaborate.ts';
import { refineMany, type ImageReader } from '../seer/refine.ts';
import { verdictScore, seerVerdict } from './stats.ts';
import { round4 } from './splits.ts';
import { ratioCell, type RatioCell } from './win-ratio.ts';

export interface InferenceVariant {
  name: string;
  bestOf: number;
  rounds: number;
  /** Pick by the reader's checks (`refineMany`): `bestOf` drafts a round, `draws` of them drawn. */
  reading?: { draws: number };
}

export const DEFAULT_VARIANTS: readonly InferenceVariant[] = [
  { name: 'single', bestOf: 1, rounds: 1 },
  { name: 'best-of-4', bestOf: 4, rounds: 1 },
  { name: 'rounds-3', bestOf: 1, rounds: 3 },
  { name: 'read-best-of-4', bestOf: 4, rounds: 1, reading: { draws: 4 } },
  { name: 'read-rounds-3', bestOf: 4, rounds: 3, reading: { draws: 1 } },
];

export interface VariantResult extends Omit<RatioCell, 'winRatio'> {
  winRatioVsNaive: number;
  /** Oracle compliance in [0, 1] of the chosen image (0 when the subject is lost). */
  compliance: number;
  naiveCompliance: number;
  /** Reprompts drawn per case (the compute spent). */
  candidatesPerCase: number;
}

export async function inferenceVariants(options: {
  rows: readonly TestRow[];
  reprompter: Reprompter;
  generator: ImageGenerator;
  judge: PairwiseJudge;
  /** The model's reader; without one the `reading` variants are skipped. */
  reader?: ImageReader;
  imageSeeds: readonly number[];
  variants?: readonly InferenceVariant[];
  oracle?: OracleJudge;
}): Promise<Record<string, VariantResult>> {
  const oracle = options.oracle ?? new OracleJudge();
  const out: Record<string, VariantResult> = {};
  for (const variant of options.variants ?? DEFAULT_VARIANTS) {
    if (variant.reading && !options.reader) continue;
    const pairs: (BlindPair & { row: number })[] = [];
    let compliance = 0;
    let naiveCompliance = 0;
    let candidates = 0;
    // Every case and image seed at once (elaborateMany batches each round), in (case, seed) order.
    const asked = options.rows.flatMap((row) => options.imageSeeds.map((seed) => ({ instruction: row.instruction, prompt: row.prompt, seed })));
    const roles = { reprompter: options.reprompter, generator: options.generator, judge: options.judge };
    const results = variant.reading && options.reader
      ? await refineMany(asked, { ...roles, reader: options.reader, drafts: variant.bestOf, draws: variant.reading.draws, rounds: variant.rounds })
      : await elaborateMany(asked, { ...roles, bestOf: variant.bestOf, rounds: variant.rounds });
    for (const [r, row] of options.rows.entries()) {
      const { rule, subject } = resolveQuery(row.instruction, row.prompt);
      for (const [s, seed] of options.imageSeeds.entries()) {
        const result = results[r * options.imageSeeds.length + s]!;
        const [mine, naive] = oracle.assess([result.seerImage, result.naiveImage], rule, subject);
        pairs.push({ row: r, instruction: row.instruction, prompt: row.prompt, candidate: result.seerImage, baseline: result.naiveImage, key: `${row.id}-${seed}` });
        compliance += mine!.compliance;
        naiveCompliance += naive!.compliance;
        candidates += result.candidates;
      }
    }
    const scores = (await judgeBlind(oracle, pairs)).map((v) => verdictScore(seerVerdict(v.outcome)));
    const { winRatio, ...cell } = ratioCell(options.rows.map((_, r) => scores.filter((_, i) => pairs[i]!.row === r)), 0);
    const n = Math.max(1, cell.n);
    out[variant.name] = { ...cell, winRatioVsNaive: winRatio, compliance: round4(compliance / n), naiveCompliance: round4(naiveCompliance / n), candidatesPerCase: round4(candidates / n) };
  }
  return out;
}

/**
 * Does spending more inference compute help? Beyond the paper: for each inference variant of
 * `elaborate` (one reprompt; best-of-N picked by the model's own judge; up to K rounds of retrying
 * until the own judge prefers the reprompt), every test case × image seed is drawn by the frozen
 * generator and compared with the naive image of the same seed by the *oracle* (not the model's
 * judge, which chose the candidate). Reports the win ratio vs naive (A.2 scoring, case-level 95%
 * bootstrap interval, sign-test p), the oracle's mean compliance and the reprompts sampled per case.
 */
import { OracleJudge, resolveQuery, verdictOf } from '../world/judge.ts';
import type { ImageGenerator, PairwiseJudge, Reprompter } from '../world/roles.ts';
import type { TestRow } from '../data/schemas.ts';
import { elaborate } from '../seer/elaborate.ts';
import { bootstrapClusterMean, signTest, verdictScore, type Verdict } from './stats.ts';
import { round4 } from './splits.ts';

export interface InferenceVariant {
  name: string;
  bestOf: number;
  rounds: number;
}

export const DEFAULT_VARIANTS: readonly InferenceVariant[] = [
  { name: 'single', bestOf: 1, rounds: 1 },
  { name: 'best-of-4', bestOf: 4, rounds: 1 },
  { name: 'rounds-3', bestOf: 1, rounds: 3 },
];

export interface VariantResult {
  n: number;
  winRatioVsNaive: number;
  low: number;
  high: number;
  pValue: number;
  /** Oracle compliance in [0, 1] of the chosen image (0 when the subject is lost). */
  compliance: number;
  naiveCompliance: number;
  /** Reprompts sampled per case (the compute spent). */
  candidatesPerCase: number;
}

export async function inferenceVariants(options: {
  rows: readonly TestRow[];
  reprompter: Reprompter;
  generator: ImageGenerator;
  judge: PairwiseJudge;
  imageSeeds: readonly number[];
  variants?: readonly InferenceVariant[];
  oracle?: OracleJudge;
}): Promise<Record<string, VariantResult>> {
  const oracle = options.oracle ?? new OracleJudge();
  const out: Record<string, VariantResult> = {};
  for (const variant of options.variants ?? DEFAULT_VARIANTS) {
    const clusters: number[][] = [];
    const verdicts: Verdict[] = [];
    let compliance = 0;
    let naiveCompliance = 0;
    let candidates = 0;
    for (const row of options.rows) {
      const { rule, subject } = resolveQuery(row.instruction, row.prompt);
      const scores: number[] = [];
      for (const seed of options.imageSeeds) {
        const result = await elaborate({ instruction: row.instruction, prompt: row.prompt, reprompter: options.reprompter, generator: options.generator, judge: options.judge, seed, bestOf: variant.bestOf, rounds: variant.rounds });
        const [mine, naive] = oracle.assess([result.seerImage, result.naiveImage], rule, subject);
        const a = verdictOf(mine!, naive!).verdict;
        const verdict: Verdict = a === 'tie' ? 'tie' : a === 'A' ? 'seer' : 'baseline';
        verdicts.push(verdict);
        scores.push(verdictScore(verdict));
        compliance += mine!.compliance;
        naiveCompliance += naive!.compliance;
        candidates += result.candidates;
      }
      clusters.push(scores);
    }
    const n = verdicts.length;
    const boot = bootstrapClusterMean(clusters, { seed: 0 });
    out[variant.name] = {
      n,
      winRatioVsNaive: round4(boot.estimate),
      low: round4(boot.low),
      high: round4(boot.high),
      pValue: signTest(verdicts).pValue,
      compliance: round4(compliance / Math.max(1, n)),
      naiveCompliance: round4(naiveCompliance / Math.max(1, n)),
      candidatesPerCase: round4(candidates / Math.max(1, n)),
    };
  }
  return out;
}

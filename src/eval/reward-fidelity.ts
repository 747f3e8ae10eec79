/**
 * Reward fidelity: does SEER's own judge give Stage 2 the reward the oracle (standing in for human
 * raters) would? For each test case and image seed, the frozen generator draws the reprompt's image
 * and the naive image (the exact pair Eq. 9 compares); SEER's judge and the oracle each judge it
 * blind, in the same seeded order Stage 2 uses (roles/blind.ts). Reported:
 *  - `agreement`: share of pairs the oracle decides (not a tie) on which the judge picks the same
 *    image — the number that says whether Stage 2 optimises the right thing (target ≥ 0.85);
 *  - `oracleTies` / `identical`: pairs the oracle calls a tie, and pairs whose images are
 *    byte-identical (both earn 0.5 under the tie rule and say nothing about the judge);
 *  - `judgeOnTies`: what the judge answers when the oracle sees no difference (share "reprompt");
 *  - `rewardGap`: the judge's mean hard reward minus the oracle's on the same pairs (> 0: the
 *    judge is more generous than the raters would be — what a reward-hacking policy exploits);
 *  - `bothOrders`: the judge asked in both orders (Stage 2's `orders: 'both'` reward): on the
 *    pairs the oracle decides, the mean A.2 agreement (both reads right 1, a split 0.5, both wrong
 *    0) and the share it splits — a judge whose ties follow its slot splits them instead of
 *    guessing. The seeded numbers above are its first read, the one in the seeded order.
 * The paper has no such number; it is ours (issue: "no measure of the reward Stage 2 gets").
 */
import { finiteMean } from '../core/math.ts';
import type { TestRow } from '../data/schemas.ts';
import { judgeBlind, outcomeScore, type BlindVerdict } from '../roles/blind.ts';
import type { ImageGenerator, PairwiseJudge } from '../roles/roles.ts';
import { naivePrompt } from '../roles/roles.ts';
import { round4 } from './splits.ts';

export interface RewardFidelity {
  pairs: number;
  decided: number;
  agreement: number;
  oracleTies: number;
  identical: number;
  judgeOnTies: number;
  rewardGap: number;
  /** Agreement on the pairs where the oracle prefers the reprompt / the naive image. */
  agreementWhenRepromptWins: number;
  agreementWhenNaiveWins: number;
  /** The judge asked in both orders (absent in results written before 2026-12-06). */
  bothOrders?: { agreement: number; split: number } | undefined;
}

export async function rewardFidelity(options: {
  rows: readonly TestRow[];
  reprompts: readonly string[];
  generator: ImageGenerator;
  judge: PairwiseJudge;
  oracle: PairwiseJudge;
  imageSeeds: readonly number[];
  seed: number;
}): Promise<RewardFidelity> {
  const { rows, reprompts, generator, imageSeeds, seed } = options;
  const cases = rows.flatMap((row, r) => imageSeeds.map((imageSeed) => ({ row, r, imageSeed })));
  const mine = await generator.generate(cases.map((c) => reprompts[c.r]!), cases.map((c) => c.imageSeed));
  const naive = await generator.generate(cases.map((c) => naivePrompt(c.row)), cases.map((c) => c.imageSeed));
  const pairs = cases.map((c, i) => ({ instruction: c.row.instruction, prompt: c.row.prompt, candidate: mine[i]!, baseline: naive[i]!, key: `${c.row.id}-${c.imageSeed}` }));
  const asked = await judgeBlind(options.judge, pairs, { seed, orders: 'both' });
  // The seeded order's read alone (identical images were not asked: a tie either way).
  const byJudge = asked.map((v) => ({ outcome: v.reads[0]?.outcome ?? v.outcome }));
  const byOracle = await judgeBlind(options.oracle, pairs, { seed });
  const decided = byOracle.map((o, i) => ({ o, j: byJudge[i]! })).filter(({ o }) => o.outcome !== 'tie');
  const ties = byOracle.map((o, i) => ({ o, j: byJudge[i]! })).filter(({ o }) => o.outcome === 'tie' && !o.identical);
  const share = (xs: readonly { o: { outcome: string }; j: { outcome: string } }[]) => (xs.length ? round4(xs.filter(({ o, j }) => o.outcome === j.outcome).length / xs.length) : Number.NaN);
  return {
    pairs: pairs.length,
    decided: decided.length,
    agreement: share(decided),
    oracleTies: round4(byOracle.filter((o) => o.outcome === 'tie').length / Math.max(1, pairs.length)),
    identical: round4(byOracle.filter((o) => o.identical).length / Math.max(1, pairs.length)),
    judgeOnTies: ties.length ? round4(ties.filter(({ j }) => j.outcome === 'candidate').length / ties.length) : Number.NaN,
    rewardGap: round4(finiteMean(byJudge.map((v) => outcomeScore(v.outcome))) - finiteMean(byOracle.map((v) => outcomeScore(v.outcome)))),
    agreementWhenRepromptWins: share(decided.filter(({ o }) => o.outcome === 'candidate')),
    agreementWhenNaiveWins: share(decided.filter(({ o }) => o.outcome === 'baseline')),
    bothOrders: bothOrdersAgreement(byOracle, asked),
  };
}

/** Agreement of the both-orders judge with the oracle on the pairs the oracle decides. */
function bothOrdersAgreement(byOracle: readonly BlindVerdict[], asked: readonly BlindVerdict[]): { agreement: number; split: number } {
  const decided = byOracle.map((o, i) => ({ o, j: asked[i]! })).filter(({ o }) => o.outcome !== 'tie');
  if (decided.length === 0) return { agreement: Number.NaN, split: Number.NaN };
  const score = (o: BlindVerdict, j: BlindVerdict) => (j.outcome === 'tie' ? 0.5 : j.outcome === o.outcome ? 1 : 0);
  return {
    agreement: round4(finiteMean(decided.map(({ o, j }) => score(o, j)))),
    split: round4(decided.filter(({ j }) => j.outcome === 'tie').length / decided.length),
  };
}

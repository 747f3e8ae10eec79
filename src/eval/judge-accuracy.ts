/**
 * Table 1: evaluator accuracy on the VIE test quadruplets — total, ID and OOD, each overall /
 * Simple / Hard — for any `PairwiseJudge` (zero-shot, phase-1-only, SEER-Eval, the oracle …).
 * Every pair is judged in both orders (src/world/blind.ts, candidate = the positive) and each
 * order counts as one item; a tie or malformed answer counts as wrong, and so do both orders of a
 * pair whose two images are identical (the judge is not asked). Also reports position bias (share
 * of "A" answers among decided ones; 0.5 is unbiased).
 */
import { join } from 'node:path';
import { readJsonl } from '../core/io.ts';
import { readPng } from '../world/image.ts';
import { judgeBlind } from '../world/blind.ts';
import type { PairwiseJudge } from '../world/roles.ts';
import { testRowSchema } from '../data/schemas.ts';
import { bySplit, round4, type SplitTable } from './splits.ts';

export interface AccuracyCell {
  n: number;
  accuracy: number;
}

export interface JudgeAccuracy extends SplitTable<AccuracyCell> {
  answeredA: number;
}

export async function judgeAccuracy(judge: PairwiseJudge, dataDir: string, testset = join(dataDir, 'vie-test.jsonl')): Promise<JudgeAccuracy> {
  const rows = readJsonl(testset, testRowSchema).filter((r) => r.quadruplet);
  const pairs = [];
  for (const r of rows) {
    pairs.push({ instruction: r.instruction, prompt: r.prompt, candidate: await readPng(join(dataDir, r.quadruplet!.positive)), baseline: await readPng(join(dataDir, r.quadruplet!.negative)), key: r.id });
  }
  const verdicts = await judgeBlind(judge, pairs, { orders: 'both' });
  const items = verdicts.flatMap((v, i) => {
    const { split, difficulty } = rows[i]!;
    if (v.identical) return [0, 1].map(() => ({ split, difficulty, correct: false, verdict: 'tie' as const }));
    return v.reads.map((read) => ({ split, difficulty, correct: read.outcome === 'candidate', verdict: read.answer.verdict }));
  });
  const table = bySplit((keep): AccuracyCell => {
    const kept = items.filter(keep);
    return { n: kept.length, accuracy: kept.length ? round4(kept.filter((x) => x.correct).length / kept.length) : 0 };
  });
  const decided = items.filter((x) => x.verdict !== 'tie');
  return { ...table, answeredA: round4(decided.filter((x) => x.verdict === 'A').length / Math.max(1, decided.length)) };
}

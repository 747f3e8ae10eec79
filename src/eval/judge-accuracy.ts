/**
 * Table 1: evaluator accuracy on the VIE test quadruplets — total, ID and OOD, each overall /
 * Simple / Hard — for any `PairwiseJudge` (zero-shot, phase-1-only, SEER-Eval, the oracle …).
 * Every pair is judged in both orders; a tie or malformed answer counts as wrong. Also reports
 * position bias (share of "A" answers; 0.5 is unbiased).
 */
import { join } from 'node:path';
import { readJsonl } from '../core/io.ts';
import { readPng } from '../world/image.ts';
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
  const queries = [];
  const meta: { split: 'id' | 'ood'; difficulty: 'simple' | 'hard'; label: 'A' | 'B' }[] = [];
  for (const r of rows) {
    const pos = await readPng(join(dataDir, r.quadruplet!.positive));
    const neg = await readPng(join(dataDir, r.quadruplet!.negative));
    queries.push({ instruction: r.instruction, prompt: r.prompt, imageA: pos, imageB: neg });
    meta.push({ split: r.split, difficulty: r.difficulty, label: 'A' });
    queries.push({ instruction: r.instruction, prompt: r.prompt, imageA: neg, imageB: pos });
    meta.push({ split: r.split, difficulty: r.difficulty, label: 'B' });
  }
  const answers = await judge.judge(queries);
  const correct = answers.map((a, i) => a.verdict === meta[i]!.label);
  const table = bySplit((keep): AccuracyCell => {
    const idx = correct.map((_, i) => i).filter((i) => keep(meta[i]!));
    return { n: idx.length, accuracy: idx.length ? round4(idx.filter((i) => correct[i]).length / idx.length) : 0 };
  });
  const decided = answers.filter((a) => a.verdict !== 'tie');
  return { ...table, answeredA: round4(decided.filter((a) => a.verdict === 'A').length / Math.max(1, decided.length)) };
}

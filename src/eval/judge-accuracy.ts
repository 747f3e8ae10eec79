/**
 * Table 1: evaluator accuracy on judged VIE cases (a verified positive vs a verified hard
 * negative) — total, ID and OOD, each overall / Simple / Hard — for any `PairwiseJudge`
 * (zero-shot, phase-1-only, SEER-Eval, the oracle …), pooled over every negative kind and per kind
 * (data/negatives.ts), so "pick the image that is not plain" cannot score: only the `plain` kind is
 * the paper's (and this project's earlier) Table 1.
 *
 * Two image sources: the dataset's renders (`judgeAccuracy`), and the generator's own images drawn
 * from the cases' captions (`judgeAccuracyOnGenerated`) — what Stage 2's judge actually faces —
 * where a pair is kept only if the oracle verifies both images on the drawn pixels.
 * Every pair is judged in both orders (`scoreJudge`); a tie or malformed answer counts as wrong. Also reports
 * position bias (share of "A" answers among decided ones; 0.5 is unbiased).
 */
import { join } from 'node:path';
import { readJsonl } from '../core/io.ts';
import { NEGATIVE_KINDS, negativesOf, oracleAccepts, type NegativeKind } from '../data/negatives.ts';
import { testRowSchema, type TestRow } from '../data/schemas.ts';
import { readPng, type RgbImage } from '../image/image.ts';
import { judgeBlind } from '../roles/blind.ts';
import { findInstruction, paraphraseOf } from '../world/instructions.ts';
import type { OracleJudge } from '../oracle/judge.ts';
import type { ImageGenerator, PairwiseJudge } from '../roles/roles.ts';
import { bySplit, round4, type SplitKey, type SplitTable } from './splits.ts';

export interface AccuracyCell {
  n: number;
  accuracy: number;
}

export interface JudgeAccuracy extends SplitTable<AccuracyCell> {
  answeredA: number;
  /** Accuracy per negative kind (total over splits). */
  byKind: Partial<Record<NegativeKind, AccuracyCell>>;
  /** Judged cases (positive–negative pairs; each is judged twice). */
  pairs: number;
}

export interface JudgedCase extends SplitKey {
  kind: NegativeKind;
  instruction: string;
  prompt: string;
  positive: RgbImage;
  negative: RgbImage;
}

/**
 * Score a judge on judged cases: both orders each (roles/blind.ts, candidate = the positive), each
 * order one item; a pair whose two images are identical counts wrong in both orders (the judge is
 * not asked).
 */
export async function scoreJudge(judge: PairwiseJudge, cases: readonly JudgedCase[]): Promise<JudgeAccuracy> {
  const verdicts = await judgeBlind(judge, cases.map((c, i) => ({ instruction: c.instruction, prompt: c.prompt, candidate: c.positive, baseline: c.negative, key: String(i) })), { orders: 'both' });
  const items = verdicts.flatMap((v, i) => {
    const c = cases[i]!;
    if (v.identical) return [0, 1].map(() => ({ split: c.split, difficulty: c.difficulty, kind: c.kind, correct: false, verdict: 'tie' as const }));
    return v.reads.map((read) => ({ split: c.split, difficulty: c.difficulty, kind: c.kind, correct: read.outcome === 'candidate', verdict: read.answer.verdict }));
  });
  const cell = (keep: (m: (typeof items)[number]) => boolean): AccuracyCell => {
    const kept = items.filter(keep);
    return { n: kept.length, accuracy: kept.length ? round4(kept.filter((x) => x.correct).length / kept.length) : 0 };
  };
  const table = bySplit((keep) => cell((m) => keep(m)));
  const byKind: JudgeAccuracy['byKind'] = {};
  for (const kind of NEGATIVE_KINDS) {
    const c = cell((m) => m.kind === kind);
    if (c.n > 0) byKind[kind] = c;
  }
  const decided = items.filter((x) => x.verdict !== 'tie');
  return { ...table, byKind, pairs: cases.length, answeredA: round4(decided.filter((x) => x.verdict === 'A').length / Math.max(1, decided.length)) };
}

/** Judged negatives per case by default: 2 of up to 5 kinds (each kind then covers ~40% of cases). */
export const NEGATIVES_PER_CASE = 2;

/** Table 1 on the dataset's renders (`renderCases`); `paraphrased` asks them in paraphrases (`paraphrasedCases`). */
export async function judgeAccuracy(judge: PairwiseJudge, dataDir: string, testset = join(dataDir, 'vie-test.jsonl'), options: { kinds?: readonly NegativeKind[]; perCase?: number; paraphrased?: boolean } = {}): Promise<JudgeAccuracy> {
  const cases = await renderCases(dataDir, testset, options);
  return scoreJudge(judge, options.paraphrased ? paraphrasedCases(cases) : cases);
}

/** The judged cases of a test file on the dataset's renders. Image paths resolve against `dataDir`. */
export async function renderCases(dataDir: string, testset: string, options: { kinds?: readonly NegativeKind[]; perCase?: number } = {}): Promise<JudgedCase[]> {
  const rows = readJsonl(testset, testRowSchema).filter((r) => r.quadruplet);
  const cases: JudgedCase[] = [];
  for (const [i, r] of rows.entries()) {
    const positive = await readPng(join(dataDir, r.quadruplet!.positive));
    const stored: { kind: NegativeKind; image: string }[] = r.negatives ?? [{ kind: 'plain', image: r.quadruplet!.negative }];
    const chosen = options.kinds ? stored.filter((n) => options.kinds!.includes(n.kind)) : negativesOf(stored, i, options.perCase ?? NEGATIVES_PER_CASE);
    for (const n of chosen) {
      cases.push({ split: r.split, difficulty: r.difficulty, kind: n.kind, instruction: r.instruction, prompt: r.prompt, positive, negative: await readPng(join(dataDir, n.image)) });
    }
  }
  return cases;
}

/**
 * The same cases, each instruction asked in its paraphrase: a wording no pretraining task shows.
 * On the validation split (training instructions only) it stands in for instructions the model
 * never read, which only the test's OOD half otherwise has.
 */
export function paraphrasedCases(cases: readonly JudgedCase[]): JudgedCase[] {
  return cases.map((c) => ({ ...c, instruction: paraphraseOf(c.instruction) }));
}

/**
 * The judged cases redrawn by `generator` from their captions (one image seed per case), kept
 * where the oracle verifies the drawn positive (rule satisfied, subject kept) and the drawn
 * negative (fails). `verified` says what share of the attempted pairs survived.
 */
export async function generatedCases(rows: readonly TestRow[], generator: ImageGenerator, oracle: OracleJudge, seed: number, perCase = NEGATIVES_PER_CASE): Promise<{ cases: JudgedCase[]; attempted: number }> {
  const attempts = rows.flatMap((r, i) => negativesOf(r.negatives, i, perCase).map((n) => ({ r, i, n, seed: seed + 7919 * i })));
  const positives = await generator.generate(rows.map((r) => r.elaboration), rows.map((_, i) => seed + 7919 * i));
  const negatives = await generator.generate(attempts.map((a) => a.n.caption), attempts.map((a) => a.seed + 1));
  const cases: JudgedCase[] = [];
  attempts.forEach((a, j) => {
    const rule = findInstruction(a.r.instruction)?.rule ?? null;
    const positive = positives[a.i]!;
    if (oracleAccepts(oracle, positive, rule, a.r.subject) && !oracleAccepts(oracle, negatives[j]!, rule, a.r.subject)) {
      cases.push({ split: a.r.split, difficulty: a.r.difficulty, kind: a.n.kind, instruction: a.r.instruction, prompt: a.r.prompt, positive, negative: negatives[j]! });
    }
  });
  return { cases, attempted: attempts.length };
}

/** Table 1 on the generator's own images (see `generatedCases`). */
export async function judgeAccuracyOnGenerated(judge: PairwiseJudge, cases: { cases: JudgedCase[]; attempted: number }): Promise<JudgeAccuracy & { verified: number }> {
  return { ...(await scoreJudge(judge, cases.cases)), verified: round4(cases.cases.length / Math.max(1, cases.attempted)) };
}

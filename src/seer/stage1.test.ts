import { describe, expect, it } from 'vitest';
import { mkdtempSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie } from '../data/vie.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { answerTokens, buildJudgePrompts, otherSubjectPlain, trainEvaluator } from './stage1.ts';
import { SeerJudge } from './roles.ts';
import { judgeAccuracy } from '../eval/judge-accuracy.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { readJsonl } from '../core/io.ts';
import { trainRowSchema } from '../data/schemas.ts';
import { gradedNegativePairs, keepsSubject } from '../data/negatives.ts';

describe('the answer-only loss mask', () => {
  it('keeps the tokens after the first </think>, and every token when there is none', () => {
    const close = 7;
    expect(answerTokens(close)([6, 20, 21, 7, 8, 30, 9, 2])).toEqual([0, 0, 0, 0, 1, 1, 1, 1]);
    expect(answerTokens(close)([6, 20, 21])).toEqual([1, 1, 1]);
  });
});

describe('Stage 1 (RLVR) smoke run from the shipped base checkpoint on a small VIE set', () => {
  it('builds both-order judge prompts, trains both curriculum phases and measures Table 1 cells', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stage1-'));
    const data = join(dir, 'data');
    await buildVie(data, { seed: 1, promptsPerInstruction: 2, keep: 12, testInstructionsPerSplit: 5, testPromptsPerInstruction: 1 }, { quiet: true });
    // The shipped base writes the read judge's format (every step of a run's Stage 1), so rewards are not all 0.
    const { model } = loadSeerMini();
    const before = model.transformer.exportWeights().get('h0.qkv.w')!.data.slice();
    // The shipped base judges with its captions and its own checks of them: every prompt ends with that opening.
    expect(model.judgeDescriptions).toBe('read');
    const read = await buildJudgePrompts(model, data, 2, { maxRows: 3 });
    for (const p of read) expect(p.meta.opening).toMatch(/^<think> a shows .*\. b shows .*\. a: subject (yes|no), instruction (yes|no)\. b: subject (yes|no), instruction (yes|no)\.$/);
    for (const p of await buildJudgePrompts(model, data, 1, { maxRows: 3 })) expect(p.meta.opening).toMatch(/ a: subject (yes|no)\. b: subject (yes|no)\.$/); // phase 1: no instruction to check
    model.judgeDescriptions = 'written'; // the rest: the paper's judge, which writes its own reasoning

    const prompts = await buildJudgePrompts(model, data, 2, { maxRows: 3 });
    expect(prompts.map((p) => p.meta.label)).toEqual(['A', 'B', 'A', 'B', 'A', 'B']);
    expect(prompts.every((p) => p.meta.opening === undefined)).toBe(true);
    // Every verified negative kind per row: the one-negative recipe's pair is among them, and every
    // pair is shown in both orders, in its own block.
    const kinds = readJsonl(join(data, 'vie-train.jsonl'), trainRowSchema).slice(0, 3).map((r) => r.rlvr.phase2.negatives?.length ?? 1);
    const all = await buildJudgePrompts(model, data, 2, { maxRows: 3, negativesPerRow: 5 });
    expect(all).toHaveLength(2 * kinds.reduce((a, b) => a + b, 0));
    expect(kinds.some((k) => k > 1)).toBe(true);
    expect(new Set(all.map((p) => p.block)).size).toBe(all.length / 2);
    const same = (a: readonly number[], b: readonly number[]) => a.length === b.length && a.every((t, i) => t === b[i]);
    for (const p of prompts) expect(all.some((q) => q.meta.label === p.meta.label && same(q.context, p.context))).toBe(true);
    // Graded pairs: one more pair per row that has a better and a worse negative, in both orders, its own block.
    const rows = readJsonl(join(data, 'vie-train.jsonl'), trainRowSchema).slice(0, 3);
    const graded = await buildJudgePrompts(model, data, 2, { maxRows: 3, gradedPairsPerRow: 1 });
    const gradedRows = rows.filter((r) => gradedNegativePairs(r.rlvr.phase2.negatives, 0, 1).length > 0).length;
    expect(gradedRows).toBeGreaterThan(0);
    expect(graded).toHaveLength(prompts.length + 2 * gradedRows);
    expect(graded.filter((p) => p.block?.endsWith('-p2-g0'))).toHaveLength(2 * gradedRows);
    expect((await buildJudgePrompts(model, data, 1, { maxRows: 3, gradedPairsPerRow: 1, otherSubjectPairsPerRow: 1 })).some((p) => /-[go]\d/.test(p.block ?? ''))).toBe(false); // phase 1 has none
    // Other-subject pairs: a subject-keeping negative of the row (labelled better) over another row's plain picture of another subject.
    const other = await buildJudgePrompts(model, data, 2, { maxRows: 3, otherSubjectPairsPerRow: 1 });
    const otherRows = rows.filter((r) => (r.rlvr.phase2.negatives ?? []).some((n) => keepsSubject(n.kind))).length;
    expect(other).toHaveLength(prompts.length + 2 * otherRows);
    const pairs = other.filter((p) => p.block?.endsWith('-p2-o0'));
    expect(pairs.map((p) => p.meta.label)).toEqual(Array.from({ length: otherRows }, () => ['A', 'B']).flat());
    const allRows = readJsonl(join(data, 'vie-train.jsonl'), trainRowSchema);
    for (const [i, row] of allRows.entries()) {
      const file = otherSubjectPlain(allRows, i);
      const owner = allRows.find((r) => r.rlvr.phase2.negative === file);
      expect(owner?.subject).toBeDefined();
      expect(owner!.subject).not.toBe(row.subject);
    }
    expect(otherSubjectPlain([allRows[0]!], 0)).toBeNull();
    // Captioned descriptions: the same contexts, each ended by the reasoning's opening, which the meta carries.
    model.judgeDescriptions = 'captioned';
    const opened = await buildJudgePrompts(model, data, 2, { maxRows: 3 });
    model.judgeDescriptions = 'written';
    opened.forEach((p, i) => {
      expect(p.meta.opening).toMatch(/^<think> a shows .*\. b shows .*\.$/);
      expect(p.context).toEqual([...prompts[i]!.context, ...model.text.encode(p.meta.opening!)]);
    });

    model.judgeDescriptions = 'read'; // trained as `seer run` trains it: the shipped base's read judge writes the format (v19: 1.00 over a run's Stage 1)
    const { phase1, phase2 } = await trainEvaluator(model, data, join(dir, 'stage1'), {
      maxRows: 2, numGenerations: 2, promptsPerStep: 2, phase1Epochs: 1, phase2Epochs: 1, maxCompletionLength: 64, // the base's judge format: p99 54 tokens
    }, { quiet: true });
    expect(phase1.length).toBe(2);
    expect(phase2.length).toBe(2);
    for (const [phase, metrics, lr] of [[1, phase1, 1e-4], [2, phase2, 5e-5]] as const) {
      // Each phase's KL reference is the policy it starts from: exactly 0 before its first update.
      expect(metrics[0]!.kl, `phase ${phase}`).toBe(0);
      for (const m of metrics) {
        expect(m.learning_rate).toBe(lr);
        expect(m['rewards/format/mean']).toBe(1);
        // 4 completions per step, each verdict 0 or 1; the total is the sum of both (weights 1).
        expect(Number.isInteger(m['rewards/verdict/mean']! * 4)).toBe(true);
        expect(m.reward).toBeCloseTo(m['rewards/verdict/mean']! + m['rewards/format/mean']!, 12);
      }
    }
    // Some group had reward variance, so the weights moved.
    expect([...phase1, ...phase2].some((m) => m.grad_norm! > 0)).toBe(true);
    expect(model.transformer.exportWeights().get('h0.qkv.w')!.data).not.toEqual(before);
    expect(existsSync(join(dir, 'stage1', 'phase2', 'metrics.jsonl'))).toBe(true);
    expect(readFileSync(join(dir, 'stage1', 'phase2', 'metrics.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);

    const table = await judgeAccuracy(new SeerJudge(model), data);
    expect(table.total.n).toBeGreaterThan(0);
    expect(table.id.overall.n + table.ood.overall.n).toBe(table.total.n);
    // The oracle, judged by the same code, is near perfect on its own verified quadruplets.
    expect((await judgeAccuracy(new OracleJudge(), data)).total.accuracy).toBeGreaterThan(0.9);
  });
});

import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildVie, type VieSummary } from './vie.ts';
import { readJsonl } from '../core/io.ts';
import { candidateRowSchema, testRowSchema, trainRowSchema } from './schemas.ts';
import { TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { SUBJECTS_TEST, SUBJECTS_TRAIN, type Subject } from '../world/spec.ts';
import { SeerError } from '../core/errors.ts';
import { NEGATIVE_KINDS } from './negatives.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { findInstruction } from '../world/instructions.ts';
import { readPng } from '../image/image.ts';
import { parseCaption } from '../world/grammar.ts';

describe('VIE dataset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vie-'));
  let summary: VieSummary;
  beforeAll(async () => {
    summary = await buildVie(dir, { seed: 3 }, { quiet: true });
  });

  it('filters 600 candidates down to 300 balanced training rows', () => {
    expect(summary.candidates).toBe(600);
    expect(summary.passedAutoCheck).toBeGreaterThanOrEqual(300);
    expect(summary.passedAutoCheck).toBeLessThan(600);
    const train = readJsonl(join(dir, 'vie-train.jsonl'), trainRowSchema);
    expect(train).toHaveLength(300);
    for (const counts of Object.values(summary.counts)) expect(counts.train).toBe(50);
    for (const row of train) {
      expect(SUBJECTS_TRAIN as readonly string[]).toContain(row.subject);
      for (const image of [row.rlvr.phase1.positive, row.rlvr.phase1.negative, row.rlvr.phase2.positive]) expect(existsSync(join(dir, image))).toBe(true);
      expect(row.rlvr.phase2.negative).toBe(row.rlvr.phase1.positive);
    }
  });

  it('builds a 40-instruction test set, ID:OOD 1:1 and Simple:Hard 2:3, on unseen prompts', () => {
    const test = readJsonl(join(dir, 'vie-test.jsonl'), testRowSchema);
    const instructions = new Map(test.map((r) => [r.instruction_id, r]));
    expect(instructions.size).toBe(40);
    const rows = [...instructions.values()];
    expect(rows.filter((r) => r.split === 'id')).toHaveLength(20);
    expect(rows.filter((r) => r.difficulty === 'simple')).toHaveLength(16);
    expect(rows.filter((r) => r.split === 'id' && r.difficulty === 'simple')).toHaveLength(8);
    expect(test.length).toBe(120);
    const trainIds = new Set(TRAIN_INSTRUCTIONS.map((i) => i.id));
    for (const r of test) {
      expect(SUBJECTS_TEST as readonly string[]).toContain(r.subject);
      expect(trainIds.has(r.instruction_id)).toBe(r.split === 'id');
    }
    expect(test.filter((r) => r.quadruplet).length).toBeGreaterThan(100);
  });

  it('gives test cases oracle-verified hard negatives of every kind, which a "not plain" shortcut cannot pass', async () => {
    const test = readJsonl(join(dir, 'vie-test.jsonl'), testRowSchema);
    const oracle = new OracleJudge();
    for (const kind of NEGATIVE_KINDS) expect(summary.negatives[kind]!.test).toBeGreaterThan(kind === 'partial' ? 10 : 60);
    let nonPlain = 0;
    for (const r of test.slice(0, 40)) {
      const rule = findInstruction(r.instruction)!.rule;
      const [pos] = oracle.assess([await readPng(join(dir, r.quadruplet!.positive))], rule, r.subject);
      expect(pos!.satisfied && pos!.subjectKept).toBe(true);
      for (const n of r.negatives ?? []) {
        const [neg] = oracle.assess([await readPng(join(dir, n.image))], rule, r.subject);
        expect(neg!.satisfied && neg!.subjectKept).toBe(false);
        if (n.kind !== 'plain') nonPlain++;
      }
    }
    expect(nonPlain).toBeGreaterThan(40);
  });

  it('holds out a validation split: ID instructions, training subjects held out of RL, never a candidate or test pair', async () => {
    const val = readJsonl(join(dir, 'vie-val.jsonl'), testRowSchema);
    const candidateRows = readJsonl(join(dir, 'candidates.jsonl'), candidateRowSchema);
    const candidates = new Set(candidateRows.map((c) => `${c.instruction}|${c.prompt}`));
    const test = new Set(readJsonl(join(dir, 'vie-test.jsonl'), testRowSchema).map((r) => `${r.instruction}|${r.prompt}`));
    expect(val).toHaveLength(40);
    expect(summary.validation).toBe(40);
    const heldOut = new Set<Subject>(summary.validationSubjects);
    expect(heldOut.size).toBe(3);
    for (const s of heldOut) expect(SUBJECTS_TRAIN as readonly string[]).toContain(s);
    for (const r of val) {
      expect(r.split).toBe('id');
      expect(heldOut.has(r.subject)).toBe(true);
      expect(candidates.has(`${r.instruction}|${r.prompt}`)).toBe(false);
      expect(test.has(`${r.instruction}|${r.prompt}`)).toBe(false);
    }
    expect(new Set(val.map((r) => r.subject)).size).toBe(3);
    expect(val.filter((r) => (r.negatives?.length ?? 0) >= 3).length).toBeGreaterThan(25);
    // RL never sees a held-out subject: no candidate or training row asks for one, and the oracle
    // finds none in the training rows' subject-swapped negatives.
    for (const c of candidateRows) {
      const subject = parseCaption(c.prompt).spec.subject;
      expect(subject !== null && heldOut.has(subject), c.prompt).toBe(false);
    }
    const oracle = new OracleJudge();
    let swapped = 0;
    for (const row of readJsonl(join(dir, 'vie-train.jsonl'), trainRowSchema)) {
      expect(heldOut.has(row.subject)).toBe(false);
      const rule = findInstruction(row.instruction)!.rule;
      for (const n of (row.rlvr.phase2.negatives ?? []).filter((k) => k.kind === 'subject-swapped')) {
        const image = await readPng(join(dir, n.image));
        for (const s of heldOut) expect(oracle.assess([image], rule, s)[0]!.subjectKept).toBe(false);
        swapped++;
      }
    }
    expect(swapped).toBeGreaterThan(50);
    // Stage 2's validation: 50 instructions × 4 prompts of the held-out subjects, never a candidate or test pair.
    const stage2Val = readJsonl(join(dir, 'vie-val-stage2.jsonl'), testRowSchema);
    expect(stage2Val).toHaveLength(200);
    expect(summary.stage2Validation).toBe(200);
    expect(new Set(stage2Val.map((r) => r.instruction_id)).size).toBe(50);
    for (const r of stage2Val) {
      expect(heldOut.has(r.subject)).toBe(true);
      expect(candidates.has(`${r.instruction}|${r.prompt}`)).toBe(false);
      expect(test.has(`${r.instruction}|${r.prompt}`)).toBe(false);
    }
  });

  it('with valSubjects 0, validates on every training subject', async () => {
    const out = join(dir, 'all-subjects');
    const all = await buildVie(out, { seed: 3, promptsPerInstruction: 1, keep: 6, valSubjects: 0 }, { quiet: true });
    expect(all.validationSubjects).toEqual([]);
    const subjects = new Set(readJsonl(join(out, 'vie-val.jsonl'), testRowSchema).map((r) => r.subject));
    expect(subjects.size).toBeGreaterThan(3);
  });

  it('with valHeldInstructions, holds training instructions out of RL and validates on them in paraphrase, the test unchanged', async () => {
    const out = join(dir, 'held-instructions');
    const held = await buildVie(out, { seed: 3, promptsPerInstruction: 2, keep: 60, valHeldInstructions: 10 }, { quiet: true });
    expect(held.validationHeldInstructions).toHaveLength(10);
    const heldIds = new Set(held.validationHeldInstructions);
    const heldTexts = new Set(TRAIN_INSTRUCTIONS.filter((ins) => heldIds.has(ins.id)).flatMap((ins) => [ins.text, ...ins.paraphrases]));
    // Simple:Hard 2:3, as every instruction draw of the build.
    expect(TRAIN_INSTRUCTIONS.filter((ins) => heldIds.has(ins.id) && ins.difficulty === 'simple')).toHaveLength(4);
    // RL never sees them: no candidate, no training row.
    for (const c of readJsonl(join(out, 'candidates.jsonl'), candidateRowSchema)) expect(heldTexts.has(c.instruction)).toBe(false);
    for (const r of readJsonl(join(out, 'vie-train.jsonl'), trainRowSchema)) expect(heldIds.has(r.instruction_id)).toBe(false);
    // Both validation files ask them in their paraphrase, marked ood, beside RL's own instructions.
    for (const file of ['vie-val.jsonl', 'vie-val-stage2.jsonl']) {
      const rows = readJsonl(join(out, file), testRowSchema);
      const heldRows = rows.filter((r) => heldIds.has(r.instruction_id));
      expect(new Set(heldRows.map((r) => r.instruction_id)).size).toBe(10);
      for (const r of heldRows) {
        const ins = TRAIN_INSTRUCTIONS.find((i) => i.id === r.instruction_id)!;
        expect(r.instruction).toBe(ins.paraphrases[0]);
        expect(r.split).toBe('ood');
      }
      for (const r of rows.filter((row) => !heldIds.has(row.instruction_id))) expect(r.split).toBe('id');
    }
    expect(new Set(readJsonl(join(out, 'vie-val-stage2.jsonl'), testRowSchema).map((r) => r.instruction_id)).size).toBe(50);
    // The test set is drawn as without held-out instructions.
    const base = join(dir, 'held-instructions-none');
    await buildVie(base, { seed: 3, promptsPerInstruction: 2, keep: 60 }, { quiet: true });
    expect(readFileSync(join(out, 'vie-test.jsonl'), 'utf8')).toBe(readFileSync(join(base, 'vie-test.jsonl'), 'utf8'));
  });

  it('gives training rows phase-2 hard negatives beyond the plain picture', () => {
    const train = readJsonl(join(dir, 'vie-train.jsonl'), trainRowSchema);
    const kinds = new Set(train.flatMap((r) => (r.rlvr.phase2.negatives ?? []).map((n) => n.kind)));
    expect([...kinds].sort()).toEqual([...NEGATIVE_KINDS].sort());
    for (const r of train.slice(0, 20)) for (const n of r.rlvr.phase2.negatives ?? []) expect(existsSync(join(dir, n.image))).toBe(true);
  });

  it('writes the candidates file the human-verification study reads', () => {
    const rows = readJsonl(join(dir, 'candidates.jsonl'), candidateRowSchema);
    expect(rows).toHaveLength(600);
    expect(rows.filter((r) => r.auto_check === 'pass')).toHaveLength(summary.passedAutoCheck);
  });

  it('drops candidates that humans rejected', async () => {
    const train = readJsonl(join(dir, 'vie-train.jsonl'), trainRowSchema);
    const decisions = join(dir, 'decisions.jsonl');
    writeFileSync(decisions, train.slice(0, 5).map((r) => JSON.stringify({ id: r.id, decision: 'reject' })).join('\n'));
    const out = join(dir, 'again');
    const again = await buildVie(out, { seed: 3, humanDecisions: decisions }, { quiet: true });
    expect(again.rejectedByHumans).toBe(5);
    const kept = new Set(readJsonl(join(out, 'vie-train.jsonl'), trainRowSchema).map((r) => r.id));
    for (const r of train.slice(0, 5)) expect(kept.has(r.id)).toBe(false);
  });

  it('is deterministic per seed', async () => {
    const out = join(dir, 'same');
    await buildVie(out, { seed: 3 }, { quiet: true });
    expect(readFileSync(join(out, 'vie-test.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'vie-test.jsonl'), 'utf8'));
    expect(readFileSync(join(out, 'vie-train.jsonl'), 'utf8')).toBe(readFileSync(join(dir, 'vie-train.jsonl'), 'utf8'));
  });

  it('names file and line of a malformed row', () => {
    const bad = join(dir, 'bad.jsonl');
    const good = readFileSync(join(dir, 'vie-test.jsonl'), 'utf8').split('\n')[0];
    writeFileSync(bad, `${good}\n{"id": "x", "instruction": 3}\n`);
    expect(() => readJsonl(bad, testRowSchema)).toThrow(SeerError);
    expect(() => readJsonl(bad, testRowSchema)).toThrow(/bad\.jsonl:2: invalid row at "instruction"/);
  });
});

// Results of stored votes against hand-computed values (win ratio cells, per rater, sign test,
// Fleiss' κ, agreement with oracle and judge), verification decisions (majority, ties reject),
// the database's migrations, and the CLI end to end (create → results --json → decisions).
import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { migrate, migrations, openDatabase } from './db.ts';
import { makeCandidates, makeRun, png, tempDir } from './fixtures.testkit.ts';
import { decisionRowSchema, type Verdict } from './schemas.ts';
import { studyResults, type PairwiseResults, type VerificationResults } from './results.ts';
import { HumanEvalStore } from './store.ts';
import { createPairwiseStudy, createVerificationStudy } from './studies.ts';

function freshStore(label: string): { store: HumanEvalStore; dir: string } {
  const dir = tempDir(label);
  return { store: new HumanEvalStore(openDatabase(join(dir, 'he.sqlite'))), dir };
}

/** Vote so that the stored verdict is `verdict`, clicking the side where that image is for this rater. */
function voteFor(store: HumanEvalStore, raterId: number, itemId: number, verdict: Verdict): void {
  const { seer_left } = store.db.prepare('SELECT seer_left FROM assignments WHERE rater_id = ? AND item_id = ?').get(raterId, itemId) as { seer_left: number };
  const choice = verdict === 'tie' ? 'tie' : (verdict === 'seer') === (seer_left === 1) ? 'left' : 'right';
  expect(store.vote(raterId, itemId, choice, null)).not.toBeNull();
}

describe('pairwise results by hand', () => {
  it('win ratio cells, per rater, sign test and Fleiss κ', () => {
    const { store, dir } = freshStore('results');
    // cases 0..5 × 2 seeds; case c: split id if c even; difficulty simple for c < 3
    const { run } = makeRun(dir, { cases: 6, seeds: 2, baselines: ['base'] });
    const { study, raters } = createPairwiseStudy(store, { run, raters: 2 });
    const [r1, r2] = raters;
    if (!r1 || !r2) throw new Error('two raters expected');
    for (const item of store.items(study.id)) {
      voteFor(store, r1.id, item.id, item.split === 'id' ? 'seer' : 'baseline'); // rater 1: SEER on ID, baseline on OOD
      voteFor(store, r2.id, item.id, item.difficulty === 'hard' ? 'seer' : 'tie'); // rater 2: SEER on hard, tie on simple
    }
    const result = studyResults(store, study.id, { resamples: 500, seed: 1 }) as PairwiseResults;
    const b = result.baselines[0];
    if (!b) throw new Error('one baseline expected');
    // ID simple = cases 0, 2 (4 items): r1 1, r2 0.5 → 6/8
    expect(b.cells.id.simple).toEqual({ votes: 8, seer: 4, tie: 4, baseline: 0, win_ratio: 0.75 });
    // ID hard = case 4: both SEER → 1; OOD simple = case 1: 0 and 0.5 → 0.25; OOD hard = cases 3, 5: 0 and 1 → 0.5
    expect(b.cells.id.hard.win_ratio).toBe(1);
    expect(b.cells.ood.simple.win_ratio).toBe(0.25);
    expect(b.cells.ood.hard.win_ratio).toBe(0.5);
    // all: r1 6 of 12, r2 6 + 6·0.5 = 9 of 12 → 15/24
    expect(b.win_ratio).toBe(0.625);
    expect(b.cells.all.all.win_ratio).toBe(0.625);
    expect(b.per_rater.map((r) => r.win_ratio)).toEqual([0.5, 0.75]);
    // Sign test over cases (4 votes each: 2 seeds × 2 raters), not the 24 votes: case means
    // c0 0.75, c1 0.25, c2 0.75, c3 0.5, c4 1, c5 0.5 → 3 wins, 1 loss, 2 ties dropped;
    // p = 2·Σ_{k≤1} C(4,k) / 2^4 = 10/16 (the vote-level test would claim 12:6, p ≈ 0.24)
    expect(b.sign_test).toEqual({ wins: 3, losses: 1, ties: 2, p_value: expect.closeTo(10 / 16, 10), unit: 'test case' });
    // agreeing items: case 4 only (2 of 12) → P̄ = 1/6; p = (12, 6, 6)/24 → P̄e = 0.375; κ = (1/6 − 0.375)/0.625 = −1/3
    expect(b.fleiss_kappa.kappa).toBeCloseTo(-1 / 3, 12);
    expect(b.fleiss_kappa.items).toBe(12);
    expect(b.interval.low).toBeLessThan(0.625);
    expect(b.interval.high).toBeGreaterThan(0.625);
    expect(b.interval.unit).toBe('test case');
    // the same votes and seed give the same interval
    expect((studyResults(store, study.id, { resamples: 500, seed: 1 }) as PairwiseResults).baselines[0]?.interval).toEqual(b.interval);
    store.close();
  });

  it('agreement of humans with the oracle and with SEER’s judge', () => {
    const { store, dir } = freshStore('agreement');
    writeFileSync(join(dir, 's.png'), png(1, 1));
    writeFileSync(join(dir, 'b.png'), png(2, 2));
    const base = { instruction: 'i', prompt: 'p', category: 'semantic edit', difficulty: 'simple', split: 'id', seed: 0, baseline: 'base', seer_image: 's.png', baseline_image: 'b.png' };
    const rows = [
      { ...base, case_id: 'c1', oracle_verdict: 'seer', judge_verdict: 'seer' },
      { ...base, case_id: 'c2', oracle_verdict: 'seer', judge_verdict: 'baseline' },
      { ...base, case_id: 'c3', oracle_verdict: 'baseline', judge_verdict: 'baseline' },
      { ...base, case_id: 'c4', oracle_verdict: 'tie' },
    ];
    writeFileSync(join(dir, 'pairs.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n'));
    const { study, raters } = createPairwiseStudy(store, { pairs: join(dir, 'pairs.jsonl'), raters: 2 });
    const human: Record<string, [Verdict, Verdict]> = { c1: ['seer', 'seer'], c2: ['seer', 'baseline'], c3: ['baseline', 'baseline'], c4: ['tie', 'seer'] };
    for (const item of store.items(study.id)) {
      const [a, b] = human[item.case_id] ?? ['tie', 'tie'];
      voteFor(store, raters[0]?.id ?? 0, item.id, a);
      voteFor(store, raters[1]?.id ?? 0, item.id, b);
    }
    const b = (studyResults(store, study.id) as PairwiseResults).baselines[0];
    // oracle per vote: c1 2/2, c2 1/2, c3 2/2, c4 1/2 → 6/8; majorities c1 seer ✓, c3 baseline ✓ (c2, c4 have none)
    expect(b?.oracle).toEqual({ votes: 8, vote_agreement: 0.75, items: 2, majority_agreement: 1, cohen_kappa: 1 });
    // judge per vote (c4 has no judge verdict): c1 2/2, c2 1/2, c3 2/2 → 5/6
    expect(b?.judge.votes).toBe(6);
    expect(b?.judge.vote_agreement).toBeCloseTo(5 / 6, 12);
    expect(b?.judge.items).toBe(2);
    store.close();
  });

  it('splits results per baseline and leaves cells without votes empty', () => {
    const { store, dir } = freshStore('baselines');
    const { run } = makeRun(dir, { cases: 2, baselines: ['base', 'bagel'] });
    const { study, raters } = createPairwiseStudy(store, { run, raters: 1 });
    for (const item of store.items(study.id)) voteFor(store, raters[0]?.id ?? 0, item.id, item.baseline === 'base' ? 'seer' : 'baseline');
    const r = studyResults(store, study.id) as PairwiseResults;
    expect(r.baselines.map((b) => [b.baseline, b.win_ratio])).toEqual([['bagel', 0], ['base', 1]]);
    expect(r.baselines[0]?.cells.id.hard.votes).toBe(0);
    expect(r.baselines[0]?.cells.id.hard.win_ratio).toBeNaN();
    expect(JSON.parse(JSON.stringify(r)).baselines[0].cells.id.hard.win_ratio).toBeNull();
    store.close();
  });
});

describe('verification decisions', () => {
  it('majority decides; a tie, and no vote at all, is a reject', () => {
    const { store, dir } = freshStore('verify');
    const { file } = makeCandidates(dir, 6); // pass: 0, 1, 3, 4
    const { study, raters, skipped } = createVerificationStudy(store, { candidates: file, raters: 3 });
    expect(skipped).toBe(2);
    const ids = new Map(store.items(study.id).map((i) => [i.case_id, i.id]));
    const plan: Record<string, ('approve' | 'reject')[]> = { 'cand-0': ['approve', 'approve', 'reject'], 'cand-1': ['approve', 'reject'], 'cand-3': ['reject', 'reject', 'reject'] };
    for (const [id, choices] of Object.entries(plan)) choices.forEach((c, k) => store.vote(raters[k]?.id ?? 0, ids.get(id) ?? 0, c, null));
    const r = studyResults(store, study.id) as VerificationResults;
    expect(r.decisions).toEqual([
      { id: 'cand-0', decision: 'approve', votes: { approve: 2, reject: 1 } },
      { id: 'cand-1', decision: 'reject', votes: { approve: 1, reject: 1 } },
      { id: 'cand-3', decision: 'reject', votes: { approve: 0, reject: 3 } },
      { id: 'cand-4', decision: 'reject', votes: { approve: 0, reject: 0 } },
    ]);
    for (const d of r.decisions) decisionRowSchema.parse(d);
    expect(r).toMatchObject({ approved: 1, rejected: 3, unvoted: 1, candidates: 4, votes: 8 });
    store.close();
  });
});

describe('database', () => {
  it('migrates a new database to the latest version, reopens idempotently, keeps WAL and FULL sync', () => {
    const dir = tempDir('db');
    const path = join(dir, 'x.sqlite');
    const db = openDatabase(path);
    expect(db.pragma('user_version', { simple: true })).toBe(migrations.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    expect(migrate(db)).toEqual({ from: 1, to: 1 });
    db.close();
    openDatabase(path).close();
  });

  it('applies only newer migrations, and refuses a database from a newer seer or a non-database file', () => {
    const dir = tempDir('db2');
    const raw = new Database(join(dir, 'm.sqlite'));
    const extra = [...migrations, { version: 2, description: 'test', sql: 'CREATE TABLE extra (x INTEGER);' }];
    expect(migrate(raw, migrations)).toEqual({ from: 0, to: 1 });
    expect(migrate(raw, extra)).toEqual({ from: 1, to: 2 });
    raw.close();
    expect(() => openDatabase(join(dir, 'm.sqlite'))).toThrow(/schema version 2 is newer than this seer understands \(1\)/);
    writeFileSync(join(dir, 'junk.sqlite'), 'this is not sqlite at all, not even close, definitely not a header');
    expect(() => openDatabase(join(dir, 'junk.sqlite'))).toThrow(/not a usable human-eval database/);
  });
});

describe('CLI', () => {
  const seer = (args: string[]) => execFileSync(process.execPath, ['bin/seer.mjs', 'humaneval', ...args], { encoding: 'utf8', cwd: process.cwd() });

  it('create from a run → results --json; create --candidates → decisions file the dataset builder can read', () => {
    const dir = tempDir('cli');
    const db = join(dir, 'he.sqlite');
    const { run } = makeRun(dir, { cases: 2, baselines: ['base', 'bagel'] });
    const created = JSON.parse(seer(['create', '--db', db, '--run', run, '--vs', 'base', '--raters', '2', '--json']));
    expect(created.items).toBe(2);
    expect(created.raters).toHaveLength(2);
    expect(created.raters[0].link).toMatch(/^http:\/\/127\.0\.0\.1:8787\/rate#t=/);
    const results = JSON.parse(seer(['results', '--db', db, '--study', created.study.id, '--json', '--csv', join(dir, 'r.csv')]));
    expect(results.kind).toBe('pairwise');
    expect(results.baselines[0].votes).toBe(0);
    expect(readFileSync(join(dir, 'r.csv'), 'utf8').split('\n')[0]).toMatch(/^baseline,split,difficulty,votes/);
    const { file } = makeCandidates(dir, 3);
    const v = JSON.parse(seer(['create', '--db', db, '--candidates', file, '--raters', '1', '--json']));
    const out = join(dir, 'decisions.jsonl');
    expect(seer(['decisions', '--db', db, '--study', v.study.id, '--out', out])).toMatch(/wrote 2 decisions \(0 approve, 2 reject\)/);
    const rows = readFileSync(out, 'utf8').trim().split('\n').map((l) => decisionRowSchema.parse(JSON.parse(l)));
    expect(rows.map((r) => r.id)).toEqual(['cand-0', 'cand-1']);
    expect(seer(['list', '--db', db])).toContain(created.study.id);
  });

  it('a bad source is a one-line error, not a stack trace', () => {
    const dir = tempDir('cli-bad');
    let stderr = '';
    try {
      execFileSync(process.execPath, ['bin/seer.mjs', 'humaneval', 'create', '--db', join(dir, 'x.sqlite'), '--run', join(dir, 'none')], { encoding: 'utf8', stdio: 'pipe' });
    } catch (error) {
      stderr = String((error as { stderr: string }).stderr);
    }
    expect(stderr).toMatch(/^seer: .*pairs\.jsonl: pairs file not found/);
    expect(stderr).not.toMatch(/at .*\.ts:\d+/);
  });
});

/**
 * The human-evaluation store: every read and write the app and the CLI make, as parameterised
 * statements over the database of db.ts. Raters are identified by secret tokens of which only
 * the SHA-256 is stored; each rater gets their own item order and left/right sides, drawn from
 * the study's seed (reproducible) and stored, so a reload or a restart shows the same layout.
 */
import { createHash, randomBytes } from 'node:crypto';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';
import type Database from 'better-sqlite3';
import type { Db } from './db.ts';
import type { NewItem } from './sources.ts';
import type { Choice, StudyKind, Verdict } from './schemas.ts';

export interface Study {
  id: string;
  kind: StudyKind;
  name: string;
  source: string;
  seed: number;
  created_at: string;
}

export interface StudySummary extends Study {
  items: number;
  raters: number;
  votes: number;
}

export interface Rater {
  id: number;
  study_id: string;
  name: string;
  created_at: string;
}

export interface InvitedRater extends Rater {
  /** The secret; shown once, only its hash is stored. */
  token: string;
}

/** An item as one rater sees it: sides resolved, no hint of which image is SEER's. */
export interface RaterItem {
  item_id: number;
  position: number;
  instruction: string;
  prompt: string;
  choice: Choice | null;
}

/** A vote joined with its item, for results and export. */
export interface VoteRecord {
  rater_id: number;
  rater_name: string;
  item_id: number;
  key: string;
  case_id: string;
  category: string;
  difficulty: 'simple' | 'hard';
  split: 'id' | 'ood' | null;
  seed: number | null;
  baseline: string | null;
  seer_left: number;
  choice: Choice;
  verdict: Verdict | 'approve' | 'reject';
  oracle_verdict: Verdict | null;
  judge_verdict: Verdict | null;
  ms: number | null;
  revisions: number;
  created_at: string;
  updated_at: string;
}

export interface ItemRecord {
  id: number;
  key: string;
  case_id: string;
  category: string;
  difficulty: 'simple' | 'hard';
  split: 'id' | 'ood' | null;
  seed: number | null;
  baseline: string | null;
  oracle_verdict: Verdict | null;
  judge_verdict: Verdict | null;
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

function slug(text: string): string {
  const s = text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40).replace(/-+$/, '');
  return s || 'study';
}

/** Canonical verdict of a pairwise click given the rater's sides. */
export function verdictOf(choice: Choice, seerLeft: boolean): Verdict | 'approve' | 'reject' {
  if (choice === 'tie' || choice === 'approve' || choice === 'reject') return choice;
  return (choice === 'left') === seerLeft ? 'seer' : 'baseline';
}

export interface VoteRequest {
  raterId: number;
  itemId: number;
  choice: Choice;
  ms: number | null;
}

export type VoteOutcome = { verdict: string; revisions: number } | null;

export class HumanEvalStore {
  private readonly statements = new Map<string, Database.Statement>();

  constructor(readonly db: Db) {}

  /** A prepared statement, compiled once per store (preparing costs more than running). */
  private sql(source: string): Database.Statement {
    let statement = this.statements.get(source);
    if (!statement) {
      statement = this.db.prepare(source);
      this.statements.set(source, statement);
    }
    return statement;
  }

  close(): void {
    this.db.close();
  }

  createStudy(spec: { kind: StudyKind; name: string; source: string; seed: number }, items: readonly NewItem[]): Study {
    const id = `${slug(spec.name)}-${randomBytes(3).toString('hex')}`;
    const study: Study = { id, kind: spec.kind, name: spec.name, source: spec.source, seed: spec.seed >>> 0, created_at: new Date().toISOString() };
    const insertImage = this.sql('INSERT OR IGNORE INTO images (sha256, png, width, height) VALUES (?, ?, ?, ?)');
    const insertItem = this.sql(
      `INSERT INTO items (study_id, key, case_id, instruction, prompt, category, difficulty, split, seed, baseline,
                          image_a, image_b, oracle_verdict, judge_verdict)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.db.transaction(() => {
      this.db
        .prepare('INSERT INTO studies (id, kind, name, source, seed, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(study.id, study.kind, study.name, study.source, study.seed, study.created_at);
      for (const item of items) {
        for (const image of [item.imageA, item.imageB]) if (image) insertImage.run(image.sha256, image.png, image.width, image.height);
        insertItem.run(
          id, item.key, item.caseId, item.instruction, item.prompt, item.category, item.difficulty, item.split, item.seed,
          item.baseline, item.imageA.sha256, item.imageB?.sha256 ?? null, item.oracleVerdict, item.judgeVerdict,
        );
      }
    })();
    return study;
  }

  study(id: string): Study | null {
    return (this.sql('SELECT id, kind, name, source, seed, created_at FROM studies WHERE id = ?').get(id) as Study | undefined) ?? null;
  }

  requireStudy(id: string): Study {
    const study = this.study(id);
    if (!study) throw new SeerError('not_found', `no study "${id}" (list them with: seer humaneval list)`);
    return study;
  }

  listStudies(): StudySummary[] {
    return this.sql(
        `SELECT s.id, s.kind, s.name, s.source, s.seed, s.created_at,
                (SELECT COUNT(*) FROM items i WHERE i.study_id = s.id) AS items,
                (SELECT COUNT(*) FROM raters r WHERE r.study_id = s.id) AS raters,
                (SELECT COUNT(*) FROM votes v JOIN raters r ON r.id = v.rater_id WHERE r.study_id = s.id) AS votes
         FROM studies s ORDER BY s.created_at, s.id`,
      )
      .all() as StudySummary[];
  }

  items(studyId: string): ItemRecord[] {
    return this.sql(
        `SELECT id, key, case_id, category, difficulty, split, seed, baseline, oracle_verdict, judge_verdict
         FROM items WHERE study_id = ? ORDER BY id`,
      )
      .all(studyId) as ItemRecord[];
  }

  raters(studyId: string): (Rater & { done: number; total: number })[] {
    return this.sql(
        `SELECT r.id, r.study_id, r.name, r.created_at,
                (SELECT COUNT(*) FROM votes v WHERE v.rater_id = r.id) AS done,
                (SELECT COUNT(*) FROM assignments a WHERE a.rater_id = r.id) AS total
         FROM raters r WHERE r.study_id = ? ORDER BY r.id`,
      )
      .all(studyId) as (Rater & { done: number; total: number })[];
  }

  /**
   * Invite raters: each gets a token and their own shuffled item order and sides, drawn from
   * `Rng(study seed).fork("rater:<id>")`. Unnamed raters are numbered after the existing ones.
   */
  invite(studyId: string, options: { count?: number | undefined; names?: readonly string[] | undefined } = {}): InvitedRater[] {
    const study = this.requireStudy(studyId);
    const itemIds = (this.sql('SELECT id FROM items WHERE study_id = ? ORDER BY id').all(studyId) as { id: number }[]).map((r) => r.id);
    const existing = this.sql('SELECT COUNT(*) AS n FROM raters WHERE study_id = ?').get(studyId) as { n: number };
    const count = options.names?.length ?? options.count ?? 6;
    const names = options.names ?? Array.from({ length: count }, (_, i) => `rater-${existing.n + i + 1}`);
    const taken = new Set((this.sql('SELECT name FROM raters WHERE study_id = ?').all(studyId) as { name: string }[]).map((r) => r.name));
    const clash = names.find((n, i) => taken.has(n) || names.indexOf(n) !== i);
    if (clash !== undefined) throw new SeerError('bad_input', `study ${studyId} already has a rater named "${clash}"`);
    const insertRater = this.sql('INSERT INTO raters (study_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)');
    const insertAssignment = this.sql('INSERT INTO assignments (rater_id, item_id, position, seer_left) VALUES (?, ?, ?, ?)');
    return this.db.transaction(() =>
      names.map((name) => {
        const token = newToken();
        const created_at = new Date().toISOString();
        const id = Number(insertRater.run(studyId, name, hashToken(token), created_at).lastInsertRowid);
        const rng = new Rng(study.seed).fork(`rater:${id}`);
        const order = rng.shuffle(itemIds);
        order.forEach((itemId, position) => insertAssignment.run(id, itemId, position, rng.bool() ? 1 : 0));
        return { id, study_id: studyId, name, created_at, token };
      }),
    )();
  }

  /** Replace a rater's token (the old link stops working); their votes are kept. */
  rotateToken(studyId: string, raterId: number): InvitedRater {
    const rater = this.sql('SELECT id, study_id, name, created_at FROM raters WHERE id = ? AND study_id = ?').get(raterId, studyId) as Rater | undefined;
    if (!rater) throw new SeerError('not_found', `study ${studyId} has no rater ${raterId}`);
    const token = newToken();
    this.sql('UPDATE raters SET token_hash = ? WHERE id = ?').run(hashToken(token), raterId);
    return { ...rater, token };
  }

  raterByToken(token: string): (Rater & { study: Study }) | null {
    const row = this.sql('SELECT id, study_id, name, created_at FROM raters WHERE token_hash = ?')
      .get(hashToken(token)) as Rater | undefined;
    if (!row) return null;
    return { ...row, study: this.requireStudy(row.study_id) };
  }

  progress(raterId: number): { done: number; total: number } {
    return this.sql(
        `SELECT (SELECT COUNT(*) FROM votes WHERE rater_id = ?) AS done, (SELECT COUNT(*) FROM assignments WHERE rater_id = ?) AS total`,
      )
      .get(raterId, raterId) as { done: number; total: number };
  }

  /** The rater's items in their order, with their own vote (never anybody else's). */
  raterItems(raterId: number): RaterItem[] {
    return this.sql(
        `SELECT a.item_id, a.position, i.instruction, i.prompt, v.choice
         FROM assignments a JOIN items i ON i.id = a.item_id
         LEFT JOIN votes v ON v.rater_id = a.rater_id AND v.item_id = a.item_id
         WHERE a.rater_id = ? ORDER BY a.position`,
      )
      .all(raterId) as RaterItem[];
  }

  /** The image hash behind a side for this rater, or null when the item is not theirs. */
  raterImage(raterId: number, itemId: number, side: 'left' | 'right' | 'candidate'): { png: Buffer } | null {
    const row = this.sql(
        `SELECT a.seer_left, i.image_a, i.image_b FROM assignments a JOIN items i ON i.id = a.item_id
         WHERE a.rater_id = ? AND a.item_id = ?`,
      )
      .get(raterId, itemId) as { seer_left: number; image_a: string; image_b: string | null } | undefined;
    if (!row) return null;
    let sha: string | null;
    if (side === 'candidate') sha = row.image_b === null ? row.image_a : null;
    else if (row.image_b === null) sha = null;
    else sha = (side === 'left') === (row.seer_left === 1) ? row.image_a : row.image_b;
    if (sha === null) return null;
    return (this.sql('SELECT png FROM images WHERE sha256 = ?').get(sha) as { png: Buffer } | undefined) ?? null;
  }

  /**
   * Record (or change) a rater's vote on one of their items. Idempotent: the same vote sent twice
   * is one row; a changed vote updates the row and counts a revision. Returns null when the item
   * is not assigned to this rater.
   */
  vote(raterId: number, itemId: number, choice: Choice, ms: number | null): { verdict: string; revisions: number } | null {
    const assignment = this.sql('SELECT seer_left FROM assignments WHERE rater_id = ? AND item_id = ?')
      .get(raterId, itemId) as { seer_left: number } | undefined;
    if (!assignment) return null;
    const verdict = verdictOf(choice, assignment.seer_left === 1);
    const now = new Date().toISOString();
    const row = this.sql(
        `INSERT INTO votes (rater_id, item_id, choice, verdict, ms, revisions, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, 0, ?, ?)
         ON CONFLICT (rater_id, item_id) DO UPDATE SET
           revisions = votes.revisions + (votes.choice <> excluded.choice),
           choice = excluded.choice, verdict = excluded.verdict,
           ms = COALESCE(excluded.ms, votes.ms), updated_at = excluded.updated_at
         RETURNING revisions`,
      )
      .get(raterId, itemId, choice, verdict, ms, now, now) as { revisions: number };
    return { verdict, revisions: row.revisions };
  }

  /**
   * Several votes in one transaction (one fsync): the group commit behind the server's vote queue.
   * Each request gets its own outcome (null when not assigned); either all are stored or none.
   */
  voteBatch(requests: readonly VoteRequest[]): VoteOutcome[] {
    return this.db.transaction(() => requests.map((r) => this.vote(r.raterId, r.itemId, r.choice, r.ms)))();
  }

  votes(studyId: string): VoteRecord[] {
    return this.sql(
        `SELECT v.rater_id, r.name AS rater_name, v.item_id, i.key, i.case_id, i.category, i.difficulty, i.split, i.seed,
                i.baseline, a.seer_left, v.choice, v.verdict, i.oracle_verdict, i.judge_verdict, v.ms, v.revisions,
                v.created_at, v.updated_at
         FROM votes v
         JOIN raters r ON r.id = v.rater_id
         JOIN items i ON i.id = v.item_id
         JOIN assignments a ON a.rater_id = v.rater_id AND a.item_id = v.item_id
         WHERE r.study_id = ? ORDER BY v.rater_id, a.position`,
      )
      .all(studyId) as VoteRecord[];
  }
}

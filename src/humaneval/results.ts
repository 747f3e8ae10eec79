/**
 * Study results from stored votes, computed with the pure functions of src/eval/stats.ts.
 *
 * Pairwise (paper A.2): per baseline, the win ratio (SEER 1 / tie 0.5 / baseline 0, averaged over
 * all votes = all raters × all test cases) overall and split by ID/OOD × Simple/Hard; per-rater
 * win ratios; Fleiss' κ over the three verdicts; an exact sign test over test cases (a case wins
 * when its votes' mean score is above 0.5, ties at exactly 0.5 are dropped; votes of one case are
 * not independent trials); a bootstrap 95% interval that resamples test cases (all votes on all seeds of a case move together); and the
 * agreement of human verdicts with the oracle's and with SEER's own judge's, per vote and per item
 * majority (with Cohen's κ). Verification (A.1.2): per-candidate votes and the majority decision,
 * where a tie — including no votes at all — is a reject: only what humans approved passes.
 */
import {
  agreementRate,
  bootstrapClusterMean,
  cohenKappa,
  fleissKappa,
  majority,
  caseSignTest,
  verdictScore,
  winRatio,
} from '../eval/stats.ts';
import type { DecisionRow, Verdict } from './schemas.ts';
import type { HumanEvalStore, ItemRecord, Study, VoteRecord } from './store.ts';

export interface Cell {
  votes: number;
  seer: number;
  tie: number;
  baseline: number;
  win_ratio: number;
}

export interface Agreement {
  /** Votes whose item carries this verdict source. */
  votes: number;
  vote_agreement: number;
  /** Items with a strict human majority and this verdict source. */
  items: number;
  majority_agreement: number;
  cohen_kappa: number;
}

export interface BaselineResult {
  baseline: string;
  items: number;
  votes: number;
  win_ratio: number;
  interval: { low: number; high: number; level: number; resamples: number; unit: 'test case' };
  /** Over test cases: wins, losses and ties count cases, not votes. */
  sign_test: { wins: number; losses: number; ties: number; p_value: number; unit: 'test case' };
  cells: Record<'id' | 'ood' | 'all', Record<'simple' | 'hard' | 'all', Cell>>;
  per_rater: { rater_id: number; rater: string; votes: number; win_ratio: number }[];
  fleiss_kappa: { kappa: number; items: number };
  oracle: Agreement;
  judge: Agreement;
}

export interface PairwiseResults {
  kind: 'pairwise';
  study: Study;
  raters: { id: number; name: string; done: number; total: number }[];
  votes: number;
  baselines: BaselineResult[];
}

export interface VerificationResults {
  kind: 'verification';
  study: Study;
  raters: { id: number; name: string; done: number; total: number; approve_rate: number }[];
  votes: number;
  candidates: number;
  approved: number;
  rejected: number;
  unvoted: number;
  fleiss_kappa: { kappa: number; items: number };
  decisions: DecisionRow[];
}

export type StudyResults = PairwiseResults | VerificationResults;

export interface ResultsOptions {
  /** Bootstrap resamples (default 2000). */
  resamples?: number | undefined;
  /** Bootstrap seed (default 0), so the same votes give the same interval. */
  seed?: number | undefined;
}

function cell(verdicts: readonly Verdict[]): Cell {
  const count = (v: Verdict) => verdicts.filter((x) => x === v).length;
  return { votes: verdicts.length, seer: count('seer'), tie: count('tie'), baseline: count('baseline'), win_ratio: winRatio(verdicts) };
}

function agreement(votes: readonly VoteRecord[], byItem: Map<number, Verdict[]>, items: readonly ItemRecord[], source: 'oracle_verdict' | 'judge_verdict'): Agreement {
  const withSource = votes.filter((v) => v[source] !== null);
  const human: Verdict[] = [];
  const machine: Verdict[] = [];
  for (const item of items) {
    const reference = item[source];
    const m = majority(byItem.get(item.id) ?? []);
    if (reference === null || m === null) continue;
    human.push(m);
    machine.push(reference);
  }
  return {
    votes: withSource.length,
    vote_agreement: withSource.length ? agreementRate(withSource.map((v) => v.verdict), withSource.map((v) => v[source])) : Number.NaN,
    items: human.length,
    majority_agreement: human.length ? agreementRate(human, machine) : Number.NaN,
    cohen_kappa: human.length ? cohenKappa(human, machine) : Number.NaN,
  };
}

function baselineResult(baseline: string, items: readonly ItemRecord[], votes: readonly VoteRecord[], options: ResultsOptions): BaselineResult {
  const verdicts = votes.map((v) => v.verdict as Verdict);
  const byItem = new Map<number, Verdict[]>();
  for (const v of votes) byItem.set(v.item_id, [...(byItem.get(v.item_id) ?? []), v.verdict as Verdict]);
  const byCase = new Map<string, number[]>();
  for (const v of votes) byCase.set(v.case_id, [...(byCase.get(v.case_id) ?? []), verdictScore(v.verdict as Verdict)]);
  const boot = bootstrapClusterMean([...byCase.values()], { resamples: options.resamples ?? 2000, seed: options.seed ?? 0, level: 0.95 });
  const sign = caseSignTest([...byCase.values()]);
  const cells = {} as BaselineResult['cells'];
  for (const split of ['id', 'ood', 'all'] as const) {
    cells[split] = {} as Record<'simple' | 'hard' | 'all', Cell>;
    for (const difficulty of ['simple', 'hard', 'all'] as const) {
      cells[split][difficulty] = cell(
        votes.filter((v) => (split === 'all' || v.split === split) && (difficulty === 'all' || v.difficulty === difficulty)).map((v) => v.verdict as Verdict),
      );
    }
  }
  const raterIds = [...new Set(votes.map((v) => v.rater_id))].sort((a, b) => a - b);
  const per_rater = raterIds.map((id) => {
    const mine = votes.filter((v) => v.rater_id === id);
    return { rater_id: id, rater: mine[0]?.rater_name ?? String(id), votes: mine.length, win_ratio: winRatio(mine.map((v) => v.verdict as Verdict)) };
  });
  const categories: Verdict[] = ['seer', 'tie', 'baseline'];
  const fleiss = fleissKappa([...byItem.values()].map((vs) => categories.map((c) => vs.filter((v) => v === c).length)));
  return {
    baseline,
    items: items.length,
    votes: votes.length,
    win_ratio: winRatio(verdicts),
    interval: { low: boot.low, high: boot.high, level: 0.95, resamples: boot.resamples, unit: 'test case' },
    sign_test: { wins: sign.wins, losses: sign.losses, ties: sign.ties, p_value: sign.pValue, unit: 'test case' },
    cells,
    per_rater,
    fleiss_kappa: { kappa: fleiss.kappa, items: fleiss.items },
    oracle: agreement(votes, byItem, items, 'oracle_verdict'),
    judge: agreement(votes, byItem, items, 'judge_verdict'),
  };
}

/** Majority decision per candidate; a tie (also 0–0) is a reject. */
export function decisions(items: readonly ItemRecord[], votes: readonly VoteRecord[]): DecisionRow[] {
  return items.map((item) => {
    const mine = votes.filter((v) => v.item_id === item.id);
    const approve = mine.filter((v) => v.verdict === 'approve').length;
    const reject = mine.length - approve;
    return { id: item.case_id, decision: approve > reject ? 'approve' : 'reject', votes: { approve, reject } };
  });
}

export function studyResults(store: HumanEvalStore, studyId: string, options: ResultsOptions = {}): StudyResults {
  const study = store.requireStudy(studyId);
  const items = store.items(studyId);
  const votes = store.votes(studyId);
  const raters = store.raters(studyId).map(({ id, name, done, total }) => ({ id, name, done, total }));
  if (study.kind === 'verification') {
    const rows = decisions(items, votes);
    const fleiss = fleissKappa(items.map((item) => {
      const mine = votes.filter((v) => v.item_id === item.id);
      const approve = mine.filter((v) => v.verdict === 'approve').length;
      return [approve, mine.length - approve];
    }));
    return {
      kind: 'verification',
      study,
      raters: raters.map((r) => {
        const mine = votes.filter((v) => v.rater_id === r.id);
        return { ...r, approve_rate: mine.length ? mine.filter((v) => v.verdict === 'approve').length / mine.length : Number.NaN };
      }),
      votes: votes.length,
      candidates: items.length,
      approved: rows.filter((d) => d.decision === 'approve').length,
      rejected: rows.filter((d) => d.decision === 'reject').length,
      unvoted: rows.filter((d) => d.votes.approve + d.votes.reject === 0).length,
      fleiss_kappa: { kappa: fleiss.kappa, items: fleiss.items },
      decisions: rows,
    };
  }
  const baselines = [...new Set(items.map((i) => i.baseline ?? ''))].sort();
  return {
    kind: 'pairwise',
    study,
    raters,
    votes: votes.length,
    baselines: baselines.map((b) =>
      baselineResult(b, items.filter((i) => i.baseline === b), votes.filter((v) => v.baseline === b), options),
    ),
  };
}

function csvField(value: unknown): string {
  const s = value === null || value === undefined || (typeof value === 'number' && Number.isNaN(value)) ? '' : String(value);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',')).join('\n') + '\n';
}

/** Every vote with its item, one row each, with both the click (left/right) and its meaning. */
export function votesCsv(store: HumanEvalStore, studyId: string): string {
  store.requireStudy(studyId);
  const header = ['rater_id', 'rater', 'item_id', 'case_id', 'seed', 'baseline', 'category', 'difficulty', 'split', 'left_image', 'choice', 'verdict', 'score', 'oracle_verdict', 'judge_verdict', 'ms', 'revisions', 'created_at', 'updated_at'];
  const rows = store.votes(studyId).map((v) => {
    const pairwise = v.baseline !== null;
    return [
      v.rater_id, v.rater_name, v.item_id, v.case_id, v.seed, v.baseline, v.category, v.difficulty, v.split,
      pairwise ? (v.seer_left ? 'seer' : 'baseline') : 'candidate', v.choice, v.verdict,
      pairwise ? verdictScore(v.verdict as Verdict) : v.verdict === 'approve' ? 1 : 0,
      v.oracle_verdict, v.judge_verdict, v.ms, v.revisions, v.created_at, v.updated_at,
    ];
  });
  return toCsv(header, rows);
}

/** The results table: one row per baseline × split × difficulty (pairwise) or per candidate (verification). */
export function resultsCsv(results: StudyResults): string {
  if (results.kind === 'verification') {
    return toCsv(['id', 'decision', 'approve', 'reject'], results.decisions.map((d) => [d.id, d.decision, d.votes.approve, d.votes.reject]));
  }
  const rows: unknown[][] = [];
  for (const b of results.baselines) {
    for (const split of ['id', 'ood', 'all'] as const) {
      for (const difficulty of ['simple', 'hard', 'all'] as const) {
        const c = b.cells[split][difficulty];
        const overall = split === 'all' && difficulty === 'all';
        rows.push([
          b.baseline, split, difficulty, c.votes, c.seer, c.tie, c.baseline, c.win_ratio,
          overall ? b.interval.low : null, overall ? b.interval.high : null, overall ? b.sign_test.p_value : null,
          overall ? b.fleiss_kappa.kappa : null,
        ]);
      }
    }
  }
  return toCsv(['baseline', 'split', 'difficulty', 'votes', 'seer', 'tie', 'baseline_wins', 'win_ratio', 'ci95_low', 'ci95_high', 'sign_p', 'fleiss_kappa'], rows);
}

/**
 * Creating studies, shared by the CLI (`seer humaneval create`) and the admin API: read and check
 * the source (sources.ts), store the items and images, invite the default six raters (paper A.2:
 * "6 independent human evaluators") and return their secret tokens, which are shown only now.
 */
import { basename, resolve } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { loadCandidates, loadPairs } from './sources.ts';
import type { HumanEvalStore, InvitedRater, Study } from './store.ts';

export const DEFAULT_RATERS = 6;

export interface CreatedStudy {
  study: Study;
  items: number;
  /** Candidates left out because the automated check failed (verification studies). */
  skipped: number;
  raters: InvitedRater[];
}

export function createPairwiseStudy(
  store: HumanEvalStore,
  options: {
    run?: string | undefined;
    pairs?: string | undefined;
    vs?: readonly string[] | undefined;
    name?: string | undefined;
    raters?: number | undefined;
    seed?: number | undefined;
  },
): CreatedStudy {
  if ((options.run === undefined) === (options.pairs === undefined)) {
    throw new SeerError('bad_input', 'give exactly one source: a run folder (run) or a pairs JSONL file (pairs)');
  }
  const source = options.run !== undefined ? { run: options.run } : { pairsFile: options.pairs ?? '' };
  const { items, source: path } = loadPairs(source, options.vs ?? []);
  const baselines = [...new Set(items.map((i) => i.baseline))].join(', ');
  const label = options.run !== undefined ? basename(resolve(options.run)) : basename(path, '.jsonl');
  const study = store.createStudy({ kind: 'pairwise', name: options.name ?? `${label} vs ${baselines}`, source: path, seed: options.seed ?? 0 }, items);
  const raters = (options.raters ?? DEFAULT_RATERS) > 0 ? store.invite(study.id, { count: options.raters ?? DEFAULT_RATERS }) : [];
  return { study, items: items.length, skipped: 0, raters };
}

export function createVerificationStudy(
  store: HumanEvalStore,
  options: { candidates: string; name?: string | undefined; raters?: number | undefined; seed?: number | undefined },
): CreatedStudy {
  const { items, source, skipped } = loadCandidates(options.candidates);
  const study = store.createStudy(
    { kind: 'verification', name: options.name ?? `verify ${basename(source, '.jsonl')}`, source, seed: options.seed ?? 0 },
    items,
  );
  const count = options.raters ?? DEFAULT_RATERS;
  const raters = count > 0 ? store.invite(study.id, { count }) : [];
  return { study, items: items.length, skipped, raters };
}

/** The link a rater opens; the token sits in the fragment, so it never reaches logs or Referer headers. */
export function raterLink(origin: string, token: string): string {
  return `${origin.replace(/\/+$/, '')}/rate#t=${token}`;
}

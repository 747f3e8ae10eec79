/**
 * Test fixtures for run results: the results of a real run (./fixtures/results.json, read through
 * the schema), and the same results shaped as `seer eval run` writes them. Used by tests only.
 */
import { join } from 'node:path';
import { readRunResults, type RunResults } from './results.ts';

export const FIXTURE_RESULTS_FILE = join(import.meta.dirname, 'fixtures', 'results.json');

/** A default-recipe main-job run's results.json, validated. */
export function fixtureResults(): RunResults {
  return readRunResults(FIXTURE_RESULTS_FILE);
}

/** The fixture as `seer eval run` writes it: no wall time, no validation, another test set, Table 1 without phase-1-only. */
export function evalRunResults(): RunResults {
  const { wallSeconds: _wall, stepSeconds: _steps, validation: _validation, ...rest } = fixtureResults();
  return { ...rest, testset: 'other/test.jsonl', table1: { zeroShot: rest.table1.zeroShot, seerEval: rest.table1.seerEval } };
}

import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { SeerError } from '../core/errors.ts';
import { readRunResults, writeRunResults } from './results.ts';
import { evalRunResults, fixtureResults, FIXTURE_RESULTS_FILE } from './results.testkit.ts';

const temp = () => mkdtempSync(join(tmpdir(), 'seer-results-'));

/** The SeerError `f` throws (fails the test when it throws nothing or something else). */
function thrown(f: () => unknown): SeerError {
  try {
    f();
  } catch (error) {
    if (error instanceof SeerError) return error;
    throw error;
  }
  throw new Error('expected a SeerError');
}

describe('the run results schema', () => {
  it('reads a real run\'s results.json without changing a value or the order of its fields', () => {
    const text = readFileSync(FIXTURE_RESULTS_FILE, 'utf8');
    const results = readRunResults(FIXTURE_RESULTS_FILE);
    expect(JSON.stringify(results)).toBe(JSON.stringify(JSON.parse(text)));
    expect(Object.keys(results.table2)).toEqual(['naive', 'base (CoT)', 'text-only', 'oracle', 'seerAverageWords']);
  });

  it('takes the results `seer eval run` writes: no wall time, no validation, some judges', () => {
    const dir = temp();
    const written = writeRunResults(join(dir, 'results.json'), evalRunResults());
    expect(written.validation).toBeUndefined();
    expect(Object.keys(readRunResults(join(dir, 'results.json')).table1)).toEqual(['zeroShot', 'seerEval']);
  });

  it('keeps a cell with nothing to measure: NaN is written as null and read back as NaN', () => {
    const dir = temp();
    const fx = fixtureResults();
    const results = { ...fx, rewardFidelity: { ...fx.rewardFidelity, seer: { ...fx.rewardFidelity.seer, decided: 0, agreement: Number.NaN } } };
    writeRunResults(join(dir, 'results.json'), results);
    expect(readFileSync(join(dir, 'results.json'), 'utf8')).toContain('"agreement": null');
    expect(readRunResults(join(dir, 'results.json')).rewardFidelity.seer.agreement).toBeNaN();
  });

  it('refuses a results.json that drifted, naming the file and the first failing path', () => {
    const dir = temp();
    const fx = fixtureResults();
    const cases: [unknown, RegExp][] = [
      [{ ...fx, table2: { ...fx.table2, naive: { ...fx.table2.naive, total: { ...fx.table2.naive.total, winRatio: 'high' } } } }, /at table2\.naive\.total\.winRatio: /],
      [{ ...fx, gallery: [{ ...fx.gallery[0], seer: 3 }] }, /at gallery\[0\]\.seer: /],
      [{ ...fx, extra: 1 }, /at \(root\): Unrecognized key: "extra"/],
      [{ ...fx, failures: { ...fx.failures, seer: { ...fx.failures.seer, ok: 1.5 } } }, /at failures\.seer\.ok: /],
    ];
    for (const [value, where] of cases) {
      const file = join(dir, 'results.json');
      writeFileSync(file, JSON.stringify(value));
      const error = thrown(() => readRunResults(file));
      expect(error.code).toBe('bad_file');
      expect(error.message).toContain(file);
      expect(error.message).toMatch(where);
    }
    const { table2: _table2, ...missing } = fx;
    writeFileSync(join(dir, 'missing.json'), JSON.stringify(missing));
    expect(() => readRunResults(join(dir, 'missing.json'))).toThrow(/missing\.json does not fit its schema .*at table2: /);
    writeFileSync(join(dir, 'broken.json'), '{');
    expect(() => readRunResults(join(dir, 'broken.json'))).toThrow(/broken\.json: not valid JSON/);
    expect(thrown(() => readRunResults(join(dir, 'none.json'))).code).toBe('not_found');
  });

  it('refuses to write results that do not fit, and writes nothing', () => {
    const dir = temp();
    const fx = fixtureResults();
    const error = thrown(() => writeRunResults(join(dir, 'results.json'), { ...fx, humanEvalPairs: 2.5 }));
    expect(error.code).toBe('internal');
    expect(error.message).toMatch(/at humanEvalPairs: /);
    expect(existsSync(join(dir, 'results.json'))).toBe(false);
  });
});

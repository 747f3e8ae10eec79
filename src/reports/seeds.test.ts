import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../core/io.ts';
import { writeRunResults, type RunResults } from './results.ts';
import { fixtureResults } from './results.testkit.ts';
import { numericLeaves, summarizeResults, summarizeRuns } from './seeds.ts';

/** The fixture run with its seed, SEER-Eval's total accuracy and the win ratio vs naive set. */
const run = (seed: number, acc: number, win: number): RunResults => {
  const r = fixtureResults();
  const seerEval = r.table1.seerEval;
  if (!seerEval) throw new Error('the fixture has a SEER-Eval row');
  return {
    ...r,
    seed,
    wallSeconds: 100 + seed,
    table1: { ...r.table1, seerEval: { ...seerEval, total: { ...seerEval.total, accuracy: acc } } },
    table2: { ...r.table2, naive: { ...r.table2.naive, total: { ...r.table2.naive.total, winRatio: win } } },
  };
};

describe('multi-seed summary', () => {
  it('collects numeric leaves by path and skips arrays', () => {
    const leaves = numericLeaves(run(0, 0.5, 0.7));
    expect(leaves.get('table1.seerEval.total.accuracy')).toBe(0.5);
    expect([...leaves.keys()].some((k) => k.startsWith('gallery'))).toBe(false);
  });

  it('gives mean and sample std over runs, drops the seed and paths missing from a run', () => {
    const a = run(0, 0.8, 0.6);
    const b = run(1, 0.9, 0.8);
    const { validation: _validation, ...c } = run(2, 1.0, 1.0);
    const s = summarizeResults([a, b, c]);
    expect(s['table1.seerEval.total.accuracy']!.mean).toBeCloseTo(0.9, 12);
    expect(s['table1.seerEval.total.accuracy']!.std).toBeCloseTo(0.1, 12);
    expect(s['table2.naive.total.winRatio']!.std).toBeCloseTo(0.2, 12);
    expect(s.wallSeconds!.values).toEqual([100, 101, 102]);
    expect(s.seed).toBeUndefined();
    expect(Object.keys(s).some((k) => k.startsWith('validation.'))).toBe(false);
    expect(s['table1.zeroShot.total.accuracy']!.std).toBe(0);
  });

  it('writes summary.json and summary.md, and refuses a folder without results or with results that do not fit', () => {
    const root = mkdtempSync(join(tmpdir(), 'seer-seeds-'));
    writeRunResults(join(root, 'r0', 'results.json'), run(0, 0.8, 0.6));
    writeRunResults(join(root, 'r1', 'results.json'), run(1, 0.9, 0.8));
    const { markdown } = summarizeRuns([join(root, 'r0'), join(root, 'r1')], join(root, 'sum'));
    expect(markdown).toContain('| seerEval | 0.85 ± 0.07');
    expect(markdown).toContain('| naive | 0.70 ± 0.14');
    // The numbers recipe choices read, and the per-kind and failure rows, with each seed's value.
    expect(markdown).toMatch(/\| validation: SEER-Eval, renders \| [0-9.]+ ± [0-9.]+ \| [0-9.]+ \/ [0-9.]+ \|/);
    expect(markdown).toMatch(/\| test: reprompts that lose the subject \(of the test cases\) \| [0-9.]+ ± [0-9.]+ \| \d+ \/ \d+ \|/);
    expect(JSON.parse(readFileSync(join(root, 'sum', 'summary.json'), 'utf8')).seeds).toEqual([0, 1]);
    expect(() => summarizeRuns([join(root, 'nope')], join(root, 'sum2'))).toThrow(/finished `seer run` folder/);
    writeJson(join(root, 'old', 'results.json'), { recipe: 'default', seed: 2, table1: {} });
    expect(() => summarizeRuns([join(root, 'r0'), join(root, 'old')], join(root, 'sum3'))).toThrow(/old\/results\.json does not fit its schema/);
  });
});

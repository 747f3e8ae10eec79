import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { writeRunResults } from './results.ts';
import { evalRunResults, fixtureResults } from './results.testkit.ts';
import { reportMarkdown, writeReport } from './report.ts';

const golden = (name: string) => readFileSync(join(import.meta.dirname, 'fixtures', name), 'utf8');

describe('the run report', () => {
  it('renders a main-job run\'s results as it always has (report.md and report.html)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seer-report-'));
    expect(reportMarkdown(fixtureResults())).toBe(golden('report.md'));
    writeReport(dir, fixtureResults());
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(golden('report.md'));
    expect(readFileSync(join(dir, 'report.html'), 'utf8')).toBe(golden('report.html'));
  });

  it('renders `seer eval run` results: no wall time, no validation sections, the judges it has', () => {
    const md = reportMarkdown(evalRunResults());
    expect(md).toBe(golden('eval-report.md'));
    expect(md).not.toContain('Validation');
    expect(md).not.toContain('| phase1Only |');
  });

  it('reads the folder\'s results.json when given no results, validated', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seer-report-'));
    writeRunResults(join(dir, 'results.json'), fixtureResults());
    writeReport(dir);
    expect(readFileSync(join(dir, 'report.md'), 'utf8')).toBe(golden('report.md'));
    writeFileSync(join(dir, 'results.json'), JSON.stringify({ ...fixtureResults(), seed: 'zero' }));
    expect(() => writeReport(dir)).toThrow(/results\.json does not fit its schema .*at seed: /);
  });

  it('shows Stage 2 against the base model\'s CoT on validation when the run measured it', () => {
    const fx = fixtureResults();
    const versus = fx.validation!.stage2VsNaive!;
    const md = reportMarkdown({ ...fx, validation: { ...fx.validation!, stage2VsBaseCoT: { ...versus, total: { ...versus.total, winRatio: 0.7123, low: 0.61, high: 0.8 } } } });
    expect(md).toContain("Validation — Stage 2's reprompts vs the base model's own CoT reprompts (oracle-judged): 0.71 [0.61, 0.80]");
    expect(reportMarkdown(fx)).not.toContain('own CoT reprompts (oracle-judged)');
    const paraphrased = reportMarkdown({ ...fx, validation: { ...fx.validation!, stage2Paraphrased: { vsNaive: versus, vsBaseCoT: { ...versus, total: { ...versus.total, winRatio: 0.5, low: 0.4, high: 0.6 } } } } });
    expect(paraphrased).toContain(`each instruction in its paraphrase (a wording no pretraining task shows) — Stage 2 vs naive: ${versus.total.winRatio.toFixed(2)}`);
    expect(paraphrased).toContain("vs the base model's own CoT: 0.50 [0.40, 0.60]");
  });

  it('shows a cell with nothing to measure as a dash', () => {
    const fx = fixtureResults();
    const md = reportMarkdown({ ...fx, rewardFidelity: { ...fx.rewardFidelity, seer: { ...fx.rewardFidelity.seer, agreement: Number.NaN, judgeOnTies: Number.NaN } } });
    expect(md).toMatch(/\n\| seer \| – \| 1\.00 \| 0\.06 \| 0\.83 \| 0\.00 \| – \| 0\.45 \| – \| – \| 240 \|\n/);
  });
});

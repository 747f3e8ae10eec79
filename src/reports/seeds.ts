/**
 * Summarises several `seer run` folders (one per seed) into mean ± sample standard deviation:
 * `seer summarize runs/a runs/b runs/c --out runs/summary` writes `summary.json` (every numeric
 * leaf of results.json that all runs share, as {mean, std, n, values}) and `summary.md` (the
 * headline rows of Tables 1–5). Reads the run folders only; each results.json is validated
 * against the run results schema (./results.ts).
 *
 * Beyond the paper: the paper reports single runs; we report the spread over seeds.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { ensureDir, writeFileAtomic, writeJson } from '../core/io.ts';
import { mean } from '../core/math.ts';
import { readRunResults, type RunResults } from './results.ts';

export interface Spread {
  mean: number;
  std: number;
  n: number;
  values: number[];
}

/** Numeric leaves of a JSON tree by dotted path (arrays are skipped: galleries, examples). */
export function numericLeaves(value: unknown, prefix = '', out: Map<string, number> = new Map()): Map<string, number> {
  if (typeof value === 'number' && Number.isFinite(value)) out.set(prefix, value);
  else if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) numericLeaves(v, prefix ? `${prefix}.${k}` : k, out);
  }
  return out;
}

export function spread(values: readonly number[]): Spread {
  const n = values.length;
  const m = mean(values);
  const std = n > 1 ? Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (n - 1)) : 0;
  return { mean: m, std, n, values: [...values] };
}

/** Mean ± std of every numeric leaf present in all results (paths missing from any run are dropped). */
export function summarizeResults(results: readonly RunResults[]): Record<string, Spread> {
  if (results.length === 0) throw new SeerError('bad_input', 'summarize needs at least one run folder');
  const leaves = results.map((r) => numericLeaves(r));
  const out: Record<string, Spread> = {};
  for (const path of leaves[0]!.keys()) {
    if (path === 'seed') continue;
    const values = leaves.map((l) => l.get(path));
    if (values.every((v): v is number => v !== undefined)) out[path] = spread(values);
  }
  return out;
}

/** A finished run folder's results.json, validated. */
export function readRunFolder(dir: string): RunResults {
  const file = join(dir, 'results.json');
  if (!existsSync(file)) throw new SeerError('not_found', `${file} does not exist: is ${dir} a finished \`seer run\` folder? (resume it with \`seer run --resume --out ${dir}\`)`);
  return readRunResults(file);
}

const fmt = (s: Spread | undefined, digits = 2): string => (s ? `${s.mean.toFixed(digits)} ± ${s.std.toFixed(digits)}` : '–');

export function summaryMarkdown(dirs: readonly string[], results: readonly RunResults[], summary: Record<string, Spread>): string {
  const seeds = results.map((r) => String(r.seed)).join(', ');
  const get = (p: string) => summary[p];
  const lines = [
    `# SEER over ${results.length} seeds (${seeds}; mean ± sample std)`,
    '',
    `Runs: ${dirs.join(', ')}. Wall time per run: ${fmt(get('wallSeconds'), 0)} s.`,
    '',
    '## Table 1 — evaluator accuracy',
    '',
    '| model | Total | ID overall | ID hard | OOD overall | OOD hard |',
    '|---|---|---|---|---|---|',
  ];
  for (const model of ['zeroShot', 'phase1Only', 'seerEval']) {
    const t = `table1.${model}`;
    lines.push(`| ${model} | ${fmt(get(`${t}.total.accuracy`))} | ${fmt(get(`${t}.id.overall.accuracy`))} | ${fmt(get(`${t}.id.hard.accuracy`))} | ${fmt(get(`${t}.ood.overall.accuracy`))} | ${fmt(get(`${t}.ood.hard.accuracy`))} |`);
  }
  lines.push('', '## Tables 2–3 — SEER win ratio (oracle-judged)', '', '| vs | Total | ID overall | ID hard | OOD overall | OOD hard | baseline words |', '|---|---|---|---|---|---|---|');
  const baselines = new Set([...Object.keys(summary)].filter((p) => p.startsWith('table2.') && p.endsWith('.total.winRatio')).map((p) => p.split('.')[1]!));
  for (const b of baselines) {
    const t = `table2.${b}`;
    lines.push(`| ${b} | ${fmt(get(`${t}.total.winRatio`))} | ${fmt(get(`${t}.id.overall.winRatio`))} | ${fmt(get(`${t}.id.hard.winRatio`))} | ${fmt(get(`${t}.ood.overall.winRatio`))} | ${fmt(get(`${t}.ood.hard.winRatio`))} | ${fmt(get(`${t}.averageWords`), 1)} |`);
  }
  lines.push('', `SEER words per reprompt: ${fmt(get('table2.seerAverageWords'), 1)}.`, '', '## Tables 4–5 — general capabilities', '', '| model | GenEval overall | VQA accuracy |', '|---|---|---|');
  for (const model of ['base', 'stage1', 'stage2']) lines.push(`| ${model} | ${fmt(get(`general.${model}.genEval.overall`))} | ${fmt(get(`general.${model}.vqa.accuracy`))} |`);
  const kinds = [...new Set(Object.keys(summary).filter((p) => p.startsWith('table1.seerEval.byKind.') && p.endsWith('.accuracy')).map((p) => p.split('.')[3]!))];
  lines.push(
    '',
    '## What recipe choices read, and what limits SEER',
    '',
    '| measure | mean ± std | per seed |',
    '|---|---|---|',
    ...(
      [
        ['validation: SEER-Eval, renders', 'validation.table1.seerEval.total.accuracy'],
        ['validation: SEER-Eval, the generator\'s images', 'validation.table1Generated.seerEval.total.accuracy'],
        ['validation: SEER-Eval, renders, instructions paraphrased (never read)', 'validation.table1Paraphrased.seerEval.total.accuracy'],
        ['validation: Stage 2 vs naive', 'validation.stage2VsNaive.total.winRatio'],
        ['validation: Stage 2 vs base (CoT)', 'validation.stage2VsBaseCoT.total.winRatio'],
        ['validation: Stage 2 vs naive, instructions paraphrased (never read)', 'validation.stage2Paraphrased.vsNaive.total.winRatio'],
        ['validation: Stage 2 vs base (CoT), instructions paraphrased', 'validation.stage2Paraphrased.vsBaseCoT.total.winRatio'],
        ['validation: Stage 2 reprompts that follow the instruction (oracle, of the validation rows)', 'validation.stage2Failures.ok'],
        ['validation: Stage 2 reprompts that are the bare prompt (Type III)', 'validation.stage2Failures.type3_neglect'],
        ...kinds.map((k) => [`test: SEER-Eval on ${k} negatives`, `table1.seerEval.byKind.${k}.accuracy`]),
        ['test: SEER-Eval, the generator\'s images', 'table1Generated.seerEval.total.accuracy'],
        ['test: answered "a" (renders)', 'table1.seerEval.answeredA'],
        ['test: reward fidelity (SEER\'s reprompts)', 'rewardFidelity.seer.agreement'],
        ['test: reward fidelity, both orders (split = ½)', 'rewardFidelity.seer.bothOrders.agreement'],
        ['test: reprompts that lose the subject (of the test cases)', 'failures.seer.subject_lost'],
        ...['single', 'best-of-4', 'rounds-3', 'read-best-of-4', 'read-rounds-3'].map((v) => [`test: inference ${v} vs naive`, `inference.${v}.winRatioVsNaive`]),
      ] as const
    )
      .filter(([, path]) => get(path))
      .map(([name, path]) => `| ${name} | ${fmt(get(path))} | ${get(path)!.values.map((v) => (Number.isInteger(v) ? String(v) : v.toFixed(2))).join(' / ')} |`),
  );
  return `${lines.join('\n')}\n`;
}

export function summarizeRuns(dirs: readonly string[], outDir: string): { summary: Record<string, Spread>; markdown: string } {
  const results = dirs.map(readRunFolder);
  const recipes = new Set(results.map((r) => r.recipe));
  if (recipes.size > 1) throw new SeerError('bad_input', `the runs used different recipes (${[...recipes].join(', ')}): summarise runs of one recipe`);
  const summary = summarizeResults(results);
  const markdown = summaryMarkdown(dirs, results, summary);
  ensureDir(outDir);
  writeJson(join(outDir, 'summary.json'), { runs: dirs, seeds: results.map((r) => r.seed), recipe: [...recipes][0], summary });
  writeFileAtomic(join(outDir, 'summary.md'), markdown);
  return { summary, markdown };
}

/**
 * Writes a run's report from what the run wrote: `report.md` (every table) and `report.html`
 * (the same tables, training curves drawn as inline SVG from the GRPO metrics files, and a gallery
 * of naive vs SEER images). Reads the run folder only: the results as `RunResults` (./results.ts),
 * validated when read from results.json.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../core/io.ts';
import type { AccuracyCell, JudgeAccuracy } from '../eval/judge-accuracy.ts';
import type { SplitTable } from '../eval/splits.ts';
import { BASELINES, readRunResults, type RunResults } from './results.ts';

type Part = 'overall' | 'simple' | 'hard';
const SPLITS: readonly (readonly ['total', null] | readonly ['id' | 'ood', Part])[] = [['total', null], ['id', 'overall'], ['id', 'simple'], ['id', 'hard'], ['ood', 'overall'], ['ood', 'simple'], ['ood', 'hard']];
const SPLIT_HEAD = '| Total | ID overall | ID simple | ID hard | OOD overall | OOD simple | OOD hard |';

function pick<C>(table: SplitTable<C>, split: 'total' | 'id' | 'ood', part: Part | null): C {
  return split === 'total' || part === null ? table.total : table[split][part];
}

function fmt(x: number | undefined, digits = 2): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

const pValue = (p: number | undefined): string => (p === undefined ? '–' : p.toPrecision(2));

/** The judges of a Table 1 section that are present, in the order the section lists them. */
type Judges = Readonly<Record<string, (JudgeAccuracy & { verified?: number }) | undefined>>;
const present = (tables: Judges | undefined) => Object.entries(tables ?? {}).flatMap(([name, t]) => (t ? [[name, t] as const] : []));

export function reportMarkdown(results: RunResults): string {
  const lines: string[] = [`# SEER run (${results.recipe} recipe, seed ${String(results.seed)}, ${fmt(results.wallSeconds, 0)} s)`, ''];
  const t1 = results.table1;
  lines.push('## Table 1 — evaluator accuracy on the VIE test quadruplets (both orders)', '', `| model ${SPLIT_HEAD}`, `|---${'|---'.repeat(7)}|`);
  for (const [name, table] of present(t1)) lines.push(`| ${name} | ${SPLITS.map(([s, p]) => fmt(pick(table, s, p).accuracy)).join(' | ')} |`);
  lines.push('', 'Every judged pair is a verified positive against one of the case\'s verified hard negatives (two kinds per case, rotating), in both orders; test renders.');
  const kindTable = (title: string, tables: Judges | undefined) => {
    const shown = present(tables);
    if (shown.length === 0) return;
    const kinds = [...new Set(shown.flatMap(([, t]) => Object.keys(t.byKind)))];
    lines.push('', title, '', `| judge | all | ${kinds.join(' | ')} | answered "a" | pairs |`, `|---${'|---'.repeat(kinds.length + 3)}|`);
    for (const [name, t] of shown) {
      const byKind: Readonly<Record<string, AccuracyCell | undefined>> = t.byKind;
      lines.push(`| ${name} | ${fmt(t.total.accuracy)} | ${kinds.map((k) => fmt(byKind[k]?.accuracy)).join(' | ')} | ${fmt(t.answeredA)} | ${String(t.pairs)}${t.verified === undefined ? '' : ` (${fmt(t.verified * 100, 0)}% verified)`} |`);
    }
  };
  kindTable('## Table 1 by negative kind — test renders', t1);
  kindTable('## Table 1 by negative kind — the base generator\'s own test images (pairs the oracle verifies on the drawn pixels)', results.table1Generated);
  const validation = results.validation;
  if (validation?.stage2VsNaive) {
    const c = validation.stage2VsNaive.total;
    lines.push('', `Validation — Stage 2's reprompts vs naive (oracle-judged): ${fmt(c.winRatio)} [${fmt(c.low)}, ${fmt(c.high)}], case sign-test p=${pValue(c.pValue)}`);
  }
  if (validation?.stage2VsBaseCoT) {
    const c = validation.stage2VsBaseCoT.total;
    lines.push('', `Validation — Stage 2's reprompts vs the base model's own CoT reprompts (oracle-judged): ${fmt(c.winRatio)} [${fmt(c.low)}, ${fmt(c.high)}], case sign-test p=${pValue(c.pValue)}`);
  }
  if (validation?.stage2Paraphrased) {
    const [n, c] = [validation.stage2Paraphrased.vsNaive.total, validation.stage2Paraphrased.vsBaseCoT.total];
    lines.push('', `Validation, each instruction in its paraphrase (a wording no pretraining task shows) — Stage 2 vs naive: ${fmt(n.winRatio)} [${fmt(n.low)}, ${fmt(n.high)}]; vs the base model's own CoT: ${fmt(c.winRatio)} [${fmt(c.low)}, ${fmt(c.high)}]`);
  }
  kindTable('## Validation — Table 1 by negative kind, renders (recipe choices read this, never the test set)', validation?.table1);
  kindTable('## Validation — Table 1 by negative kind, the base generator\'s own images', validation?.table1Generated);
  kindTable('## Validation — Table 1 by negative kind, renders, each instruction in its paraphrase (a wording no pretraining task shows)', validation?.table1Paraphrased);
  const fidelity = Object.entries(results.rewardFidelity);
  if (fidelity.length) {
    lines.push('', '## Reward fidelity — SEER\'s judge vs the oracle on (reprompt image, naive image), the pairs Stage 2 is rewarded on', '', '| reprompts | agreement (oracle decided) | when the reprompt wins | when naive wins | oracle ties | identical images | judge says "reprompt" on oracle ties | reward gap (judge − oracle) | both orders: agreement (split = ½) | both orders: split | pairs |', '|---|---|---|---|---|---|---|---|---|---|---|');
    for (const [name, f] of fidelity) lines.push(`| ${name} | ${fmt(f.agreement)} | ${fmt(f.agreementWhenRepromptWins)} | ${fmt(f.agreementWhenNaiveWins)} | ${fmt(f.oracleTies)} | ${fmt(f.identical)} | ${fmt(f.judgeOnTies)} | ${fmt(f.rewardGap)} | ${fmt(f.bothOrders?.agreement ?? Number.NaN)} | ${fmt(f.bothOrders?.split ?? Number.NaN)} | ${String(f.pairs)} |`);
  }
  const t2 = results.table2;
  lines.push('', '## Tables 2–3 — SEER win ratio against each reprompter (oracle-judged; 95% bootstrap interval over test cases; sign-test p over test cases, a case being the mean over its image seeds, tied cases dropped)', '', `| vs ${SPLIT_HEAD} avg. words |`, `|---${'|---'.repeat(8)}|`);
  for (const name of BASELINES) {
    const table = t2[name];
    const cells = SPLITS.map(([s, p]) => {
      const c = pick(table, s, p);
      return `${fmt(c.winRatio)} [${fmt(c.low)}, ${fmt(c.high)}] p=${pValue(c.pValue)}`;
    });
    lines.push(`| ${name} | ${cells.join(' | ')} | ${fmt(table.averageWords, 1)} |`);
  }
  lines.push('', `SEER average words per reprompt: ${fmt(t2.seerAverageWords, 1)}`);
  const general = Object.entries(results.general);
  const families = Object.keys(general[0]?.[1].genEval.byFamily ?? {});
  lines.push('', '## Tables 4–5 — general generation (World-GenEval) and understanding (World-VQA, yes/no)', '', `| model | ${families.join(' | ')} | GenEval overall | VQA accuracy |`, `|---${'|---'.repeat(families.length + 2)}|`);
  for (const [name, g] of general) {
    const byFamily: Readonly<Record<string, number | undefined>> = g.genEval.byFamily;
    lines.push(`| ${name} | ${families.map((f) => fmt(byFamily[f])).join(' | ')} | ${fmt(g.genEval.overall)} | ${fmt(g.vqa.accuracy)} |`);
  }
  if (general.length) {
    lines.push('', results.model === 'one'
      ? 'One SEER model: the final (stage2) weights drew every image of SEER and its baselines above, so the stage2 row is the GenEval of the images SEER\'s tables were scored on; the stage1 row is the frozen generator of Stage 2\'s rewards.'
      : 'SEER draws with the frozen base generator, so its images keep the base row\'s GenEval; the stage1 / stage2 rows measure how far the trained weights would drift if they drew themselves (the blocks are shared in an early-fusion model).');
  }
  const inference = Object.entries(results.inference);
  if (inference.length) {
    lines.push('', '## Inference variants — chosen by SEER\'s own judge, scored by the oracle against naive', '', '| variant | win ratio vs naive [95% CI] | case sign-test p (ties dropped) | compliance (naive) | reprompts per case | n |', '|---|---|---|---|---|---|');
    for (const [name, v] of inference) lines.push(`| ${name} | ${fmt(v.winRatioVsNaive)} [${fmt(v.low)}, ${fmt(v.high)}] | ${pValue(v.pValue)} | ${fmt(v.compliance)} (${fmt(v.naiveCompliance)}) | ${fmt(v.candidatesPerCase, 1)} | ${String(v.n)} |`);
  }
  const failures = Object.entries(results.failures);
  const types = Object.keys(failures[0]?.[1] ?? {});
  lines.push('', '## Failure types of the reprompts (A.4.3)', '', `| reprompter | ${types.join(' | ')} |`, `|---${'|---'.repeat(types.length)}|`);
  for (const [name, f] of failures) {
    const counts: Readonly<Record<string, number | undefined>> = f;
    lines.push(`| ${name} | ${types.map((t) => String(counts[t] ?? 0)).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** A GRPO metrics file (one JSON object per line), as the numeric series it logs. */
function readMetrics(path: string): Record<string, unknown>[] {
  if (!existsSync(path)) return [];
  return readFileSync(path, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A small line chart of one metric per series, as inline SVG. */
export function svgChart(title: string, series: Record<string, number[]>): string {
  const W = 320;
  const H = 160;
  const all = Object.values(series).flat().filter(Number.isFinite);
  if (all.length === 0) return '';
  const lo = Math.min(...all);
  const hi = Math.max(...all) === lo ? lo + 1 : Math.max(...all);
  const colours = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd'];
  const paths = Object.entries(series).map(([name, ys], k) => {
    const pts = ys.map((y, i) => `${(30 + (i / Math.max(1, ys.length - 1)) * (W - 40)).toFixed(1)},${(H - 20 - ((y - lo) / (hi - lo)) * (H - 40)).toFixed(1)}`);
    return `<polyline fill="none" stroke="${colours[k % 4]}" stroke-width="1.5" points="${pts.join(' ')}"><title>${name}</title></polyline><text x="${40 + k * 90}" y="${H - 4}" font-size="10" fill="${colours[k % 4]}">${name}</text>`;
  });
  return `<figure><svg width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="${title}"><text x="4" y="12" font-size="11">${title}</text><text x="2" y="${H - 20}" font-size="9">${lo.toFixed(2)}</text><text x="2" y="24" font-size="9">${hi.toFixed(2)}</text>${paths.join('')}</svg></figure>`;
}

/** Write report.md and report.html to `runDir`, from `results` or else from the folder's results.json. */
export function writeReport(runDir: string, results: RunResults = readRunResults(join(runDir, 'results.json'))): void {
  const md = reportMarkdown(results);
  writeFileAtomic(join(runDir, 'report.md'), md);
  const runs = {
    'stage1 phase 1': readMetrics(join(runDir, 'stage1', 'phase1', 'metrics.jsonl')),
    'stage1 phase 2': readMetrics(join(runDir, 'stage1', 'phase2', 'metrics.jsonl')),
    'stage2': readMetrics(join(runDir, 'stage2', 'metrics.jsonl')),
  };
  const charts = ['reward', 'rewards/verdict/mean', 'rewards/preference/mean', 'rewards/subject_check/mean', 'rewards/image_reading/mean', 'rewards/recall_carried/mean', 'frac_reward_zero_std', 'entropy', 'kl', 'completions/mean_length', 'clip_ratio/region_mean', 'timing/step']
    .map((metric) => svgChart(metric, Object.fromEntries(Object.entries(runs).map(([name, rows]) => [name, rows.map((r) => r[metric] as number).filter((v) => v !== undefined)]).filter(([, ys]) => (ys as number[]).length > 0))))
    .join('');
  const gallery = results.gallery
    .map((g) => `<figure class="pair"><img src="${escape(g.naive)}" alt="naive"><img src="${escape(g.seer)}" alt="SEER"><figcaption><b>${escape(g.instruction)}</b> — ${escape(g.prompt)}<br>SEER: ${escape(g.reprompt)}</figcaption></figure>`)
    .join('');
  const tables = md
    .split('\n')
    .map((line) => {
      if (line.startsWith('# ')) return `<h1>${escape(line.slice(2))}</h1>`;
      if (line.startsWith('## ')) return `<h2>${escape(line.slice(3))}</h2>`;
      if (line.startsWith('|---')) return '';
      if (line.startsWith('|')) return `<tr>${line.slice(1, -1).split('|').map((c) => `<td>${escape(c.trim())}</td>`).join('')}</tr>`;
      return line ? `<p>${escape(line)}</p>` : '';
    })
    .join('\n')
    .replace(/(<tr>[\s\S]*?<\/tr>\n?)+/g, (m) => `<table>${m}</table>`);
  writeFileAtomic(
    join(runDir, 'report.html'),
    `<!doctype html><meta charset="utf-8"><title>SEER run</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto}table{border-collapse:collapse;font-size:12px}td{border:1px solid #ccc;padding:2px 6px}figure{display:inline-block;margin:4px}.pair img{image-rendering:pixelated;width:96px}</style>${tables}<h2>Training curves</h2>${charts}<h2>Gallery: naive (left) vs SEER (right)</h2>${gallery}`,
  );
}

function escape(text: string): string {
  return text.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
}

// Experiment (docs/seer.md): what a SEER-Mini judge's reasoning says about each image on validation
// cases, and whether a perfect reader of that reasoning would decide right.
// npx tsx src/bench/exp/judge-reading.mts CHECKPOINT DATA_DIR [ROWS]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { readPng } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { findInstruction } from '../../world/instructions.ts';
import { parseCaption } from '../../world/grammar.ts';
import { evaluateRule } from '../../world/rules.ts';
const [dir, data, nRows] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 40)];
const { model } = loadSeerMini(dir);
const judge = new SeerJudge(model);
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet).slice(0, nRows);
type Q = { kind: string; ins: string; prompt: string; subject: string; posCap: string; negCap: string; posFirst: boolean };
const qs: Q[] = [];
const queries = [];
for (const r of rows) {
  const pos = await readPng(join(data, r.quadruplet!.positive));
  for (const n of r.negatives ?? []) {
    const neg = await readPng(join(data, n.image));
    for (const posFirst of [true, false]) {
      qs.push({ kind: n.kind, ins: r.instruction, prompt: r.prompt, subject: r.subject, posCap: r.elaboration, negCap: n.caption, posFirst });
      queries.push({ instruction: r.instruction, prompt: r.prompt, imageA: posFirst ? pos : neg, imageB: posFirst ? neg : pos });
    }
  }
}
const answers = await judge.judge(queries);
const stats: Record<string, { n: number; correct: number; descSubj: number; descRule: number; reader: number }> = {};
answers.forEach((a, i) => {
  const q = qs[i]!;
  const rule = findInstruction(q.ins)!.rule;
  const m = /a shows (.*?)\. b shows (.*?)\./.exec(a.reasoning ?? '');
  const s = (stats[q.kind] ??= { n: 0, correct: 0, descSubj: 0, descRule: 0, reader: 0 });
  s.n++;
  if (a.verdict === (q.posFirst ? 'A' : 'B')) s.correct++;
  if (!m) return;
  const [da, db] = [parseCaption(m[1]!).spec, parseCaption(m[2]!).spec];
  const [dp, dn] = q.posFirst ? [da, db] : [db, da];
  const [tp, tn] = [parseCaption(q.posCap).spec, parseCaption(q.negCap).spec];
  if (dp.subject === tp.subject && dn.subject === tn.subject) s.descSubj++;
  const ok = (sp: typeof dp) => sp.subject === q.subject && evaluateRule(rule, sp).satisfied;
  if (ok(dp) === ok(tp) && ok(dn) === ok(tn)) s.descRule++;
  if (ok(dp) && !ok(dn)) s.reader++;
  else if (ok(dp) === ok(dn)) s.reader += 0.5;
  if (i < 12) console.log(q.kind, q.posFirst, '|', a.reasoning, '|', a.verdict);
});
for (const [k, s] of Object.entries(stats)) console.log(k, JSON.stringify({ n: s.n, judge: (s.correct / s.n).toFixed(2), bothSubjectsRight: (s.descSubj / s.n).toFixed(2), bothVerdictsRight: (s.descRule / s.n).toFixed(2), perfectReader: (s.reader / s.n).toFixed(2) }));
// The same images captioned one at a time in the caption mode.
import { captionContext } from '../../model/templates.ts';
{
  const imgs: { img: Awaited<ReturnType<typeof readPng>>; cap: string; kind: string }[] = [];
  for (const r of rows) {
    imgs.push({ img: await readPng(join(data, r.quadruplet!.positive)), cap: r.elaboration, kind: 'positive' });
    for (const n of r.negatives ?? []) imgs.push({ img: await readPng(join(data, n.image)), cap: n.caption, kind: n.kind });
  }
  const ctx = imgs.map((x) => model.encode(captionContext(), model.encodeImages([x.img])));
  const out = model.sampleText(ctx, { temperature: 0, topP: 1, maxNewTokens: 24, seed: 0 }).map((s) => model.decodeText(s.tokens));
  const acc: Record<string, { n: number; subj: number; exact: number }> = {};
  out.forEach((o, i) => {
    const t = parseCaption(imgs[i]!.cap).spec, d = parseCaption(o).spec;
    const a = (acc[imgs[i]!.kind] ??= { n: 0, subj: 0, exact: 0 });
    a.n++; if (t.subject === d.subject) a.subj++; if (JSON.stringify(t) === JSON.stringify(d)) a.exact++;
  });
  console.log('caption mode', JSON.stringify(Object.fromEntries(Object.entries(acc).map(([k, a]) => [k, { n: a.n, subject: (a.subj / a.n).toFixed(2), exact: (a.exact / a.n).toFixed(2) }]))));
}

// Experiment (docs/seer.md, docs/model.md): the judge's 'read' opening — each image captioned alone,
// then the model's own answers to the caption checks ("does the image show the subject of the
// prompt?", "does the image correctly follows the instruction?", answered greedily) — on validation
// renders, and the caption checks answered greedily on fresh pretraining examples (true captions).
// Validation (the first ROWS rows' renders, each positive against each hard negative, both orders):
// per kind, how often each check is right about the image it reads (the world's truth about the
// rendered scene), how often the verdict the readings imply is right (a tie counts half: what a
// judge that follows its reading would score), a perfect reader of the same captions, and the judge
// itself continuing the opening (its verdict; answered "a"; how often it follows a reading that decides).
// PARAPHRASE=1 asks the validation judgements with each instruction's paraphrase, a wording no
// pretraining task shows (a stand-in, on validation, for instructions the model never read).
// npx tsx src/bench/exp/read-judge.mts CHECKPOINT DATA_DIR [ROWS] [FRESH]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { Rng } from '../../core/rng.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { readPng, type RgbImage } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { parseCheckAnswer, parseReadings, readingVerdict } from '../../model/templates.ts';
import { captionCheckCase, pretrainPrompt } from '../../pretrain/mix.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { parseCaption } from '../../world/grammar.ts';
import { TRAIN_INSTRUCTIONS, findInstruction, paraphraseOf } from '../../world/instructions.ts';
import { evaluateRule } from '../../world/rules.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, data, nRows, nFresh] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 40), Number(process.argv[5] ?? 600)];
const { model } = loadSeerMini(dir);
const pct = (x: number, n: number) => +(x / Math.max(1, n)).toFixed(2);

// 1. Fresh caption checks (true captions), answered greedily.
const rng = new Rng(12345);
const fresh = Array.from({ length: nFresh }, () => captionCheckCase(rng, rng.pick(TRAIN_INSTRUCTIONS), pretrainPrompt(rng)));
const freshAnswers = model.checkAnswers(fresh.map((f) => f.context));
const byKind: Record<string, { n: number; right: number; exact: number }> = {};
fresh.forEach((f, i) => {
  const s = (byKind[`${f.question}: ${f.kind}`] ??= { n: 0, right: 0, exact: 0 });
  s.n++;
  if (parseCheckAnswer(freshAnswers[i]!) === f.yes) s.right++;
  if (freshAnswers[i] === f.answer) s.exact++;
  if (process.env.SHOW && i < 20) console.log(f.context.slice(-110), '=>', freshAnswers[i], '| world:', f.answer);
});
console.log('fresh caption checks (true captions), greedy: yes/no right (whole answer right)');
for (const [k, s] of Object.entries(byKind).sort()) console.log(`  ${k.padEnd(40)} ${pct(s.right, s.n)} (${pct(s.exact, s.n)}) n=${s.n}`);

// 2. Validation renders.
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet).slice(0, nRows);
type Q = { kind: string; ins: string; prompt: string; subject: string; pos: number; neg: number; posFirst: boolean };
const images: RgbImage[] = [];
const truth: { subject: boolean; instruction: boolean }[] = [];
const qs: Q[] = [];
for (const r of rows) {
  const rule = findInstruction(r.instruction)!.rule;
  const asked = process.env.PARAPHRASE ? paraphraseOf(r.instruction) : r.instruction; // a wording pretraining never showed
  const pos = images.push(await readPng(join(data, r.quadruplet!.positive))) - 1;
  truth[pos] = { subject: true, instruction: true };
  for (const n of r.negatives ?? []) {
    const neg = images.push(await readPng(join(data, n.image))) - 1;
    const spec = parseCaption(n.caption).spec; // the world's caption of the negative's scene
    truth[neg] = { subject: spec.subject === r.subject, instruction: evaluateRule(rule, spec).satisfied };
    for (const posFirst of [true, false]) qs.push({ kind: n.kind, ins: asked, prompt: r.prompt, subject: r.subject, pos, neg, posFirst });
  }
}
const order = (q: Q) => (q.posFirst ? [q.pos, q.neg] : [q.neg, q.pos]) as [number, number];
const codes = model.encodeImages(images);
model.judgeDescriptions = 'read';
const openings = model.judgeOpenings(qs.map((q) => { const [a, b] = order(q); return [codes[a]!, codes[b]!] as const; }), qs.map((q) => ({ instruction: q.ins, prompt: q.prompt })))!;
const captions = model.captionCodes(codes);
const judged = await new SeerJudge(model, { probabilities: false }).judge(qs.map((q) => { const [a, b] = order(q); return { instruction: q.ins, prompt: q.prompt, imageA: images[a]!, imageB: images[b]! }; }));
type S = { n: number; subjectRight: number; instructionRight: number; follows: number; reader: number; judge: number; a: number; decisive: number; obeys: number };
const stats: Record<string, S> = {};
qs.forEach((q, i) => {
  const s = (stats[q.kind] ??= { n: 0, subjectRight: 0, instructionRight: 0, follows: 0, reader: 0, judge: 0, a: 0, decisive: 0, obeys: 0 });
  const right = q.posFirst ? 'A' : 'B';
  const readings = parseReadings(openings[i]!);
  const [a, b] = order(q);
  for (const [k, r] of [[a, readings?.a], [b, readings?.b]] as const) {
    if (r && r.subject === truth[k]!.subject) s.subjectRight += 0.5;
    if (r && r.instruction === truth[k]!.instruction) s.instructionRight += 0.5;
  }
  const v = readingVerdict(readings);
  s.follows += v === 'tie' ? 0.5 : v === right ? 1 : 0;
  if (v !== 'tie') {
    s.decisive++;
    if (judged[i]!.verdict === v) s.obeys++;
  }
  const rule = findInstruction(q.ins)!.rule;
  const ok = (k: number) => { const sp = parseCaption(captions[k]!).spec; return sp.subject === q.subject && evaluateRule(rule, sp).satisfied; };
  s.reader += ok(q.pos) && !ok(q.neg) ? 1 : ok(q.pos) === ok(q.neg) ? 0.5 : 0;
  if (judged[i]!.verdict === right) s.judge++;
  if (judged[i]!.verdict === 'A') s.a++;
  s.n++;
  if (i < 4 || process.env.SHOW) console.log(q.kind, right, '|', openings[i], '|', judged[i]!.verdict);
});
const all = Object.values(stats).reduce((t, s) => Object.fromEntries(Object.keys(t).map((k) => [k, t[k as keyof S] + s[k as keyof S]])) as S, { n: 0, subjectRight: 0, instructionRight: 0, follows: 0, reader: 0, judge: 0, a: 0, decisive: 0, obeys: 0 });
console.log(`validation renders, ${rows.length} rows (the 'read' opening):`);
for (const [k, s] of [...Object.entries(stats), ['all', all] as const]) console.log(`  ${k.padEnd(16)} ${JSON.stringify({ n: s.n, subjectCheck: pct(s.subjectRight, s.n), instructionCheck: pct(s.instructionRight, s.n), readingVerdict: pct(s.follows, s.n), perfectReader: pct(s.reader, s.n), judge: pct(s.judge, s.n), answeredA: pct(s.a, s.n), readingDecides: pct(s.decisive, s.n), judgeFollowsDecisiveReading: pct(s.obeys, s.decisive) })}`);

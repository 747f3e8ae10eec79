// Experiment (docs/seer.md): a judge whose descriptions come from the model's own caption mode.
// Each image is captioned alone (no prompt in context, so the prompt cannot prime the description);
// the judge then continues "<think> a shows CAP_A. b shows CAP_B." with its recall and verdict.
// Reports, per hard-negative kind on validation rows (both orders): the plain judge, the
// caption-grounded judge, a perfect reader of the captions (the ceiling of reading them), and the
// model's own reading (pretraining's caption-reading question, v6 on): the image whose caption gets
// the higher P(yes) wins; and the judge's own written reading ("a: subject yes, instruction no.",
// judge-reading bases, v7 on): the image it reads as compliant wins, a tie counts half — after the
// captioned opening ('judgeReading') and in the plain judge's own free-written reasoning ('freeReading').
// DESCRIPTIONS=detector captions each image with the oracle's detector, applied to the image as the
// model sees it (its codes decoded), instead of the model's caption mode: the descriptions a model
// that understood its own image codes perfectly would write.
// npx tsx src/bench/exp/caption-judge.mts CHECKPOINT DATA_DIR [ROWS]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { readPng, type RgbImage } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { captionedOpening, judgeContext, parseJudgeOutput, parseReadings, readingVerdict } from '../../model/templates.ts';
import { readingContext } from '../../pretrain/mix.ts';
import { instructionRecall } from '../../pretrain/reprompts.ts';
import { Rng } from '../../core/rng.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { findInstruction } from '../../world/instructions.ts';
import { parseCaption } from '../../world/grammar.ts';
import { detectorCaptions } from './detector-openings.mts';
import { evaluateRule } from '../../world/rules.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, data, nRows] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 40)];
const { model } = loadSeerMini(dir);
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet).slice(0, nRows);
type Q = { kind: string; ins: string; prompt: string; subject: string; pos: number; neg: number; posFirst: boolean };
const images: RgbImage[] = [];
const qs: Q[] = [];
for (const r of rows) {
  const pos = images.push(await readPng(join(data, r.quadruplet!.positive))) - 1;
  for (const n of r.negatives ?? []) {
    const neg = images.push(await readPng(join(data, n.image))) - 1;
    for (const posFirst of [true, false]) qs.push({ kind: n.kind, ins: r.instruction, prompt: r.prompt, subject: r.subject, pos, neg, posFirst });
  }
}
const codes = model.encodeImages(images);
const captions = process.env.DESCRIPTIONS === 'detector' ? detectorCaptions(model, codes) : model.captionCodes(codes);
const plain = await new SeerJudge(model, { probabilities: false }).judge(qs.map((q) => ({ instruction: q.ins, prompt: q.prompt, imageA: images[q.posFirst ? q.pos : q.neg]!, imageB: images[q.posFirst ? q.neg : q.pos]! })));
const order = (q: Q) => (q.posFirst ? [q.pos, q.neg] : [q.neg, q.pos]) as [number, number];
const prefixes = qs.map((q) => { const [a, b] = order(q); return captionedOpening(captions[a]!, captions[b]!); });
const contexts = qs.map((q, i) => { const [a, b] = order(q); return [...model.encode(judgeContext(q.ins, q.prompt), model.encodeImages([images[a]!, images[b]!])), ...model.text.encode(prefixes[i]!)]; });
const groundedSamples = model.sampleText(contexts, { temperature: 0, topP: 1, maxNewTokens: 64, seed: 0 });
const grounded = groundedSamples.map((s, i) => parseJudgeOutput(`${prefixes[i]} ${model.decodeText(s.tokens)}`));
// The judge's own written reading of the two captions (judge-reading bases, v7 on): the image it reads as compliant wins.
const written = groundedSamples.map((s, i) => parseReadings(`${prefixes[i]} ${model.decodeText(s.tokens)}`));
// The model's own reading of each caption (P(yes) of the caption-reading question), per (query, image).
const recallRng = new Rng(0);
const readings = model.scoreAnswers(qs.flatMap((q) => [q.pos, q.neg].map((k) => model.text.encode(readingContext(q.ins, q.prompt, captions[k]!, instructionRecall(recallRng, findInstruction(q.ins)!))))), ['yes', 'no']).map(([y, n]) => 1 / (1 + Math.exp(n! - y!)));
const stats: Record<string, { n: number; plain: number; grounded: number; reader: number; a: number; own: number; ownHard: number; written: number; free: number; readable: number; truncated: number }> = {};
/** 1 when a judge's reading lines make the right image the only compliant one, 0 when the wrong one, 0.5 when they do not decide (or are missing). */
function readingWins(w: ReturnType<typeof parseReadings>, right: 'A' | 'B'): number {
  const v = readingVerdict(w);
  return v === 'tie' ? 0.5 : v === right ? 1 : 0;
}
qs.forEach((q, i) => {
  const s = (stats[q.kind] ??= { n: 0, plain: 0, grounded: 0, reader: 0, a: 0, own: 0, ownHard: 0, written: 0, free: 0, readable: 0, truncated: 0 });
  const [yPos, yNeg] = [readings[2 * i]!, readings[2 * i + 1]!];
  s.own += yPos > yNeg ? 1 : yPos === yNeg ? 0.5 : 0;
  // The same reading as a yes/no answer per caption (what a judge writing its answers would decide on; a tie is a coin flip).
  s.ownHard += yPos > 0.5 && yNeg <= 0.5 ? 1 : yPos > 0.5 === yNeg > 0.5 ? 0.5 : 0;
  const right = q.posFirst ? 'A' : 'B';
  const w = written[i];
  if (groundedSamples[i]!.truncated) s.truncated++;
  if (w) s.readable++;
  s.written += readingWins(w ?? null, right);
  s.free += readingWins(parseReadings(plain[i]!.reasoning ?? ''), right);
  s.n++;
  if (plain[i]!.verdict === right) s.plain++;
  const g = grounded[i]!;
  if (g.ok && g.verdict === right) s.grounded++;
  if (g.ok && g.verdict === 'A') s.a++;
  const rule = findInstruction(q.ins)!.rule;
  const ok = (k: number) => { const sp = parseCaption(captions[k]!).spec; return sp.subject === q.subject && evaluateRule(rule, sp).satisfied; };
  s.reader += ok(q.pos) && !ok(q.neg) ? 1 : ok(q.pos) === ok(q.neg) ? 0.5 : 0;
  if (i < 6 || process.env.SHOW) console.log(q.kind, q.posFirst, '|', prefixes[i], '|', model.decodeText(groundedSamples[i]!.tokens));
});
const all = Object.values(stats).reduce((t, s) => ({ n: t.n + s.n, plain: t.plain + s.plain, grounded: t.grounded + s.grounded, reader: t.reader + s.reader, a: t.a + s.a, own: t.own + s.own, ownHard: t.ownHard + s.ownHard, written: t.written + s.written, free: t.free + s.free, readable: t.readable + s.readable, truncated: t.truncated + s.truncated }), { n: 0, plain: 0, grounded: 0, reader: 0, a: 0, own: 0, ownHard: 0, written: 0, free: 0, readable: 0, truncated: 0 });
for (const [k, s] of [...Object.entries(stats), ['all', all] as const]) console.log(k.padEnd(16), JSON.stringify({ n: s.n, plainJudge: +(s.plain / s.n).toFixed(2), captionGrounded: +(s.grounded / s.n).toFixed(2), answeredA: +(s.a / s.n).toFixed(2), perfectReader: +(s.reader / s.n).toFixed(2), ownReading: +(s.own / s.n).toFixed(2), ownReadingYesNo: +(s.ownHard / s.n).toFixed(2), judgeReading: +(s.written / s.n).toFixed(2), freeReading: +(s.free / s.n).toFixed(2), readable: +(s.readable / s.n).toFixed(2), truncated: s.truncated }));

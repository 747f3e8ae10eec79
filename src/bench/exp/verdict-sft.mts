// Experiment (docs/seer.md): is the judge's verdict learnable from Stage 1's training pairs at all?
// A diagnostic upper bound, not the method: the verdict is trained by plain cross-entropy (the label
// as the target, no sampling, no GRPO) on the phase-2 pairs of DATA/vie-train.jsonl (both orders,
// NEGATIVES kinds per row), after a captioned opening — the model's own captions
// (DESCRIPTIONS=captioned, the default) or the oracle detector's captions of the model's image codes
// (DESCRIPTIONS=detector). Every EVAL steps it scores the verdict teacher-forced (P(a) against
// P(b) after "… </think> <answer>") on every validation pair (each positive against each of its
// verified negatives, both orders), by negative kind. READINGS=1 (with DESCRIPTIONS=detector) adds
// the world's reading of each detector caption after the opening ("a: subject yes, instruction no."):
// can the verdict learn to follow a right reading?
// npx tsx src/bench/exp/verdict-sft.mts CHECKPOINT DATA STEPS LR [NEGATIVES] [EVAL]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { Rng } from '../../core/rng.ts';
import { testRowSchema, trainRowSchema } from '../../data/schemas.ts';
import { findInstruction } from '../../world/instructions.ts';
import { evaluateRule } from '../../world/rules.ts';
import { engine, tidy } from '../../engine/torch.ts';
import { readPng } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { judgeContext, readingLine } from '../../model/templates.ts';
import { useDetectorOpenings } from './detector-openings.mts';
import { buildJudgePrompts } from '../../seer/stage1.ts';
import { parseCaption } from '../../world/grammar.ts';
engine.setThreads(1, 1);
const [dir, data, steps, lr, negatives = '5', every = '100'] = process.argv.slice(2) as [string, string, string, string, ...string[]];
const { model } = loadSeerMini(dir);
model.judgeDescriptions = 'captioned';
if (process.env.DESCRIPTIONS === 'detector') useDetectorOpenings(model);
const answerSlot = model.text.encode(' </think> <answer>');
const detected = process.env.READINGS === '1';
/** The world's reading lines of a captioned opening, for a case's instruction and subject. */
const readingsOf = (opening: string, instruction: string, subject: string): string => {
  const m = /a shows (.*)\. b shows (.*)\.$/.exec(opening)!;
  const rule = findInstruction(instruction)!.rule;
  const line = (image: 'a' | 'b', caption: string) => { const spec = parseCaption(caption).spec; return readingLine(image, spec.subject === subject, evaluateRule(rule, spec).satisfied); };
  return ` ${line('a', m[1]!)} ${line('b', m[2]!)}`;
};
const trainRows = new Map(readJsonl(join(data, 'vie-train.jsonl'), trainRowSchema).map((r) => [r.id, r]));
const train = (await buildJudgePrompts(model, data, 2, { negativesPerRow: Number(negatives) })).map((p) => {
  if (!detected) return p;
  const row = trainRows.get((p.block ?? '').replace(/-p2(-n\d+)?$/, ''))!;
  return { ...p, context: [...p.context, ...model.text.encode(readingsOf(p.meta.opening!, row.instruction, row.subject))] };
});
const targetOf = (label: 'A' | 'B') => model.text.encode(` </think> <answer> ${label === 'A' ? 'a' : 'b'} </answer> <eos>`);

// Validation: every positive against each of its verified negatives, both orders, after the same opening.
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet);
const val: { kind: string; context: number[]; label: 'A' | 'B' }[] = [];
const pairs: [number[], number[]][] = [];
const meta: { kind: string; segments: ReturnType<typeof judgeContext>; label: 'A' | 'B'; instruction: string; prompt: string; subject: string }[] = [];
for (const r of rows) {
  const [pos] = model.encodeImages([await readPng(join(data, r.quadruplet!.positive))]) as [number[]];
  for (const n of r.negatives ?? []) {
    const [neg] = model.encodeImages([await readPng(join(data, n.image))]) as [number[]];
    for (const label of ['A', 'B'] as const) {
      pairs.push(label === 'A' ? [pos, neg] : [neg, pos]);
      meta.push({ kind: n.kind, segments: judgeContext(r.instruction, r.prompt), label, instruction: r.instruction, prompt: r.prompt, subject: r.subject });
    }
  }
}
const openings = model.judgeOpenings(pairs, meta.map((m) => ({ instruction: m.instruction, prompt: m.prompt })))!;
meta.forEach((m, i) => val.push({ kind: m.kind, label: m.label, context: [...model.encode(m.segments, pairs[i]!), ...model.text.encode(openings[i]! + (detected ? readingsOf(openings[i]!, m.instruction, m.subject) : '')), ...answerSlot] }));

function score(): Record<string, number> {
  const probs = model.scoreAnswers(val.map((v) => v.context), ['a', 'b']);
  const byKind: Record<string, { n: number; right: number }> = {};
  val.forEach((v, i) => {
    const [a, b] = probs[i]!;
    for (const k of [v.kind, 'all']) {
      const s = (byKind[k] ??= { n: 0, right: 0 });
      s.n++;
      s.right += a! === b! ? 0.5 : (a! > b!) === (v.label === 'A') ? 1 : 0;
    }
  });
  return Object.fromEntries(Object.entries(byKind).map(([k, s]) => [k, +(s.right / s.n).toFixed(3)]));
}

const params = model.transformer.parameters.map((p) => p.tensor);
const optimizer = engine.adamW([{ params, lr: Number(lr), weightDecay: 0 }], [0.9, 0.95]);
const rng = new Rng(0);
const t0 = Date.now();
console.log(JSON.stringify({ step: 0, trainPairs: train.length, validationPairs: val.length, validation: score() }));
for (let step = 1; step <= Number(steps); step++) {
  const batch = Array.from({ length: 16 }, () => train[rng.int(train.length)]!);
  const loss = tidy(() => {
    for (const p of params) p.zeroGrad();
    const l = model.lossOn(batch.map((p) => p.context), batch.map((p) => targetOf(p.meta.label)));
    l.backward();
    return l.item();
  });
  engine.clipGradNorm(params, 1);
  optimizer.step();
  if (step % Number(every) === 0) console.log(JSON.stringify({ step, loss: +loss.toFixed(3), validation: score(), seconds: (Date.now() - t0) / 1000 }));
}

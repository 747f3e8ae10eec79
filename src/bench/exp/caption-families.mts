// Experiment (docs/model.md, "Captions: what limits the read judge"): how well a checkpoint's
// caption mode reads the image codes, family by family, against what the codes hold. On the
// validation renders (each row's positive and hard negatives): the oracle detector on the render
// itself (the truth), the detector on the render as the model sees it (its 64 codes decoded: the
// image tokenizer's ceiling), and the model's own greedy caption parsed back to a scene. A family
// the caption reads below the codes' ceiling is one more captioning can win; at the ceiling, only a
// finer image tokenizer can. Then the same on the generator's own images (each row's elaboration
// and naive `instruction + prompt`, one image seed), where the codes are all there is: the detector
// on the decoded codes is the truth (what the oracle sees).
// npx tsx src/bench/exp/caption-families.mts CHECKPOINT DATA_DIR [ROWS]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { readPng, type RgbImage } from '../../image/image.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { shippedDetector } from '../../oracle/detector.ts';
import { parseCaption } from '../../world/grammar.ts';
import type { SceneSpec } from '../../world/spec.ts';
import { findInstruction } from '../../world/instructions.ts';
import { evaluateRule } from '../../world/rules.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, data, nRows] = [process.argv[2]!, process.argv[3]!, Number(process.argv[4] ?? 40)];
const { model } = loadSeerMini(dir);
const rows = readJsonl(join(data, 'vie-val.jsonl'), testRowSchema).filter((r) => r.quadruplet).slice(0, nRows);
const images: RgbImage[] = [];
for (const r of rows) {
  images.push(await readPng(join(data, r.quadruplet!.positive)));
  for (const n of r.negatives ?? []) images.push(await readPng(join(data, n.image)));
}
const size = model.image.imageSize;
const detector = shippedDetector();
const truth = detector.detect(images).map((d) => d.spec);
const codes = model.encodeImages(images);
const ceiling = detector.detect(codes.map((c) => model.image.decode(c))).map((d) => d.spec);
const captions = model.captionCodes(codes);
const read = captions.map((c) => parseCaption(c).spec);
const families: (keyof SceneSpec)[] = ['subject', 'material', 'colour', 'style', 'accessory', 'eyes', 'mouth', 'blush', 'background'];
const share = (specs: readonly SceneSpec[], f: keyof SceneSpec) => +(specs.filter((s, i) => s[f] === truth[i]![f]).length / specs.length).toFixed(3);
const capOfCeiling = (f: keyof SceneSpec) => +(read.filter((s, i) => s[f] === ceiling[i]![f]).length / read.length).toFixed(3);
console.log(`${images.length} validation renders (${rows.length} rows), image size ${size}: share of images whose family is read as the detector reads the render`);
console.log('family'.padEnd(12), 'codes (ceiling)', 'caption', 'caption = codes');
for (const f of families) console.log(f.padEnd(12), String(share(ceiling, f)).padEnd(15), String(share(read, f)).padEnd(7), capOfCeiling(f));
const whole = (specs: readonly SceneSpec[]) => +(specs.filter((s, i) => families.every((f) => s[f] === truth[i]![f])).length / specs.length).toFixed(3);
console.log('every family', whole(ceiling), whole(read));
// What a judge needs of a caption: does the image keep the prompt's subject, does it follow the
// instruction's rule — the caption's answer against the detector's.
const verdicts = (spec: SceneSpec, r: (typeof rows)[number]) => ({ subject: spec.subject === r.subject, rule: evaluateRule(findInstruction(r.instruction)!.rule, spec).satisfied });
{
  // Renders: each row's positive and negatives, in the order they were read.
  const rowOf = rows.flatMap((r) => [r, ...(r.negatives ?? []).map(() => r)]);
  let subject = 0, rule = 0, both = 0;
  rowOf.forEach((r, i) => {
    const [c, d] = [verdicts(read[i]!, r), verdicts(truth[i]!, r)];
    subject += +(c.subject === d.subject); rule += +(c.rule === d.rule); both += +(c.subject === d.subject && c.rule === d.rule);
  });
  const n = rowOf.length;
  console.log(`renders: caption reads as the detector — subject kept ${(subject / n).toFixed(2)}, rule followed ${(rule / n).toFixed(2)}, both ${(both / n).toFixed(2)}`);
}

// The generator's images: the model's codes are the image.
const SEEDS = 3; // image seeds per prompt
const prompts = [...Array(SEEDS).keys()].flatMap(() => rows.flatMap((r) => [r.elaboration, `${r.instruction} ${r.prompt}`]));
const drawn = model.generateImages(prompts, prompts.map((_, i) => 1000 + i));
const drawnCodes = model.encodeImages(drawn);
const drawnTruth = detector.detect(drawnCodes.map((c) => model.image.decode(c))).map((d) => d.spec);
const drawnRead = model.captionCodes(drawnCodes).map((c) => parseCaption(c).spec);
const agree = (f: keyof SceneSpec) => +(drawnRead.filter((s, i) => s[f] === drawnTruth[i]![f]).length / drawnRead.length).toFixed(3);
console.log(`${drawn.length} generator images (elaboration and naive prompt of each row, 3 image seeds): caption = detector on the codes`);
for (const f of families) console.log(f.padEnd(12), agree(f));
console.log('every family', +(drawnRead.filter((s, i) => families.every((f) => s[f] === drawnTruth[i]![f])).length / drawnRead.length).toFixed(3));
// The same two answers on the generator's images, per kind of prompt.
for (const [k, kind] of ['elaboration', 'naive'].entries()) {
  let subject = 0, rule = 0, both = 0, n = 0, kept = 0, follows = 0;
  [...Array(SEEDS).keys()].flatMap(() => rows).forEach((r, j) => {
    const i = 2 * j + k;
    const [c, d] = [verdicts(drawnRead[i]!, r), verdicts(drawnTruth[i]!, r)];
    n++;
    if (c.subject === d.subject) subject++;
    if (c.rule === d.rule) rule++;
    if (c.subject === d.subject && c.rule === d.rule) both++;
    if (d.subject) kept++;
    if (d.rule) follows++;
  });
  console.log(`${kind}: caption reads as the detector — subject kept ${(subject / n).toFixed(2)}, rule followed ${(rule / n).toFixed(2)}, both ${(both / n).toFixed(2)} (detector: kept ${kept}/${n}, follows ${follows}/${n})`);
}
if (process.env.SHOW) captions.slice(0, 12).forEach((c, i) => console.log(c, '| truth:', JSON.stringify(truth[i])));
if (process.env.SHOW) drawnRead.slice(0, 16).forEach((s, i) => console.log(prompts[i], '| caption:', JSON.stringify(s), '| detector:', JSON.stringify(drawnTruth[i])));

// Experiment (docs/seer.md, "Inference"): can the model's own caption checks steer inference?
// On the validation cases, a run's Stage-2 model samples DRAFTS reprompts per case and image seed;
// its Stage-1 model checks each draft's *text* as if it were the caption of the image it asks for
// ("does the image show the subject of the prompt?", "… follow the instruction?"), and reads each
// drawn image (its caption, then the same checks). Reported, against the oracle's truth about
// each drawn image: how often each check is right, P(oracle: complies | check yes) and P(… | no);
// and what picking a draft by those checks would give — the oracle's compliance, subject kept and
// win ratio against the naive image of the same seed — next to the first draft (single shot); and
// the image reading with ties broken by whether the draft's answer carries its reasoning's recall.
// npx tsx src/bench/exp/draft-checks.mts RUN [DRAFTS] [ROWS]
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { OracleJudge, resolveQuery } from '../../oracle/judge.ts';
import { judgeBlind } from '../../roles/blind.ts';
import { naivePrompt } from '../../roles/roles.ts';
import { SeerReprompter } from '../../seer/roles.ts';
import { engine } from '../../engine/torch.ts';
import type { ImageReading } from '../../model/templates.ts';
import { carriedShare, drawableRecall } from '../../seer/rewards.ts';
engine.setThreads(1, 1);

const [run, drafts, nRows] = [process.argv[2]!, Number(process.argv[3] ?? 8), Number(process.argv[4] ?? 1000)];
const config = JSON.parse((await import('node:fs')).readFileSync(join(run, 'config.json'), 'utf8')) as { checkpoint?: string };
const reprompter = loadSeerMini(join(run, 'stage2-model')).model;
const reader = loadSeerMini(join(run, 'stage1-model')).model;
const generator = loadSeerMini(config.checkpoint ?? 'checkpoints/seer-mini-base').model;
const oracle = new OracleJudge();
const rows = readJsonl(join(run, 'data', 'vie-val.jsonl'), testRowSchema).slice(0, nRows);
const seeds = [11, 12];
const cases = rows.flatMap((row) => seeds.map((seed) => ({ row, seed })));
const asks = cases.flatMap((c) => Array.from({ length: drafts }, () => c));
const drafted = await new SeerReprompter(reprompter).reprompt(asks.map((a) => a.row), { seed: 7 });
const texts = drafted.map((r) => r.reprompt);
// Whether each draft's answer says every drawable descriptor its reasoning recalled (the recall-carried reward's 1).
const carries = drafted.map((r) => (carriedShare(drawableRecall(r.reasoning ?? ''), r.reprompt) === 1 ? 1 : 0));
const textReadings = reader.readCaptions(asks.map((a, i) => ({ instruction: a.row.instruction, prompt: a.row.prompt, caption: texts[i]! })));
const images = generator.generateImages(texts, asks.map((a) => a.seed));
const naive = generator.generateImages(cases.map((c) => naivePrompt(c.row)), cases.map((c) => c.seed));
const captions = reader.captionCodes(reader.encodeImages(images));
const imageReadings = reader.readCaptions(asks.map((a, i) => ({ instruction: a.row.instruction, prompt: a.row.prompt, caption: captions[i]! })));
const truth = asks.map((a, i) => {
  const { rule, subject } = resolveQuery(a.row.instruction, a.row.prompt);
  return oracle.assess([images[i]!], rule, subject)[0]!;
});

const pct = (x: number, n: number) => (n ? +(x / n).toFixed(2) : NaN);
function checkStats(name: string, readings: readonly ImageReading[]): void {
  const subj = { right: 0, yes: 0, yesKept: 0, no: 0, noKept: 0 };
  const ins = { right: 0, yes: 0, yesOk: 0, no: 0, noOk: 0 };
  readings.forEach((r, i) => {
    const t = truth[i]!;
    if (r.subject === t.subjectKept) subj.right++;
    if (r.subject) { subj.yes++; if (t.subjectKept) subj.yesKept++; } else { subj.no++; if (t.subjectKept) subj.noKept++; }
    if (r.instruction === t.satisfied) ins.right++;
    if (r.instruction) { ins.yes++; if (t.satisfied) ins.yesOk++; } else { ins.no++; if (t.satisfied) ins.noOk++; }
  });
  const n = readings.length;
  console.log(`${name}: subject check right ${pct(subj.right, n)}; says yes ${pct(subj.yes, n)}; P(kept | yes) ${pct(subj.yesKept, subj.yes)}, P(kept | no) ${pct(subj.noKept, subj.no)}`);
  console.log(`${' '.repeat(name.length)}  instruction check right ${pct(ins.right, n)}; says yes ${pct(ins.yes, n)}; P(complies | yes) ${pct(ins.yesOk, ins.yes)}, P(complies | no) ${pct(ins.noOk, ins.no)}`);
}
console.log(`${rows.length} validation rows × ${seeds.length} image seeds × ${drafts} drafts = ${asks.length} drawn reprompts; oracle: subject kept ${pct(truth.filter((t) => t.subjectKept).length, truth.length)}, complies ${pct(truth.filter((t) => t.satisfied).length, truth.length)}`);
checkStats('checks of the draft text', textReadings);
checkStats('readings of the drawn image', imageReadings);

// Picking one draft per case.
const score = (r: ImageReading) => (r.subject ? 2 : 0) + (r.instruction ? 1 : 0);
const pickers: Record<string, (idx: number[]) => number> = {
  'first draft (single shot)': (idx) => idx[0]!,
  'first draft whose text passes both checks': (idx) => idx.find((i) => score(textReadings[i]!) === 3) ?? idx[0]!,
  'best text reading (subject, then instruction)': (idx) => idx.reduce((b, i) => (score(textReadings[i]!) > score(textReadings[b]!) ? i : b)),
  'best image reading (subject, then instruction)': (idx) => idx.reduce((b, i) => (score(imageReadings[i]!) > score(imageReadings[b]!) ? i : b)),
  'best text, then image reading': (idx) => idx.reduce((b, i) => (4 * score(textReadings[i]!) + score(imageReadings[i]!) > 4 * score(textReadings[b]!) + score(imageReadings[b]!) ? i : b)),
  'best image reading, then the recall carried': (idx) => idx.reduce((b, i) => (2 * score(imageReadings[i]!) + carries[i]! > 2 * score(imageReadings[b]!) + carries[b]! ? i : b)),
  'oracle pick (ceiling)': (idx) => idx.reduce((b, i) => (truth[i]!.score > truth[b]!.score ? i : b)),
};
for (const [name, pick] of Object.entries(pickers)) {
  const chosen = cases.map((_, c) => pick(Array.from({ length: drafts }, (_, k) => c * drafts + k)));
  const verdicts = await judgeBlind(oracle, chosen.map((i, c) => ({ instruction: cases[c]!.row.instruction, prompt: cases[c]!.row.prompt, candidate: images[i]!, baseline: naive[c]!, key: `${c}` })), { seed: 0 });
  const win = verdicts.reduce((s, v) => s + (v.outcome === 'candidate' ? 1 : v.outcome === 'tie' ? 0.5 : 0), 0) / verdicts.length;
  console.log(`${name.padEnd(48)} vs naive ${win.toFixed(2)}; complies ${pct(chosen.filter((i) => truth[i]!.satisfied).length, chosen.length)}; subject kept ${pct(chosen.filter((i) => truth[i]!.subjectKept).length, chosen.length)}; mean compliance ${(chosen.reduce((s, i) => s + truth[i]!.compliance, 0) / chosen.length).toFixed(2)}`);
}

// Experiment (docs/model.md, "Instruction checks in other words"): does the model's instruction
// check read the instruction's words, or recognise a memorised text? Fresh instruction checks
// (pretraining's `captionCheckCase`, true captions) over the 60 training instructions, each case
// asked three ways — the instruction's text (what pretraining showed), its paraphrase (a wording no
// pretraining task ever shows: only the tokenizer's corpus holds it) and a fresh wording of its rule
// (world/wordings.ts; what the check-wordings continuations train on) — answered greedily; the share
// of right yes/no answers by way, kind and difficulty. The same cases in every way and for every
// checkpoint (seeded). No validation or test row is read.
// npx tsx src/bench/exp/check-wordings.mts CHECKPOINT [CASES]
import { Rng } from '../../core/rng.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { parseCheckAnswer } from '../../model/templates.ts';
import { captionCheckCase, pretrainPrompt } from '../../pretrain/mix.ts';
import { TRAIN_INSTRUCTIONS } from '../../world/instructions.ts';
import { freshWording } from '../../world/wordings.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, nCases] = [process.argv[2]!, Number(process.argv[3] ?? 800)];
const { model } = loadSeerMini(dir);

const rng = new Rng(777);
const wordRng = new Rng(778); // the fresh wordings' own stream: the cases do not depend on how wordings are drawn
const cases: { context: string; yes: boolean; kind: string; difficulty: string; text: string; paraphrase: string; fresh: string }[] = [];
while (cases.length < nCases) {
  const ins = rng.pick(TRAIN_INSTRUCTIONS);
  const c = captionCheckCase(rng, ins, pretrainPrompt(rng));
  if (c.question !== 'instruction') continue;
  cases.push({ ...c, difficulty: ins.difficulty, text: ins.text, paraphrase: ins.paraphrases[0]!, fresh: freshWording(wordRng, ins.rule) ?? ins.text });
}
const ways = ['text', 'paraphrase', 'fresh'] as const;
const rows: Record<string, Record<string, [number, number]>> = {};
for (const way of ways) {
  const answers = model.checkAnswers(cases.map((c) => c.context.replace(c.text, c[way])));
  cases.forEach((c, i) => {
    const kind = c.kind.startsWith('follows') ? 'follows' : 'misses';
    for (const k of ['all', kind, c.difficulty]) {
      const s = ((rows[k] ??= {})[way] ??= [0, 0]);
      s[1]++;
      if (parseCheckAnswer(answers[i]!) === c.yes) s[0]++;
    }
    const wrong = parseCheckAnswer(answers[i]!) !== c.yes;
    if (process.env.SHOW === way && wrong) console.log(`${c[way]} | ${c.context.split(' image shows ')[1]!.split('. does')[0]} => ${answers[i]} (world: ${c.yes ? 'yes' : 'no'})`);
  });
}
console.log(`instruction checks right (${nCases} fresh cases, true captions), by how the instruction is worded:`);
console.log(`| cases | ${ways.join(' | ')} |`);
for (const [k, byWay] of Object.entries(rows)) console.log(`| ${k} (${byWay.text![1]}) | ${ways.map((w) => (byWay[w]![0] / byWay[w]![1]).toFixed(2)).join(' | ')} |`);

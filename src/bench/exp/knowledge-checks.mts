// Experiment (docs/model.md, "Checks from the knowledge corpus"): can the model's instruction
// check read a caption against a concept it has only read about? Fresh instruction checks
// (pretraining's `captionCheckCase`, true captions) over rules the knowledge corpus states
// (world/wordings.ts `knowledgeCheckInstruction`: two cues of one concept, or one of each of two,
// in a fresh wording), answered greedily; the share of right yes/no answers, split by whether the
// rule reads a concept only the out-of-distribution instructions use. The same cases for every
// checkpoint (seeded). No validation or test row is read, and no OOD instruction text is asked.
// npx tsx src/bench/exp/knowledge-checks.mts CHECKPOINT [CASES]
import { Rng } from '../../core/rng.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { parseCheckAnswer } from '../../model/templates.ts';
import { captionCheckCase, pretrainPrompt } from '../../pretrain/mix.ts';
import { TRAIN_INSTRUCTIONS } from '../../world/instructions.ts';
import { ruleConcepts } from '../../world/rules.ts';
import { knowledgeCheckInstruction } from '../../world/wordings.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, nCases] = [process.argv[2]!, Number(process.argv[3] ?? 800)];
const { model } = loadSeerMini(dir);

const trainingConcepts = new Set(TRAIN_INSTRUCTIONS.flatMap((ins) => ruleConcepts(ins.rule)));

const rng = new Rng(779);
const cases: { context: string; yes: boolean; group: string; kind: string; text: string }[] = [];
while (cases.length < nCases) {
  const ins = knowledgeCheckInstruction(rng);
  const c = captionCheckCase(rng, ins, pretrainPrompt(rng));
  if (c.question !== 'instruction') continue;
  const ood = ruleConcepts(ins.rule).some((concept) => !trainingConcepts.has(concept));
  cases.push({ ...c, group: ood ? 'OOD concepts' : 'training concepts', kind: c.kind.startsWith('follows') ? 'follows' : 'misses', text: ins.text });
}
const answers = model.checkAnswers(cases.map((c) => c.context));
const tally: Record<string, [number, number]> = {};
cases.forEach((c, i) => {
  const right = parseCheckAnswer(answers[i]!) === c.yes;
  for (const key of ['all', c.group, `${c.group}, ${c.kind}`]) {
    const t = (tally[key] ??= [0, 0]);
    t[1]++;
    if (right) t[0]++;
  }
  if (process.env.SHOW && !right && c.group === 'OOD concepts') console.log(`${c.text} | ${c.context.split(' image shows ')[1]!.split('. does')[0]} => ${answers[i]} (world: ${c.yes ? 'yes' : 'no'})`);
});
console.log(`knowledge checks right (${nCases} fresh cases, true captions):`);
console.log('| cases | right |');
for (const [key, [right, n]] of Object.entries(tally).sort()) console.log(`| ${key} (${n}) | ${(right / n).toFixed(3)} |`);

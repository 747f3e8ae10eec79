// Experiment (docs/model.md): the subject-match task (./mix.ts subjectMatchCase) scored
// teacher-forced — P(yes) against P(no) after "a: SHOWN, prompt WANTED, subject" — on fresh
// examples, split by what the description shows: the prompt's subject, another one, or nothing.
// npx tsx src/bench/exp/subject-match.mts CHECKPOINT [EXAMPLES]
import { loadSeerMini } from '../../model/checkpoint.ts';
import { pretrainPrompt, subjectMatchCase } from '../../pretrain/mix.ts';
import { Rng } from '../../core/rng.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, n] = [process.argv[2]!, Number(process.argv[3] ?? 600)];
const { model } = loadSeerMini(dir);
const rng = new Rng(991);
const cases = Array.from({ length: n }, () => {
  const prompt = pretrainPrompt(rng);
  const c = subjectMatchCase(rng, prompt);
  return { ...c, kind: c.shown === null ? 'empty' : c.yes ? 'same' : 'other' };
});
const scores = model.scoreAnswers(cases.map((c) => model.text.encode(c.context)), ['yes', 'no']);
const stats: Record<string, { n: number; right: number }> = {};
cases.forEach((c, i) => {
  const s = (stats[c.kind] ??= { n: 0, right: 0 });
  s.n++;
  if (scores[i]![0]! > scores[i]![1]! === c.yes) s.right++;
});
for (const [kind, s] of Object.entries(stats).sort()) console.log(kind.padEnd(6), JSON.stringify({ n: s.n, accuracy: +(s.right / s.n).toFixed(2) }));

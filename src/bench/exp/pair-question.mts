// Experiment (docs/seer.md): how well a checkpoint answers pretraining's multi-image questions
// ("which image shows a snail / has horns / looks scary?", ./mix.ts pairQuestionCase) on N fresh
// draws (seed 99, never a training step's), teacher-forced: P(a) against P(b), by question kind.
// npx tsx src/bench/exp/pair-question.mts CHECKPOINT [N]
import { Rng } from '../../core/rng.ts';
import { engine } from '../../engine/torch.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { pairQuestionContext } from '../../model/templates.ts';
import { pairQuestionCase } from '../../pretrain/mix.ts';
import { renderSpec } from '../../world/render.ts';
engine.setThreads(1, 1);
const [dir, n = '600'] = process.argv.slice(2) as [string, string | undefined];
const { model } = loadSeerMini(dir);
const rng = new Rng(99);
const cases = Array.from({ length: Number(n) }, () => pairQuestionCase(rng));
const contexts = cases.map((c) => model.encode(pairQuestionContext(c.question), c.refs.map((r) => model.image.encode(renderSpec(r.spec, { seed: r.seed, size: model.image.imageSize })))));
const scores = model.scoreAnswers(contexts, ['a', 'b']);
const byKind: Record<string, { n: number; right: number }> = {};
cases.forEach((c, i) => {
  const kind = c.question.startsWith('which image shows') ? 'subject' : c.question.startsWith('which image has') ? 'cue' : 'concept';
  const [a, b] = scores[i]!;
  for (const k of [kind, 'all']) {
    const s = (byKind[k] ??= { n: 0, right: 0 });
    s.n++;
    s.right += (a! > b!) === (c.answer === 'a') ? 1 : 0;
  }
});
for (const [k, s] of Object.entries(byKind)) console.log(k.padEnd(8), JSON.stringify({ n: s.n, accuracy: +(s.right / s.n).toFixed(3) }));

// Experiment (docs/model.md): how well a judge-reading base reads, teacher-forced, on examples of
// its own pretraining distribution (true captions of rendered scenes, training instructions and
// prompts only). At each yes/no slot of "a: subject …, instruction …. b: …", P(yes) against P(no)
// after the true text before it; reports accuracy per slot beside the slot's base rate of yes.
// Pairs 'independent' by default (each image drawn on its own, so b's answers cannot be guessed
// from a's); 'contrast' is the v7/v8 training distribution, 'compared' v10's (the prompt's subject
// beside the image's). Subject slots are also reported by what the image shows (same / other /
// empty subject than the prompt's).
// npx tsx src/bench/exp/reading-forced.mts CHECKPOINT [EXAMPLES] [independent|contrast|compared|interleaved|balanced]
import { loadSeerMini } from '../../model/checkpoint.ts';
import { PretrainMixer } from '../../pretrain/mix.ts';
import { tokenize } from '../../pretrain/train.ts';
import { Rng } from '../../core/rng.ts';
import { SUBJECTS } from '../../world/spec.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [dir, n, pairs] = [process.argv[2]!, Number(process.argv[3] ?? 200), (process.argv[4] ?? 'independent') as 'independent' | 'contrast' | 'compared' | 'interleaved' | 'balanced'];
const { model } = loadSeerMini(dir);
const mixer = new PretrainMixer(new Rng(77), { judge_format: 1 }, { judgeReading: pairs });
const examples = Array.from({ length: n }, () => mixer.make('judge_format'));
const { contexts, targets } = tokenize(model, examples);
const [yes, no] = [model.text.id('yes'), model.text.id('no')];
const slots: { context: number[]; truth: boolean; slot: string }[] = [];
targets.forEach((target, b) => {
  // Phase-1 examples read the subject only (two slots); instruction examples read both (four).
  const names = target.filter((t) => t === yes || t === no).length === 2 ? ['a subject', 'b subject'] : ['a subject', 'a instruction', 'b subject', 'b instruction'];
  // Each subject slot again by what the image shows: the prompt's subject ('same'), another
  // subject ('other') or an empty scene ('empty'), to tell a match from a check for "empty".
  const promptText = examples[b]!.context.map((seg) => ('text' in seg ? seg.text : '')).join(' ');
  const promptSubject = /prompt: (.*?) image a:/.exec(promptText)?.[1]?.split(' ').find((w) => (SUBJECTS as readonly string[]).includes(w));
  let i = 0;
  target.forEach((token, k) => {
    if (token !== yes && token !== no) return;
    const name = names[i++]!;
    const context = [...contexts[b]!, ...target.slice(0, k)];
    slots.push({ context, truth: token === yes, slot: `${name}${names.length === 2 ? ' (phase 1)' : ''}` });
    if (name.endsWith('subject')) {
      const shown = examples[b]!.images[name.startsWith('a') ? 0 : 1]!.spec.subject;
      slots.push({ context, truth: token === yes, slot: `subject, image shows ${shown === null ? 'empty' : shown === promptSubject ? 'same' : 'other'}` });
    }
  });
});
const scores = model.scoreAnswers(slots.map((s) => s.context), ['yes', 'no']);
const stats: Record<string, { n: number; right: number; yes: number }> = {};
slots.forEach((s, i) => {
  const pYes = 1 / (1 + Math.exp(scores[i]![1]! - scores[i]![0]!));
  const st = (stats[s.slot] ??= { n: 0, right: 0, yes: 0 });
  st.n++;
  if (pYes > 0.5 === s.truth) st.right++;
  if (s.truth) st.yes++;
});
for (const [slot, s] of Object.entries(stats).sort()) console.log(slot.padEnd(26), JSON.stringify({ n: s.n, accuracy: +(s.right / s.n).toFixed(2), baseRateYes: +(s.yes / s.n).toFixed(2) }));

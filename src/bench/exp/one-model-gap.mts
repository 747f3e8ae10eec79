// Experiment (docs/seer.md, "One SEER model"): where one model's Stage 2 loses to three copies'.
// On the validation cases (oracle-judged against naive concatenation, the run's image seeds), the
// reprompts of: the base model; the Stage-1 weights before Stage 2 (one model's start); each run's
// Stage-2 weights — each drawn by the base generator and, where it differs, by the weights that
// draw in the one-model run (the Stage-1 weights in training, the final weights at evaluation).
// npx tsx src/bench/exp/one-model-gap.mts ONE_RUN COPIES_RUN
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { repromptWinRatio } from '../../run/main-job.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const [one, copies] = [process.argv[2]!, process.argv[3]!];
const config = JSON.parse(readFileSync(join(one, 'config.json'), 'utf8')) as { checkpoint?: string; dataSeed: number; recipeSettings: { imageSeeds: number } };
const load = (dir: string) => loadSeerMini(dir).model;
const base = load(config.checkpoint ?? 'checkpoints/seer-mini-base');
const stage1 = load(join(one, 'stage1-model'));
const oneFinal = load(join(one, 'stage2-model'));
const copiesFinal = load(join(copies, 'stage2-model'));
const rows = readJsonl(join(one, 'data', 'vie-val.jsonl'), testRowSchema);
const cells: [string, typeof base, typeof base][] = [
  ['base reprompts, base draws', base, base],
  ['Stage-1 weights reprompt, base draws', stage1, base],
  ['Stage-1 weights reprompt and draw', stage1, stage1],
  ['copies: Stage 2 reprompts, base draws', copiesFinal, base],
  ['one model: Stage 2 reprompts, base draws', oneFinal, base],
  ['one model: Stage 2 reprompts, Stage-1 weights draw', oneFinal, stage1],
  ['one model: Stage 2 reprompts and draws', oneFinal, oneFinal],
];
for (const [name, policy, drawer] of cells) {
  const t = (await repromptWinRatio(policy, drawer, rows, config.dataSeed, config.recipeSettings.imageSeeds)).table;
  console.log(`${name.padEnd(52)} vs naive ${t.total.winRatio.toFixed(2)} [${t.total.low.toFixed(2)}, ${t.total.high.toFixed(2)}]`);
}

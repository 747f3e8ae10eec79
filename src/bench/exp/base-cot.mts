// Experiment (docs/seer.md, "Captions"): a base's own CoT reprompts against naive concatenation on
// the validation rows, in the instructions' texts and paraphrased (oracle-judged, the base drawing,
// 2 image seeds, evaluation seed 0), with the oracle's failure types — so that "Stage 2 vs the
// base's CoT" can be read across bases: a base whose own CoT got better would lower it by itself.
// npx tsx src/bench/exp/base-cot.mts DATA_DIR CHECKPOINT...
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { paraphrasedRows, repromptWinRatio } from '../../run/main-job.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [data, ...checkpoints] = process.argv.slice(2);
const rows = readJsonl(join(data!, 'vie-val.jsonl'), testRowSchema);
for (const dir of checkpoints) {
  const model = loadSeerMini(dir).model;
  for (const [name, asked] of [['texts', rows], ['paraphrased', paraphrasedRows(rows)]] as const) {
    const { table, failures } = await repromptWinRatio(model, model, asked, 0, 2);
    console.log(`${dir.padEnd(40)} ${name.padEnd(12)} vs naive ${table.total.winRatio.toFixed(2)} ${JSON.stringify(failures)}`);
  }
}

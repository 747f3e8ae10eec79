// Experiment (docs/seer.md, "One SEER model"): Table 1 on a run's validation renders for any
// checkpoints — e.g. whether one model's final (Stage-2) weights still judge, next to its Stage-1
// weights. Prints each checkpoint's judge setting, accuracy (all; the held-out instructions, the
// table's OOD column on validation) and share of "a" answers.
// npx tsx src/bench/exp/judge-validation.mts DATA_DIR CHECKPOINT...
import { join } from 'node:path';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { judgeAccuracy } from '../../eval/judge-accuracy.ts';
import { SeerJudge, VERDICTS_ONLY } from '../../seer/roles.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
const [data, ...checkpoints] = process.argv.slice(2);
if (!data || checkpoints.length === 0) throw new Error('usage: judge-validation.mts DATA_DIR CHECKPOINT...');
for (const dir of checkpoints) {
  const { model } = loadSeerMini(dir);
  const table = await judgeAccuracy(new SeerJudge(model, VERDICTS_ONLY), data, join(data, 'vie-val.jsonl'));
  console.log(`${dir} (${model.judgeDescriptions}): validation ${table.total.accuracy.toFixed(4)} (n ${table.total.n}), the instructions held out of RL ${table.ood.overall.accuracy.toFixed(4)} (n ${table.ood.overall.n}), answered "a" ${table.answeredA.toFixed(2)}`);
}

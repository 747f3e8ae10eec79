// Experiment (docs/seer.md): a finished run's Stage-1 judge on the validation renders with each
// instruction in its paraphrase — the number `seer run` records since 2026-12-06 noon
// (results.json validation.table1Paraphrased), for runs made before it did — beside the same
// judge on the texts (the run's own validation.table1 number, recomputed as a check).
// npx tsx src/bench/exp/validation-paraphrased.mts RUN_DIR...
import { join } from 'node:path';
import { judgeAccuracy } from '../../eval/judge-accuracy.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { SeerJudge, VERDICTS_ONLY } from '../../seer/roles.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);
for (const run of process.argv.slice(2)) {
  const { model } = loadSeerMini(join(run, 'stage1-model'));
  const data = join(run, 'data');
  const val = join(data, 'vie-val.jsonl');
  const judge = () => new SeerJudge(model, VERDICTS_ONLY);
  const texts = await judgeAccuracy(judge(), data, val);
  const paraphrased = await judgeAccuracy(judge(), data, val, { paraphrased: true });
  console.log(`${run}: validation SEER-Eval, renders ${texts.total.accuracy.toFixed(2)}; paraphrased ${paraphrased.total.accuracy.toFixed(2)} (answered "a" ${paraphrased.answeredA.toFixed(2)}; ${paraphrased.total.n} judgements)`);
}

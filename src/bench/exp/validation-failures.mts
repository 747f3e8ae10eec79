// Experiment (docs/seer.md, "Stage 2 pays for the drawn image's reading"): the oracle's failure
// types of each run's Stage-2 reprompts on the validation rows — what `seer run` records since
// 2026-12-06 morning (`validation.stage2Failures`), for runs made before it did. The reprompts are
// sampled as the main job samples them (the run's final weights, seeded with its --data-seed).
// Text only: nothing is drawn.
// npx tsx src/bench/exp/validation-failures.mts RUN...
import { join } from 'node:path';
import { readFileSync } from 'node:fs';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { SeerReprompter } from '../../seer/roles.ts';
import { repromptFailures } from '../../eval/failures.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

for (const run of process.argv.slice(2)) {
  const config = JSON.parse(readFileSync(join(run, 'config.json'), 'utf8')) as { dataSeed: number };
  const rows = readJsonl(join(run, 'data', 'vie-val.jsonl'), testRowSchema);
  const outputs = await new SeerReprompter(loadSeerMini(join(run, 'stage2-model')).model).reprompt(rows, { seed: config.dataSeed });
  const counts = repromptFailures(rows, outputs);
  console.log(`${run.padEnd(16)} ${rows.length} rows ${JSON.stringify(counts)}`);
}

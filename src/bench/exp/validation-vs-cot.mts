// Experiment (docs/seer.md, "Captions"): Stage 2 on validation against the base model's own CoT
// reprompts — what `seer run` records since 2026-12-06 noon (`validation.stage2VsBaseCoT`) — for
// runs made before it did, and against naive concatenation again (it equals the run's own number).
// Oracle-judged, the run's generator drawing, its image seeds, its reprompts sampled as the main job
// samples them (the run's final weights, seeded with its --data-seed).
// PARAPHRASE=1 asks every validation instruction in its paraphrase (`validation.stage2Paraphrased`).
// BASE=DIR loads the run's base from DIR (a run whose config names a checkout that is gone).
// npx tsx src/bench/exp/validation-vs-cot.mts RUN...
import { join } from 'node:path';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { paraphrasedRows, repromptWinRatio } from '../../run/main-job.ts';
import { readRunConfig, runGenerator } from '../../run/eval-parts.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

for (const run of process.argv.slice(2)) {
  const config = readRunConfig(run);
  const base = loadSeerMini(process.env.BASE ?? config.checkpoint).model;
  base.judgeDescriptions = config.judgeDescriptions;
  const stage2 = loadSeerMini(join(run, 'stage2-model')).model;
  const read = readJsonl(join(run, 'data', 'vie-val.jsonl'), testRowSchema);
  const rows = process.env.PARAPHRASE ? paraphrasedRows(read) : read;
  const { table, vsBaseCoT } = await repromptWinRatio(stage2, runGenerator(config, { base, stage2 }), rows, config.dataSeed ?? config.seed, config.recipeSettings.imageSeeds ?? 2, base);
  const cell = (c: { winRatio: number; low: number; high: number }) => `${c.winRatio.toFixed(2)} [${c.low.toFixed(2)}, ${c.high.toFixed(2)}]`;
  console.log(`${run.padEnd(16)}${process.env.PARAPHRASE ? ' paraphrased' : ''} vs naive ${cell(table.total)}  vs base (CoT) ${cell(vsBaseCoT!.total)}`);
}

// Experiment (docs/seer.md, "Validation on subjects RL never saw"): Stage 2 of finished runs on
// another validation file — e.g. a larger one built with the runs' data seed and held-out subjects
// (`npx seer data build --out runs/vie-val200 --seed 0 --val-instructions 50 --val-prompts 4`).
// For each run: its final weights' reprompts against naive concatenation and against the run's
// base model's own CoT, on the file's texts and with each instruction paraphrased, all drawn by the
// final weights (one model; the base for a run with three copies) with the run's image seeds and oracle-judged — the four numbers the
// main job's validation reports — and the reprompts' failure types. Writes RUN/validation-FILE.json.
// With `--cot-base CHECKPOINT` the CoT reprompts are that checkpoint's instead of the run's base —
// one yardstick for runs from different bases — and the file is RUN/validation-FILE-cot-NAME.json.
// Rows of instructions held out of RL (split ood: `seer run --val-held-instructions N`) are also
// measured on their own (`heldOut`: against naive and the CoT, their texts being paraphrases already).
// npx tsx src/bench/exp/stage2-validation.mts runs/vie-val200/vie-val.jsonl runs/hv-s0 runs/hv-s1
// npx tsx src/bench/exp/stage2-validation.mts --cot-base checkpoints/seer-mini-base runs/vie-val200/vie-val.jsonl RUN…
import { basename, dirname, join } from 'node:path';
import { readJsonl, writeJson } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { evaluationSettings, readRunConfig, runBase, runGenerator } from '../../run/eval-parts.ts';
import { paraphrasedRows, repromptWinRatio } from '../../run/main-job.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const args = process.argv.slice(2);
const cotBase = args[0] === '--cot-base' ? args.splice(0, 2)[1] : undefined;
const [file, ...runs] = args;
if (!file || runs.length === 0) throw new Error('usage: stage2-validation.mts [--cot-base CHECKPOINT] VALIDATION.jsonl RUN…');
const rows = readJsonl(file, testRowSchema);
const name = `validation-${basename(dirname(file))}${cotBase ? `-cot-${basename(cotBase.replace(/\/+$/, ''))}` : ''}.json`;
for (const run of runs) {
  const config = readRunConfig(run);
  const { seed, imageSeeds } = evaluationSettings(config);
  const base = runBase(run);
  const cot = cotBase ? loadSeerMini(cotBase).model : base;
  const policy = loadSeerMini(join(run, 'stage2-model')).model;
  // One model: the final weights draw; three copies (`--model copies`): the base draws, as in the run.
  const drawer = runGenerator(config, { base, stage2: policy });
  const texts = await repromptWinRatio(policy, drawer, rows, seed, imageSeeds, cot);
  const paraphrased = await repromptWinRatio(policy, drawer, paraphrasedRows(rows), seed, imageSeeds, cot);
  const four = [texts.table.total.winRatio, texts.vsBaseCoT!.total.winRatio, paraphrased.table.total.winRatio, paraphrased.vsBaseCoT!.total.winRatio];
  // Rows of instructions held out of RL (`--val-held-instructions`, asked in paraphrase, split ood), on their own.
  const heldRows = rows.filter((r) => r.split === 'ood');
  const held = heldRows.length > 0 ? await repromptWinRatio(policy, drawer, heldRows, seed, imageSeeds, cot) : undefined;
  const heldOut = held ? { cases: heldRows.length, vsNaive: held.table.total.winRatio, vsBaseCoT: held.vsBaseCoT!.total.winRatio, failures: held.failures } : undefined;
  const result = { file, ...(cotBase ? { cotBase } : {}), ...(heldOut ? { heldOut } : {}), cases: rows.length, vsNaive: four[0], vsBaseCoT: four[1], paraphrasedVsNaive: four[2], paraphrasedVsBaseCoT: four[3], averaged: four.reduce((a, b) => a + (b ?? 0), 0) / 4, failures: texts.failures, paraphrasedFailures: paraphrased.failures };
  writeJson(join(run, name), result);
  console.log(run, JSON.stringify(result));
}

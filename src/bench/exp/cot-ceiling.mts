// Experiment (docs/seer.md, "The default on an Intel machine"): how far can any reprompt beat the
// base model's own CoT in this world? On a run's validation file, the oracle's minimal compliant
// elaboration (Table 2's upper bound, src/world/reprompters.ts) against the run's base model's CoT
// reprompts, and SEER's final reprompts against the same CoT — both drawn by the run's final weights
// (one model; the base for `--model copies`) with the run's image seeds, oracle-judged — with the
// oracle's failure types of each reprompter. The first is the ceiling of Table 2's "base with CoT"
// column on these rows. Writes RUN/cot-ceiling-FILE.json (FILE: the rows file's name, e.g. vie-val-stage2).
// npx tsx src/bench/exp/cot-ceiling.mts RUN/data/vie-val-stage2.jsonl RUN…
import { basename, join } from 'node:path';
import { readJsonl, writeJson } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { engine } from '../../engine/torch.ts';
import { repromptFailures } from '../../eval/failures.ts';
import { evaluationImageSeeds, winRatioTable } from '../../eval/win-ratio.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { SeerMiniGenerator } from '../../model/generator.ts';
import { OracleJudge } from '../../oracle/judge.ts';
import { naivePrompt } from '../../roles/roles.ts';
import { evaluationSettings, readRunConfig, runBase, runGenerator } from '../../run/eval-parts.ts';
import { memoisedGenerator } from '../../run/evaluate.ts';
import { SeerReprompter } from '../../seer/roles.ts';
import { OracleReprompter } from '../../world/reprompters.ts';
engine.setThreads(1, 1);

const [file, ...runs] = process.argv.slice(2);
if (!file || runs.length === 0) throw new Error('usage: cot-ceiling.mts VALIDATION.jsonl RUN…');
const rows = readJsonl(file, testRowSchema);
const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
for (const run of runs) {
  const config = readRunConfig(run);
  const { seed, imageSeeds: imageSeedCount } = evaluationSettings(config);
  const base = runBase(run);
  const policy = loadSeerMini(join(run, 'stage2-model')).model;
  const generator = memoisedGenerator(new SeerMiniGenerator(runGenerator(config, { base, stage2: policy })));
  const imageSeeds = evaluationImageSeeds(seed, imageSeedCount);
  const oracle = await new OracleReprompter().reprompt(requests, { seed });
  const seer = await new SeerReprompter(policy).reprompt(requests, { seed });
  const cot = await new SeerReprompter(base, { name: 'base (CoT)' }).reprompt(requests, { seed });
  const versus = async (candidate: readonly string[], baseline: readonly string[]) => (await winRatioTable({ rows, seer: candidate, baseline, generator, judge: new OracleJudge(), imageSeeds, seed })).total.winRatio;
  const texts = (outputs: readonly { reprompt: string }[]) => outputs.map((o) => o.reprompt);
  const naive = rows.map((r) => naivePrompt(r));
  const result = {
    file,
    cases: rows.length,
    oracleVsNaive: await versus(texts(oracle), naive),
    oracleVsBaseCoT: await versus(texts(oracle), texts(cot)),
    seerVsBaseCoT: await versus(texts(seer), texts(cot)),
    baseCoTVsNaive: await versus(texts(cot), naive),
    failures: { oracle: repromptFailures(rows, oracle), seer: repromptFailures(rows, seer), baseCoT: repromptFailures(rows, cot) },
  };
  writeJson(join(run, `cot-ceiling-${basename(file, '.jsonl')}.json`), result);
  console.log(run, JSON.stringify(result));
}

// Experiment (docs/seer.md, "A base that copies the subject and keeps its reading"): Tables 4–5's
// measures — World-GenEval and World-VQA, src/eval/general.ts — on a fresh draw of scenes (another
// seed than the main job's evaluation, which uses the run's data seed), so that a recipe can be
// judged on its drawing and answering without the test's draw. Each checkpoint is measured on the
// same N scenes; for a run folder the final weights (stage2-model/) are measured.
// npx tsx src/bench/exp/general-validation.mts SEED N CHECKPOINT_OR_RUN…
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { generalCapabilities } from '../../eval/general.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const [seedText, nText, ...dirs] = process.argv.slice(2);
const seed = Number(seedText);
const n = Number(nText);
if (!Number.isInteger(seed) || !Number.isInteger(n) || n <= 0 || dirs.length === 0) throw new Error('usage: general-validation.mts SEED N CHECKPOINT_OR_RUN…');
for (const dir of dirs) {
  const weights = existsSync(join(dir, 'stage2-model')) ? join(dir, 'stage2-model') : dir;
  const { genEval, vqa } = await generalCapabilities(loadSeerMini(weights).model, { n, seed });
  console.log(`${weights}  World-GenEval ${genEval.overall.toFixed(3)}  World-VQA ${vqa.accuracy.toFixed(3)} (yes ${vqa.yesRate.toFixed(2)})  n ${n} seed ${seed}`);
}

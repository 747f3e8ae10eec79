// Experiment (docs/model.md, "Classifier-free guidance"): the generator with classifier-free
// guidance at several scales — oracle accuracy per family on fresh concrete captions (World-GenEval's
// measure, another seed than the main job's) and the cognitive gap on a validation file (oracle
// compliance of the naive prompt's and the oracle elaboration's images, same seeds).
// Each SCALE may carry a sampling temperature, SCALE,TEMPERATURE (default 0.7; top-p 0.9 always).
// npx tsx src/bench/exp/guidance.mts CHECKPOINT VAL_JSONL N SCALE[,TEMPERATURE]…
import { loadSeerMini } from '../../model/checkpoint.ts';
import { generalCapabilities } from '../../eval/general.ts';
import { readJsonl } from '../../core/io.ts';
import { testRowSchema } from '../../data/schemas.ts';
import { OracleJudge } from '../../oracle/judge.ts';
import { findInstruction } from '../../world/instructions.ts';
import { naivePrompt } from '../../roles/roles.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(1, 1);

const [dir, valFile, nText, ...scaleTexts] = process.argv.slice(2);
const n = Number(nText);
const settings = scaleTexts.map((text) => {
  const [scale, temperature = 0.7] = text.split(',').map(Number);
  return { scale: scale as number, temperature };
});
if (!dir || !valFile || !Number.isInteger(n) || settings.length === 0 || settings.some((s) => !(s.scale > 0) || !(s.temperature >= 0))) throw new Error('usage: guidance.mts CHECKPOINT VAL_JSONL N SCALE[,TEMPERATURE]…');
const { model } = loadSeerMini(dir);
const rows = readJsonl(valFile, testRowSchema);
const oracle = new OracleJudge();
for (const { scale, temperature } of settings) {
  model.imageGuidance = scale;
  // generalCapabilities draws with the model's defaults: the temperature goes in through the method.
  const draw = model.generateImages.bind(model);
  model.generateImages = (prompts, seeds, options = {}) => draw(prompts, seeds, { temperature, ...options });
  const t0 = Date.now();
  const { genEval } = await generalCapabilities(model, { n, seed: 1 });
  const seeds = rows.map((_, i) => 7000 + i);
  const compliance = (prompts: string[]) => {
    const images = model.generateImages(prompts, seeds);
    return rows.filter((r, i) => oracle.assess([images[i]!], findInstruction(r.instruction)!.rule, r.subject)[0]!.satisfied).length / rows.length;
  };
  const naive = compliance(rows.map((r) => naivePrompt(r)));
  const elaborated = compliance(rows.map((r) => r.elaboration));
  model.generateImages = draw;
  console.log(JSON.stringify({ scale, temperature, genEval: genEval.overall, byFamily: genEval.byFamily, gap: { n: rows.length, naive, elaborated }, seconds: (Date.now() - t0) / 1000 }));
}

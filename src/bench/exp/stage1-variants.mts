// Experiment (docs/seer.md): Stage 1 of the default recipe (phase 1, then phase 2 ending on its best
// validation point, as `seer run` does) with one variant, scored on validation (DATA/vie-val.jsonl).
// npx tsx src/bench/exp/stage1-variants.mts CHECKPOINT DATA SEED [completion|answer] [BETA] [binary|soft] [PHASE1_LR PHASE2_LR]
// DESCRIPTIONS=captioned opens the judge's reasoning with the model's captions of the two images,
// DESCRIPTIONS=read with those and the model's own caption checks (--judge-descriptions read);
// DESCRIPTIONS=detector with the oracle's detector's captions of the same tokenized images (what a
// model that understood its own image codes perfectly would write): a diagnostic of whether RLVR
// can teach the verdict to read descriptions at all, apart from how good the model's are.
// NEGATIVES=K judges K hard-negative kinds per row in phase 2 (Stage1Config.phase2NegativesPerRow);
// EPOCHS2=E sets phase 2's epochs (default: the recipe's).
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { engine } from '../../engine/torch.ts';
import { loadSeerMini, saveSeerMini } from '../../model/checkpoint.ts';
import { judgeAccuracy } from '../../eval/judge-accuracy.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { trainJudgePhase } from '../../seer/stage1.ts';
import { RUN_RECIPES } from '../../run/main-job.ts';
import type { SeerMini } from '../../model/umm.ts';
import { useDetectorOpenings } from './detector-openings.mts';
const [dir, data, seed = '0', loss = 'completion', beta = '0.04', reward = 'binary', lr1, lr2] = process.argv.slice(2) as [string, string, ...string[]];
engine.setThreads(1);
const { model } = loadSeerMini(dir);
const descriptions = process.env.DESCRIPTIONS ?? 'written';
if (descriptions !== 'written') model.judgeDescriptions = descriptions === 'read' ? 'read' : 'captioned';
if (descriptions === 'detector') useDetectorOpenings(model);
const valFile = join(data, 'vie-val.jsonl');
const out = `/tmp/stage1-variant-${process.pid}`;
const score = async (m: SeerMini) => (await judgeAccuracy(new SeerJudge(m), data, valFile)).total.accuracy;
const config = { ...RUN_RECIPES.default.stage1, policyGradientOn: loss as 'completion' | 'answer', beta: Number(beta), softVerdict: reward === 'soft', ...(lr1 ? { phase1LearningRate: Number(lr1) } : {}), ...(lr2 ? { phase2LearningRate: Number(lr2) } : {}), ...(process.env.NEGATIVES ? { phase2NegativesPerRow: Number(process.env.NEGATIVES) } : {}), ...(process.env.EPOCHS2 ? { phase2Epochs: Number(process.env.EPOCHS2) } : {}), seed: Number(seed) };
const t0 = Date.now();
await trainJudgePhase(model, 1, data, out, config, { quiet: true });
const trace: string[] = [];
await trainJudgePhase(model, 2, data, out, config, { quiet: true, validateEvery: RUN_RECIPES.default.validateEvery, validate: async (m) => { const a = await score(m); trace.push(a.toFixed(3)); return a; } });
const final = await judgeAccuracy(new SeerJudge(model), data, valFile);
console.log(JSON.stringify({ descriptions, negatives: config.phase2NegativesPerRow ?? 1, phase2Epochs: config.phase2Epochs, loss, beta: Number(beta), reward, lr: [config.phase1LearningRate, config.phase2LearningRate], seed: Number(seed), validationTrace: trace, selected: final.total.accuracy, byKind: Object.fromEntries(Object.entries(final.byKind).map(([k, v]) => [k, v.accuracy])), answeredA: final.answeredA, seconds: (Date.now() - t0) / 1000 }));
if (process.env.SAVE) saveSeerMini(process.env.SAVE, model, { stage: 'stage1', seed: Number(seed) }); // SAVE=DIR keeps the judge (judge-reading.mts)
rmSync(out, { recursive: true, force: true });

// Experiment (docs/seer.md): Stage-1 *validation* accuracy (DATA/vie-val.jsonl, every hard-negative kind) vs learning rate and
// epochs, phase 1 then phase 2 (or phase 2 only). Choices read validation, never the test set (the 2026-11-25 table did).
// npx tsx src/bench/exp/stage1-lr.ts CHECKPOINT LR1 LR2 EPOCHS1 EPOCHS2 [threads] [DATA, a `seer data build` folder; default runs/vie] [binary|soft: the Stage-1 reward]
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { engine } from '../../engine/torch.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { judgeAccuracy } from '../../eval/judge-accuracy.ts';
import { SeerJudge } from '../../seer/roles.ts';
import { trainJudgePhase } from '../../seer/stage1.ts';
const [dir = 'checkpoints/seer-mini-base', lr1 = '1e-3', lr2 = '1e-3', e1 = '0', e2 = '0.5', threads = '1', data = 'runs/vie', reward = 'binary'] = process.argv.slice(2);
engine.setThreads(Number(threads));
const { model } = loadSeerMini(dir);
const out = `/tmp/stage1-exp-${process.pid}`;
const acc = async () => { const a = await judgeAccuracy(new SeerJudge(model), data, join(data, 'vie-val.jsonl')); return { total: a.total.accuracy, id: a.id.overall.accuracy, ood: a.ood.overall.accuracy }; };
const t0 = Date.now();
console.log('zero-shot', JSON.stringify(await acc()), (Date.now() - t0) / 1000);
const config = { phase1LearningRate: Number(lr1), phase2LearningRate: Number(lr2), phase1Epochs: Number(e1) || 0.01, phase2Epochs: Number(e2), softVerdict: reward === 'soft', seed: 0 };
if (Number(e1) > 0) {
  const m = await trainJudgePhase(model, 1, data, out, config, { quiet: true });
  console.log('phase1', m.length, 'steps', JSON.stringify(await acc()), (Date.now() - t0) / 1000, 'last reward', m.slice(-5).map((x) => x.reward?.toFixed?.(2) ?? JSON.stringify(x).slice(0, 80)));
}
const m2 = await trainJudgePhase(model, 2, data, out, config, { quiet: true });
console.log('phase2', m2.length, 'steps', JSON.stringify(await acc()), (Date.now() - t0) / 1000);
console.log(m2.filter((_, i) => i % 10 === 0).map((x) => JSON.stringify(x).slice(0, 160)).join('\n'));
rmSync(out, { recursive: true, force: true });

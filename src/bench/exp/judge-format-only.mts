// Experiment (docs/model.md): continue a judge-reading base on one task alone (the judge format by
// default, or e.g. subject_match), to tell whether the reading's subject match is a matter of more
// steps on it.
// npx tsx src/bench/exp/judge-format-only.mts INIT OUT STEPS LR [compared|independent|interleaved] [TASK]
import { pretrain } from '../../pretrain/train.ts';
import type { PretrainTask } from '../../pretrain/mix.ts';
import { engine } from '../../engine/torch.ts';
engine.setThreads(2, 2);
const [init, out, steps, lr, pairs = 'compared', task = 'judge_format'] = process.argv.slice(2) as [string, string, string, string, 'compared' | 'independent' | 'interleaved' | undefined, PretrainTask | undefined];
const recipe = { name: 'judge-format-only', init: true, steps: Number(steps), lr: Number(lr), warmup: 20, emptyCaptions: 0.1, judgeReading: pairs, mix: { [task]: 1 }, checkpointEvery: 100 };
const result = await pretrain({ recipe, outDir: out, initFrom: init, quiet: true });
console.log(JSON.stringify({ steps: result.steps, seconds: result.seconds, finalLoss: result.finalLoss }));

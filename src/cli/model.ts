/** `seer pretrain` and `seer bench`: build and measure SEER-Mini. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { parseInteger, parsePositiveInteger } from './options.ts';

export function registerModelCommands(program: Command): void {
  program
    .command('pretrain')
    .description('pretrain SEER-Mini on the VIE world (writes OUT/model, metrics.jsonl, train-state)')
    .option('--recipe <name>', 'default | tiny', 'default')
    .requiredOption('--out <dir>', 'run folder')
    .option('--seed <n>', 'seed', parseInteger, 0)
    .option('--resume', 'continue from the last checkpoint in --out')
    .option('--steps <n>', 'override the recipe\'s step count', parsePositiveInteger)
    .option('--threads <n>', 'override the recipe\'s libtorch threads', parsePositiveInteger)
    .action(async (opts: { recipe: string; out: string; seed: number; resume?: boolean; steps?: number; threads?: number }) => {
      const { pretrain, RECIPES } = await import('../pretrain/train.ts');
      if (opts.recipe !== 'default' && opts.recipe !== 'tiny') throw new SeerError('bad_input', `--recipe must be "default" or "tiny", got "${opts.recipe}"`);
      if (!opts.resume && existsSync(join(opts.out, 'train-state', 'state.json'))) {
        throw new SeerError('bad_input', `${opts.out} already holds a pretraining run: pass --resume to continue it, or choose another --out`);
      }
      const recipe = { ...RECIPES[opts.recipe], ...(opts.steps ? { steps: opts.steps } : {}), ...(opts.threads ? { threads: opts.threads } : {}) };
      const result = await pretrain({ recipe, outDir: opts.out, seed: opts.seed, resume: opts.resume ?? false });
      process.stdout.write(`pretrained ${result.steps} steps in ${result.seconds.toFixed(0)} s (final loss ${result.finalLoss.toFixed(3)}) → ${join(opts.out, 'model')}\n`);
    });

  program
    .command('bench')
    .description('training-step time, effective GFLOP/s and KV-cache sampling speed of the default model')
    .option('--json', 'print JSON only')
    .option('--threads <n>', 'libtorch threads', parsePositiveInteger, 2)
    .option('--steps <n>', 'timed steps (the first is warm-up)', parsePositiveInteger, 6)
    .action(async (opts: { json?: boolean; threads: number; steps: number }) => {
      const { benchTrainStep } = await import('../model/bench.ts');
      const peer = benchTrainStep({ threads: opts.threads, steps: opts.steps });
      const seerDefault = benchTrainStep({ threads: opts.threads, steps: opts.steps, vocab: 1000, batch: 32, seq: 100 });
      const result = { peer_shape: peer, default_shape: seerDefault };
      if (opts.json) process.stdout.write(`${JSON.stringify(result)}\n`);
      else {
        for (const [name, r] of Object.entries(result)) {
          process.stdout.write(`${name}: d${r.dims.dModel} L${r.dims.nLayers} V${r.dims.vocab} B${r.dims.batch}×T${r.dims.seq} (${(r.dims.params / 1e6).toFixed(2)}M params, ${r.threads} threads): step ${r.medianStepSeconds.toFixed(3)} s, ${r.gflops.toFixed(1)} GFLOP/s, sampling ${r.samplingTokensPerSecond.toFixed(0)} tok/s\n`);
        }
      }
    });
}

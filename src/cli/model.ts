/** `seer pretrain`: build SEER-Mini (`seer bench` lives in ./bench.ts). */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { parsePositiveInteger, seedOption, startEngine, threadsOption } from './options.ts';

export function registerModelCommands(program: Command): void {
  program
    .command('pretrain')
    .description('pretrain SEER-Mini on the VIE world (writes OUT/model, metrics.jsonl, train-state)')
    .option('--recipe <name>', 'default | tiny | grounding | reading | judge-reading | judge-reading-focus | judge-reading-independent | judge-reading-compared | judge-reading-interleaved | judge-reading-match | judge-reading-compared-match | judge-reading-balanced | pair-questions | caption-checks | caption-checks-focus | check-wordings | check-wordings-concepts | check-wordings-most | check-keywords | check-recall | caption-focus | caption-focus-most | reprompt-focus | reprompt-light | reprompt-carried | reprompt-carried-half | carried-wordings | knowledge-checks | knowledge-checks-most | long-wordings | long-wordings-most | carried-long-wordings | guidance (all but the first two continue --init)', 'default')
    .option('--init <dir>', 'checkpoint to continue from (every recipe but default and tiny)')
    .requiredOption('--out <dir>', 'run folder')
    .addOption(seedOption())
    .option('--resume', 'continue from the last checkpoint in --out')
    .option('--steps <n>', 'override the recipe\'s step count', parsePositiveInteger)
    .addOption(threadsOption('override the recipe\'s libtorch threads', null))
    .action(async (opts: { recipe: string; init?: string; out: string; seed: number; resume?: boolean; steps?: number; threads?: number }) => {
      const { pretrain, RECIPES, pretrainRecipeSchema } = await import('../pretrain/train.ts');
      if (!Object.hasOwn(RECIPES, opts.recipe)) throw new SeerError('bad_input', `--recipe must be one of ${Object.keys(RECIPES).join(', ')}, got "${opts.recipe}"`);
      const name = opts.recipe as keyof typeof RECIPES;
      if (opts.init && !existsSync(join(opts.init, 'model.safetensors'))) throw new SeerError('bad_input', `--init ${opts.init}: no such checkpoint`);
      if (!opts.resume && existsSync(join(opts.out, 'train-state', 'state.json'))) {
        throw new SeerError('bad_input', `${opts.out} already holds a pretraining run: pass --resume to continue it, or choose another --out`);
      }
      await startEngine(opts.threads ?? pretrainRecipeSchema.parse(RECIPES[name]).threads);
      const recipe = { ...RECIPES[name], ...(opts.steps ? { steps: opts.steps } : {}), ...(opts.threads ? { threads: opts.threads } : {}) };
      const result = await pretrain({ recipe, outDir: opts.out, ...(opts.init ? { initFrom: opts.init } : {}), seed: opts.seed, resume: opts.resume ?? false });
      process.stdout.write(`pretrained ${result.steps} steps in ${result.seconds.toFixed(0)} s (final loss ${result.finalLoss.toFixed(3)}) → ${join(opts.out, 'model')}\n`);
    });

}

/** `seer eval …`: measurements of models on the VIE world. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { parseInteger, parsePositiveInteger } from './options.ts';

export function registerEvalCommands(program: Command): void {
  const evalCmd = program.command('eval').description('evaluate models on the VIE world');
  evalCmd
    .command('base')
    .description('measure the cognitive gap of a checkpoint: generator, naive vs elaborated, zero-shot judge and reprompter')
    .option('--checkpoint <dir>', 'SEER-Mini checkpoint (default: the shipped base)')
    .option('--data <dir>', 'VIE dataset folder (built there if missing)', 'runs/vie')
    .option('--seed <n>', 'seed', parseInteger, 0)
    .option('--json', 'print JSON only')
    .action(async (opts: { checkpoint?: string; data: string; seed: number; json?: boolean }) => {
      const { loadSeerMini } = await import('../model/checkpoint.ts');
      const { evaluateBase } = await import('../eval/base.ts');
      const { engine } = await import('../engine/torch.ts');
      engine.setThreads(2);
      if (!existsSync(join(opts.data, 'vie-test.jsonl'))) {
        const { buildVie } = await import('../data/vie.ts');
        await buildVie(opts.data, { seed: opts.seed }, { quiet: opts.json ?? false });
      }
      const { model } = loadSeerMini(opts.checkpoint);
      const result = await evaluateBase(model, opts.data, { seed: opts.seed, quiet: opts.json ?? false });
      process.stdout.write(`${JSON.stringify(result, null, opts.json ? 0 : 2)}\n`);
    });
  evalCmd
    .command('run')
    .description('evaluate a finished `seer run` on any VIE-format test file: Tables 1–5, failure types, inference variants')
    .requiredOption('--run <dir>', 'a run folder written by `seer run`')
    .option('--testset <file>', 'VIE-format test JSONL (default: the run\'s own data/vie-test.jsonl); quadruplet images resolve against its folder')
    .option('--out <dir>', 'output folder (default: RUN/eval-<testset name>)')
    .option('--image-seeds <n>', 'image seeds per test case (default: the run recipe\'s)', parsePositiveInteger)
    .option('--threads <n>', 'libtorch threads', parsePositiveInteger, 2)
    .action(async (opts: { run: string; testset?: string; out?: string; imageSeeds?: number; threads: number }) => {
      const { engine } = await import('../engine/torch.ts');
      const { evaluateRunOnTestset } = await import('../run/evaluate.ts');
      engine.setThreads(opts.threads);
      const results = await evaluateRunOnTestset(opts.run, { ...(opts.testset ? { testset: opts.testset } : {}), ...(opts.out ? { outDir: opts.out } : {}), ...(opts.imageSeeds ? { imageSeeds: opts.imageSeeds } : {}) });
      process.stdout.write(`evaluated ${String(results.testset)} → results.json, report.md, report.html\n`);
    });
}

/** `seer oracle …`: train and measure the oracle judge's attribute detector. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { parsePositiveInteger, seedOption, startEngine, threadsOption } from './options.ts';

export function registerOracleCommands(program: Command): void {
  const oracle = program.command('oracle').description('the oracle judge (stands in for human raters)');
  oracle
    .command('eval')
    .description('accuracy of the attribute detector on held-out renders, overall and per family')
    .option('--json', 'print JSON only')
    .option('--n <count>', 'held-out renders', parsePositiveInteger, 1000)
    .addOption(seedOption('seed of the held-out set', 1))
    .option('--detector <dir>', 'detector folder (default: the shipped assets/oracle)')
    .option('--p-change <p>', 'chance each family leaves its default (0.55 busy scenes; 0.25 VIE-like)', Number, 0.55)
    .action(async (opts: { json?: boolean; n: number; seed: number; detector?: string; pChange: number }) => {
      const { AttributeDetector } = await import('../oracle/detector.ts');
      const { evaluateOracle } = await import('../oracle/evaluate.ts');
      const result = evaluateOracle(AttributeDetector.load(opts.detector), { n: opts.n, seed: opts.seed, pChange: opts.pChange });
      if (opts.json) {
        process.stdout.write(`${JSON.stringify(result)}\n`);
        return;
      }
      process.stdout.write(`oracle accuracy on ${result.n} held-out renders\n`);
      process.stdout.write(`overall ${result.overall} (degraded ${result.degraded.overall}); all families right ${result.all_families}\n`);
      for (const [family, acc] of Object.entries(result.by_family)) {
        process.stdout.write(`  ${family.padEnd(11)} ${acc.toFixed(4)}  degraded ${result.degraded.by_family[family as keyof typeof result.by_family].toFixed(4)}\n`);
      }
    });
  oracle
    .command('train')
    .description('train the attribute detector on fresh renders (writes detector.json + detector.bin)')
    .option('--out <dir>', 'output folder (default: assets/oracle)')
    .option('--steps <n>', 'optimizer steps (the shipped detector: 8000)', parsePositiveInteger, 8000)
    .option('--batch <n>', 'images per step', parsePositiveInteger, 64)
    .option('--resume', 'continue from the checkpoint in --out')
    .addOption(seedOption())
    .addOption(threadsOption())
    .action(async (opts: { out?: string; steps: number; batch: number; seed: number; resume?: boolean; threads: number }) => {
      const { AttributeDetector, DEFAULT_DETECTOR_DIR } = await import('../oracle/detector.ts');
      const { evaluateOracle } = await import('../oracle/evaluate.ts');
      await startEngine(opts.threads);
      const started = Date.now();
      const out = opts.out ?? DEFAULT_DETECTOR_DIR;
      if (!opts.resume && existsSync(join(out, 'detector.json'))) throw new SeerError('bad_input', `${out} already holds a detector: pass --resume to continue it, or choose another --out`);
      const detector = AttributeDetector.train({ steps: opts.steps, batch: opts.batch, seed: opts.seed, checkpointDir: out });
      const seconds = (Date.now() - started) / 1000;
      const accuracy = evaluateOracle(detector, { n: 500, seed: 1 });
      detector.save(out, { steps: opts.steps, batch: opts.batch, seed: opts.seed, seconds, heldOut500: accuracy });
      process.stdout.write(`trained in ${seconds.toFixed(0)} s → ${out}; held-out overall ${accuracy.overall}\n`);
    });
}

/**
 * `seer rl …`: check the GRPO functions against outside references.
 *   seer rl check --in scripts/grpo_vectors.example.json --out RESULTS.json [--grad]
 */
import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { SeerError } from '../core/errors.ts';
import { writeJson } from '../core/io.ts';

export function registerRlCommands(program: Command): void {
  const rl = program.command('rl').description('GRPO engine');
  rl.command('check')
    .description('evaluate the GRPO algorithm functions on given vectors (compare with TRL / PyTorch)')
    .requiredOption('--in <file>', 'VECTORS.json: {"cases": [...]}')
    .requiredOption('--out <file>', 'RESULTS.json to write: {"results": [{advantages, loss, kl, clip_ratio}]}')
    .option('--grad', 'also write grad_logp [B][T], the analytic d loss / d logp (compare with autograd)')
    .action(async (opts: { in: string; out: string; grad?: boolean }) => {
      const { runCheck } = await import('../rl/check.ts');
      let input: unknown;
      try {
        input = JSON.parse(readFileSync(opts.in, 'utf8'));
      } catch (cause) {
        throw new SeerError('bad_input', `${opts.in}: cannot read JSON (${(cause as Error).message})`, { cause });
      }
      const result = runCheck(input, { grad: opts.grad ?? false, source: opts.in });
      writeJson(opts.out, result);
      process.stdout.write(`wrote ${result.results.length} results to ${opts.out}\n`);
    });
}

/**
 * `seer bench [--json] [--threads 1,2] [--repeats 3] [--shape both] [--reference] [--workload train|grpo|stage1|stage2|all]`:
 * SEER-Mini's dimensions, training-step time, effective GFLOP/s and KV-cache sampling tokens/s on
 * this machine; with --reference, the same step in PyTorch (src/bench/torch_step.py),
 * interleaved with ours so both see the same load, and the ratio. `--workload grpo` times a
 * Stage-1 and a Stage-2 GRPO step at the default recipe's shapes instead (per phase; Stage 2's
 * reward — drawing the images, judging them — included), against PyTorch doing the same steps TRL's
 * way (src/bench/torch_grpo_step.py, src/bench/torch_stage2_step.py); `stage1` / `stage2` time one
 * of them. The machine is shared: each figure is reported as min / median / max over repeats, with
 * the load average at the start.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cpus, loadavg } from 'node:os';
import type { GrpoBenchRow, GrpoWorkload } from '../bench/grpo.ts';
import { parsePositiveInteger, startEngine } from './options.ts';

interface BenchOptions {
  json?: boolean;
  threads: number[];
  steps: number;
  repeats: number;
  shape: 'peer' | 'default' | 'both';
  reference?: boolean;
  sampling: boolean;
  workload: 'train' | 'grpo' | 'stage1' | 'stage2' | 'all';
  judgeCheckpoint?: string;
}

interface Range {
  min: number;
  median: number;
  max: number;
}

function parseThreads(value: string): number[] {
  const list = value.split(',').map((v) => Number(v.trim()));
  if (list.length === 0 || list.some((n) => !Number.isInteger(n) || n < 1)) throw new InvalidArgumentError(`expected thread counts like "1,2", got "${value}"`);
  return list;
}

function parseWorkload(value: string): BenchOptions['workload'] {
  if (value !== 'train' && value !== 'grpo' && value !== 'stage1' && value !== 'stage2' && value !== 'all') throw new InvalidArgumentError(`expected train, grpo, stage1, stage2 or all, got "${value}"`);
  return value;
}

function parseShape(value: string): BenchOptions['shape'] {
  if (value !== 'peer' && value !== 'default' && value !== 'both') throw new InvalidArgumentError(`expected peer, default or both, got "${value}"`);
  return value;
}

export function registerBenchCommands(program: Command): void {
  program
    .command('bench')
    .description('training-step time, GFLOP/s and KV-cache sampling speed of SEER-Mini (optionally against PyTorch)')
    .option('--json', 'print one JSON object only')
    .option('--threads <list>', 'libtorch thread counts to measure, comma-separated', parseThreads, [1, 2])
    .option('--steps <n>', 'training steps per measurement (the first is a warm-up)', parsePositiveInteger, 4)
    .option('--repeats <n>', 'measurements per configuration (the machine is shared: report ranges)', parsePositiveInteger, 3)
    .option('--shape <name>', "peer (V2500, B16×T200: the engine choice's PyTorch comparison, docs/engine.md), default (SEER-Mini: V905, B32×T128) or both", parseShape, 'both')
    .option('--reference', 'also run the step in PyTorch (needs apt-get install python3-torch libopenblas0-pthread)')
    .option('--no-sampling', 'skip the sampling measurement')
    .option('--workload <name>', 'train (the synthetic training step), grpo (a Stage-1 and a Stage-2 GRPO step on the base checkpoint at the default recipe\'s shapes, reward included for Stage 2; the reference does them TRL\'s way), stage1 or stage2 (one of the two) or all', parseWorkload, 'train')
    .option('--judge-checkpoint <dir>', "Stage 2's frozen judge, e.g. a run's stage1-model (default: the base checkpoint)")
    .action(async (opts: BenchOptions) => {
      const { benchTrainStep, benchSampling, runTorchReference, medianOf, DEFAULT_SHAPE, PEER_SHAPE } = await import('../bench/engine.ts');
      const range = (xs: number[]): Range => ({ min: Math.min(...xs), median: medianOf(xs), max: Math.max(...xs) });
      const shapes = { peer: [PEER_SHAPE], default: [DEFAULT_SHAPE], both: [PEER_SHAPE, DEFAULT_SHAPE] }[opts.shape];
      const say = (line: string) => {
        if (!opts.json) process.stdout.write(`${line}\n`);
      };
      const results = [];
      const engineInfo = await startEngine(opts.threads[0] ?? 1);
      say(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} cores`);
      for (const shape of opts.workload === 'train' || opts.workload === 'all' ? shapes : []) {
        for (const threads of opts.threads) {
          const seer: number[] = [];
          const torch: number[] = [];
          let reason: string | undefined;
          let last;
          for (let r = 0; r < opts.repeats; r++) {
            last = benchTrainStep(shape, { threads, steps: opts.steps });
            seer.push(last.medianStepSeconds);
            if (opts.reference && reason === undefined) {
              const ref = runTorchReference(shape, { threads, steps: opts.steps });
              if (ref.ok) torch.push(ref.medianStepSeconds);
              else reason = ref.reason;
            }
          }
          const sampling = opts.sampling ? range(benchSampling(shape, { threads, batch: 16, tokens: 64, repeats: opts.repeats })) : undefined;
          const step = range(seer);
          const row = {
            shape,
            params: last?.params ?? 0,
            threads,
            stepSeconds: step,
            gflopPerStep: last?.gflopPerStep ?? 0,
            gflops: (last?.gflopPerStep ?? 0) / step.median,
            ...(sampling ? { samplingTokensPerSecond: sampling } : {}),
            ...(torch.length ? { pytorchStepSeconds: range(torch), ratioToPytorch: step.median / medianOf(torch) } : {}),
            ...(reason ? { pytorchError: reason } : {}),
          };
          results.push(row);
          const s = shape;
          say(
            `d${s.dModel} L${s.nLayers} H${s.nHeads} V${s.vocab} B${s.batch}×T${s.seq} (${(row.params / 1e6).toFixed(2)}M params), ${threads} thread(s): ` +
              `step ${fmt(step)} s, ${row.gflops.toFixed(1)} GFLOP/s` +
              (sampling ? `, sampling ${sampling.median.toFixed(0)} tok/s (${sampling.min.toFixed(0)}–${sampling.max.toFixed(0)})` : '') +
              (row.pytorchStepSeconds ? `; PyTorch ${fmt(row.pytorchStepSeconds)} s → ratio ${row.ratioToPytorch!.toFixed(2)}` : '') +
              (reason ? `; PyTorch: ${reason}` : ''),
          );
        }
      }
      const grpo = opts.workload === 'train' ? [] : await benchGrpo(opts, say);
      if (opts.json) process.stdout.write(`${JSON.stringify({ engine: engineInfo, cores: cpus().length, loadAverage: loadavg(), steps: opts.steps, repeats: opts.repeats, results, grpo })}\n`);
    });
}

/**
 * The GRPO workloads (src/bench/grpo.ts): per thread count, fresh copies of the base checkpoint per
 * repeat, each run followed by the PyTorch step done TRL's way with the same token work.
 */
async function benchGrpo(opts: BenchOptions, say: (line: string) => void): Promise<GrpoBenchRow[]> {
  const { benchGrpoRows, formatGrpoRow } = await import('../bench/grpo.ts');
  const workloads: GrpoWorkload[] = opts.workload === 'stage1' ? ['stage1'] : opts.workload === 'stage2' ? ['stage2'] : ['stage1', 'stage2'];
  return benchGrpoRows({ workloads, threads: opts.threads, repeats: opts.repeats, steps: Math.max(3, opts.steps), reference: opts.reference ?? false, ...(opts.judgeCheckpoint ? { judgeCheckpoint: opts.judgeCheckpoint } : {}), onRow: (row) => say(formatGrpoRow(row)) });
}

function fmt(r: Range): string {
  return `${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`;
}

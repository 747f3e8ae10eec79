/**
 * `seer bench [--json] [--threads 1,2] [--repeats 3] [--shape both] [--reference] [--workload train|grpo|all]`:
 * SEER-Mini's dimensions, training-step time, effective GFLOP/s and KV-cache sampling tokens/s on
 * this machine; with --reference, the same step in PyTorch (src/bench/torch_step.py),
 * interleaved with ours so both see the same load, and the ratio. `--workload grpo` times Stage-1
 * GRPO steps at the default recipe's shapes instead (per phase), against PyTorch doing the same
 * step TRL's way (src/bench/torch_grpo_step.py). The machine is shared: each figure is
 * reported as min / median / max over repeats, with the load average at the start.
 */
import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { cpus, loadavg } from 'node:os';
import { mean } from '../core/math.ts';
import { parsePositiveInteger, startEngine } from './options.ts';

interface BenchOptions {
  json?: boolean;
  threads: number[];
  steps: number;
  repeats: number;
  shape: 'peer' | 'default' | 'both';
  reference?: boolean;
  sampling: boolean;
  workload: 'train' | 'grpo' | 'all';
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
  if (value !== 'train' && value !== 'grpo' && value !== 'all') throw new InvalidArgumentError(`expected train, grpo or all, got "${value}"`);
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
    .option('--workload <name>', 'train (the synthetic training step), grpo (Stage-1 GRPO steps on the base checkpoint at the default recipe\'s shapes; the reference does it TRL\'s way) or all', parseWorkload, 'train')
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
      for (const shape of opts.workload === 'grpo' ? [] : shapes) {
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
 * Stage-1 GRPO steps (src/bench/grpo.ts) on a fresh copy of the base checkpoint per repeat,
 * each followed by the PyTorch step done TRL's way with the same completion lengths; per thread
 * count, the range over repeats of each run's median step and phase seconds.
 */
async function benchGrpo(opts: BenchOptions, say: (line: string) => void): Promise<Record<string, unknown>[]> {
  const { engine } = await import('../engine/torch.ts');
  const { BASE_CHECKPOINT_DIR, loadSeerMini } = await import('../model/checkpoint.ts');
  const { medianOf, runTorchGrpoReference } = await import('../bench/engine.ts');
  const { benchStage1Step } = await import('../bench/grpo.ts');
  const { stage1ConfigSchema } = await import('../seer/stage1.ts');
  const stage1 = stage1ConfigSchema.parse({});
  const steps = Math.max(3, opts.steps);
  const rows: Record<string, unknown>[] = [];
  for (const threads of opts.threads) {
    const seer: Record<'step' | 'rollout' | 'reward' | 'reference' | 'update', number>[] = [];
    const torch: Record<'step' | 'rollout' | 'reference' | 'update', number>[] = [];
    let reason: string | undefined;
    let contextTokens = 0;
    let meanLength = 0;
    for (let r = 0; r < opts.repeats; r++) {
      engine.setThreads(threads);
      const model = loadSeerMini(BASE_CHECKPOINT_DIR).model;
      const run = await benchStage1Step(model, { steps });
      seer.push(run.median);
      contextTokens = Math.round(mean(run.contextTokens));
      meanLength = run.meanCompletionLength;
      for (const p of model.transformer.parameters) p.tensor.dispose();
      if (opts.reference && reason === undefined) {
        const t = model.transformer.config;
        const ref = runTorchGrpoReference({ dModel: t.dModel, nLayers: t.nLayers, nHeads: t.nHeads, vocab: t.textVocab + t.imageVocab, prompts: stage1.promptsPerStep, G: stage1.numGenerations, promptLength: contextTokens }, { threads, lengths: run.completionLengths });
        if (ref.ok) torch.push(ref.median);
        else reason = ref.reason;
      }
    }
    const med = <K extends string>(xs: Record<K, number>[], k: K) => medianOf(xs.map((x) => x[k]));
    const row = {
      workload: 'stage1-grpo-step',
      threads,
      blasThreads: stage1.blasThreads,
      contextTokens,
      rows: stage1.promptsPerStep * stage1.numGenerations,
      meanCompletionLength: meanLength,
      stepSeconds: { min: Math.min(...seer.map((x) => x.step)), median: med(seer, 'step'), max: Math.max(...seer.map((x) => x.step)) },
      phases: { rollout: med(seer, 'rollout'), reward: med(seer, 'reward'), reference: med(seer, 'reference'), update: med(seer, 'update') },
      ...(torch.length
        ? { pytorchStepSeconds: { min: Math.min(...torch.map((x) => x.step)), median: med(torch, 'step'), max: Math.max(...torch.map((x) => x.step)) }, pytorchPhases: { rollout: med(torch, 'rollout'), reference: med(torch, 'reference'), update: med(torch, 'update') }, ratioToPytorch: med(seer, 'step') / med(torch, 'step') }
        : {}),
      ...(reason ? { pytorchError: reason } : {}),
    };
    rows.push(row);
    say(
      `Stage-1 GRPO step (${row.rows} rows: ${stage1.promptsPerStep} contexts of ~${contextTokens} tokens × G ${stage1.numGenerations}, completions ~${meanLength.toFixed(1)} tokens), ${threads} thread(s): ` +
        `step ${fmt(row.stepSeconds)} s [rollout ${row.phases.rollout.toFixed(3)}, reference ${row.phases.reference.toFixed(3)}, update ${row.phases.update.toFixed(3)}]` +
        (row.pytorchStepSeconds && row.pytorchPhases ? `; PyTorch (TRL's way) ${fmt(row.pytorchStepSeconds)} s [rollout ${row.pytorchPhases.rollout.toFixed(3)}, reference ${row.pytorchPhases.reference.toFixed(3)}, update ${row.pytorchPhases.update.toFixed(3)}] → ratio ${row.ratioToPytorch!.toFixed(2)}` : '') +
        (reason ? `; PyTorch: ${reason}` : ''),
    );
  }
  return rows;
}

function fmt(r: Range): string {
  return `${r.median.toFixed(3)} (${r.min.toFixed(3)}–${r.max.toFixed(3)})`;
}

/**
 * What `seer bench` measures: one training step (forward + backward + grad clipping + AdamW on a
 * per-token policy-gradient loss, −mean(log π(token) · advantage), the shape of a GRPO update),
 * its effective GFLOP/s, and KV-cache sampling tokens/s through the real sampler. The PyTorch
 * reference is src/bench/torch_step.py: the same model, loss and optimizer, run by Debian's
 * python3-torch on the same machine (`runTorchReference`), with the same thread set-up. The GRPO
 * workload (src/bench/grpo.ts) has its PyTorch counterparts done TRL's way: the Stage-1 step in
 * src/bench/torch_grpo_step.py (`runTorchGrpoReference`), the Stage-2 step, reward included, in
 * src/bench/torch_stage2_step.py (`runTorchStage2Reference`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Rng } from '../core/rng.ts';
import { T, engine, tidy } from '../engine/torch.ts';
import { sample } from '../model/sampling.ts';
import { Transformer } from '../model/transformer.ts';

export interface BenchShape {
  dModel: number;
  nLayers: number;
  nHeads: number;
  vocab: number;
  batch: number;
  seq: number;
}

/** The shape of the PyTorch comparison behind the engine choice (docs/engine.md, "Decision"). */
export const PEER_SHAPE: BenchShape = { dModel: 128, nLayers: 4, nHeads: 4, vocab: 2500, batch: 16, seq: 200 };
/** SEER-Mini's real shape: the base checkpoint's vocabulary (649 text + 256 image), pretraining batch 32, T 90–180. */
export const DEFAULT_SHAPE: BenchShape = { dModel: 128, nLayers: 4, nHeads: 4, vocab: 905, batch: 32, seq: 128 };

export interface TrainBench {
  shape: BenchShape;
  params: number;
  threads: number;
  /** Every step's seconds; the first is a warm-up and is left out of the median. */
  stepSeconds: number[];
  medianStepSeconds: number;
  gflopPerStep: number;
  gflops: number;
}

/** Model FLOPs of one training step: 6·N·tokens for the dense weights (fwd + bwd), plus attention's QKᵀ and AV. */
export function trainStepFlops(shape: BenchShape): number {
  const { dModel: d, nLayers: L, vocab: V, batch: B, seq: S } = shape;
  const dense = L * 12 * d * d + d * V; // qkv 3d², proj d², MLP 8d² per layer, output head
  return 6 * dense * B * S + 12 * L * B * S * S * d;
}

export function benchTrainStep(shape: BenchShape, options: { threads: number; steps: number; blasThreads?: number }): TrainBench {
  engine.setup({ threads: options.threads, seed: 0, ...(options.blasThreads ? { blasThreads: options.blasThreads } : {}) });
  const { model, params } = tidy(() => {
    const m = new Transformer({ textVocab: shape.vocab - 256, imageVocab: 256, dModel: shape.dModel, nLayers: shape.nLayers, nHeads: shape.nHeads, contextLength: Math.max(256, shape.seq) });
    return { model: m, params: m.trainableParameters() };
  });
  const opt = engine.adamW([{ params, lr: 1e-4, weightDecay: 0.01 }]);
  const { batch: B, seq: S, vocab: V } = shape;
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: B * S }, () => rng.int(V));
  const pos = Int32Array.from({ length: B * S }, (_, i) => i % S);
  const adv = Float32Array.from({ length: B * (S - 1) }, () => rng.uniform(-1, 1));
  const times: number[] = [];
  for (let step = 0; step < options.steps; step++) {
    const start = performance.now();
    tidy(() => {
      const idT = T.fromInt32(ids, [B, S]);
      const logits = model.forward(idT, T.fromInt32(pos, [B, S])); // [B, S, V]
      const logp = T.logSoftmax(T.narrow(logits, 1, 0, S - 1), -1); // [B, S−1, V]
      const targets = T.unsqueeze(T.narrow(idT, 1, 1, S - 1), 2); // [B, S−1, 1]
      const tokenLogp = T.reshape(T.gather(logp, 2, targets), [B, S - 1]);
      const loss = T.neg(T.mean(T.mul(tokenLogp, T.fromFloat32(adv, [B, S - 1]))));
      for (const p of params) p.zeroGrad();
      loss.backward();
      engine.clipGradNorm(params, 1);
      opt.step();
    });
    times.push((performance.now() - start) / 1000);
  }
  const count = model.parameterCount();
  for (const p of model.parameters) p.tensor.dispose();
  const median = medianOf(times.length > 1 ? times.slice(1) : times);
  const flops = trainStepFlops(shape);
  return { shape, params: count, threads: engine.threads(), stepSeconds: times, medianStepSeconds: median, gflopPerStep: flops / 1e9, gflops: flops / 1e9 / median };
}

/**
 * Tokens/s of the real sampler (temperature 1, top-p 0.9, KV cache) drawing `tokens` new tokens
 * for `batch` rows after an 8-token context; the first of `repeats` runs is a warm-up.
 */
export function benchSampling(shape: BenchShape, options: { threads: number; batch: number; tokens: number; repeats: number }): number[] {
  engine.setup({ threads: options.threads, seed: 0 });
  const model = tidy(() => new Transformer({ textVocab: shape.vocab - 256, imageVocab: 256, dModel: shape.dModel, nLayers: shape.nLayers, nHeads: shape.nHeads, contextLength: 256 }));
  const contexts = Array.from({ length: options.batch }, (_, b) => Array.from({ length: 8 }, (_, t) => (b * 8 + t) % shape.vocab));
  const rates: number[] = [];
  for (let r = 0; r <= options.repeats; r++) {
    const start = performance.now();
    sample(model, contexts, { maxNewTokens: options.tokens, temperature: 1, topP: 0.9, seed: r });
    if (r > 0) rates.push((options.batch * options.tokens) / ((performance.now() - start) / 1000));
  }
  for (const p of model.parameters) p.tensor.dispose();
  return rates;
}

export type TorchReference = { ok: true; stepSeconds: number[]; medianStepSeconds: number } | { ok: false; reason: string };

const TORCH_SCRIPT = fileURLToPath(new URL('./torch_step.py', import.meta.url));
const TORCH_GRPO_SCRIPT = fileURLToPath(new URL('./torch_grpo_step.py', import.meta.url));
const TORCH_STAGE2_SCRIPT = fileURLToPath(new URL('./torch_stage2_step.py', import.meta.url));

/** The same step in PyTorch (Debian python3-torch), in a child process. */
export function runTorchReference(shape: BenchShape, options: { threads: number; steps: number }): TorchReference {
  const args = ['--threads', String(options.threads), '--steps', String(options.steps), '--d', String(shape.dModel), '--layers', String(shape.nLayers), '--vocab', String(shape.vocab), '--batch', String(shape.batch), '--seq', String(shape.seq)];
  const out = runTorchScript<{ stepSeconds: number[]; median: number }>(TORCH_SCRIPT, args, options.threads);
  return out.ok ? { ok: true, stepSeconds: out.value.stepSeconds, medianStepSeconds: out.value.median } : out;
}

export interface GrpoPhaseSeconds {
  step: number;
  rollout: number;
  reference: number;
  update: number;
}

export type TorchGrpoReference = { ok: true; steps: GrpoPhaseSeconds[]; median: GrpoPhaseSeconds } | { ok: false; reason: string };

/**
 * One Stage-1 GRPO step done TRL's way in PyTorch (src/bench/torch_grpo_step.py): `lengths`
 * holds, per step, the B completion lengths seer drew, so both engines do the same token work.
 */
export function runTorchGrpoReference(shape: { dModel: number; nLayers: number; nHeads: number; vocab: number; prompts: number; G: number; promptLength: number }, options: { threads: number; lengths: number[][] }): TorchGrpoReference {
  const args = ['--threads', String(options.threads), '--d', String(shape.dModel), '--layers', String(shape.nLayers), '--heads', String(shape.nHeads), '--vocab', String(shape.vocab), '--prompts', String(shape.prompts), '--G', String(shape.G), '--prompt-len', String(shape.promptLength), '--lengths', JSON.stringify(options.lengths)];
  const out = runTorchScript<{ steps: GrpoPhaseSeconds[]; median: GrpoPhaseSeconds }>(TORCH_GRPO_SCRIPT, args, options.threads);
  return out.ok ? { ok: true, ...out.value } : out;
}

/** A Stage-2 step's phases: the reward is the images drawn plus the judging (and the format check). */
export interface Stage2PhaseSeconds extends GrpoPhaseSeconds {
  reward: number;
  images: number;
  judge: number;
}

/**
 * What one seer Stage-2 step asked of the models, as TRL would ask it (src/bench/grpo.ts records
 * it; src/bench/torch_stage2_step.py replays it). Lengths are tokens.
 */
export interface Stage2StepRecord {
  /** Rollout: each of the B rows' context length (G rows per prompt) and completion length. */
  contexts: number[];
  completions: number[];
  /**
   * The reward's generator calls as it makes them (reprompt images, then naive images: one row per
   * valid completion each, before memoisation), each row's generate-context length.
   */
  imageCalls: number[][];
  /** Images the memoised generator really drew (seer's work; TRL's is every row of `imageCalls`). */
  imagesDrawn: number;
  /** Judge queries (pairs of distinct images): each context's length and its decoded answer's. */
  judgeContexts: number[];
  judgeOutputs: number[];
  /** Answer scoring: each query's context + reasoning length, and each candidate answer's length. */
  scoreContexts: number[];
  answerLengths: number[];
}

export type TorchStage2Reference = { ok: true; steps: Stage2PhaseSeconds[]; median: Stage2PhaseSeconds } | { ok: false; reason: string };

/** One Stage-2 GRPO step done TRL's way in PyTorch (src/bench/torch_stage2_step.py), replaying seer's `record` (one per step). */
export function runTorchStage2Reference(
  shape: { dModel: number; nLayers: number; nHeads: number; vocab: number; textVocab: number; imageCodes: number; G: number; beta: number; learningRate: number },
  options: { threads: number; record: Stage2StepRecord[] },
): TorchStage2Reference {
  const args = ['--threads', String(options.threads), '--d', String(shape.dModel), '--layers', String(shape.nLayers), '--heads', String(shape.nHeads), '--vocab', String(shape.vocab), '--text-vocab', String(shape.textVocab), '--image-codes', String(shape.imageCodes), '--G', String(shape.G), '--beta', String(shape.beta), '--lr', String(shape.learningRate), '--record', JSON.stringify(options.record)];
  const out = runTorchScript<{ steps: Stage2PhaseSeconds[]; median: Stage2PhaseSeconds }>(TORCH_STAGE2_SCRIPT, args, options.threads);
  return out.ok ? { ok: true, ...out.value } : out;
}

function runTorchScript<R>(script: string, args: string[], threads: number): { ok: true; value: R } | { ok: false; reason: string } {
  if (!existsSync(script)) return { ok: false, reason: `${script} is missing` };
  // The same thread set-up as ours: OpenBLAS's pool sized like libtorch's, passive OpenMP waits.
  const env = { ...process.env, OPENBLAS_NUM_THREADS: String(threads), OMP_WAIT_POLICY: process.env.OMP_WAIT_POLICY ?? 'PASSIVE' };
  const run = spawnSync('/usr/bin/python3', [script, ...args], { encoding: 'utf8', env });
  if (run.error || run.status !== 0) {
    const why = run.error?.message ?? run.stderr.trim().split('\n').pop() ?? `exit ${run.status}`;
    return { ok: false, reason: `PyTorch reference failed (${why}); it needs \`apt-get install python3-torch libopenblas0-pthread\`` };
  }
  return { ok: true, value: JSON.parse(run.stdout.trim().split('\n').pop() ?? '{}') as R };
}

export function medianOf(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/**
 * `seer bench --json`: the default model's dimensions, training-step time (forward + backward +
 * AdamW on a per-token policy-gradient loss), effective GFLOP/s, and KV-cache sampling tokens/s.
 * The reference for comparison is scripts/bench/torch_step.py (PyTorch on the same machine).
 */
import { Rng } from '../core/rng.ts';
import { T, engine, noGrad, tidy } from '../engine/torch.ts';
import { Transformer } from './transformer.ts';

export interface BenchResult {
  dims: { dModel: number; nLayers: number; nHeads: number; vocab: number; batch: number; seq: number; params: number };
  threads: number;
  trainStepSeconds: number[];
  medianStepSeconds: number;
  gflopPerStep: number;
  gflops: number;
  samplingTokensPerSecond: number;
}

export function benchTrainStep(options: { dModel?: number; nLayers?: number; vocab?: number; batch?: number; seq?: number; steps?: number; threads?: number } = {}): BenchResult {
  const dModel = options.dModel ?? 128;
  const nLayers = options.nLayers ?? 4;
  const vocab = options.vocab ?? 2500;
  const B = options.batch ?? 16;
  const S = options.seq ?? 200;
  engine.setThreads(options.threads ?? 2);
  engine.seed(0);
  const model = new Transformer({ textVocab: vocab - 256, imageVocab: 256, dModel, nLayers, nHeads: 4, contextLength: Math.max(256, S) });
  const params = model.parameters.map((p) => p.tensor);
  const opt = engine.adamW([{ params, lr: 1e-4, weightDecay: 0.01 }]);
  const rng = new Rng(1);
  const ids = Int32Array.from({ length: B * S }, () => rng.int(vocab));
  const pos = Int32Array.from({ length: B * S }, (_, i) => i % S);
  const adv = Float32Array.from({ length: B * (S - 1) }, () => rng.uniform(-1, 1));
  const times: number[] = [];
  for (let step = 0; step < (options.steps ?? 6); step++) {
    const start = performance.now();
    tidy(() => {
      const idT = T.fromInt32(ids, [B, S]);
      const logits = model.forward(idT, T.fromInt32(pos, [B, S])); // [B, S, V]
      const logp = T.logSoftmax(T.narrow(logits, 1, 0, S - 1), -1);
      const targets = T.unsqueeze(T.narrow(idT, 1, 1, S - 1), 2);
      const tokenLogp = T.reshape(T.gather(logp, 2, targets), [B, S - 1]);
      const loss = T.neg(T.mean(T.mul(tokenLogp, T.fromFloat32(adv, [B, S - 1]))));
      for (const p of params) p.zeroGrad();
      loss.backward();
      engine.clipGradNorm(params, 1);
      opt.step();
    });
    times.push((performance.now() - start) / 1000);
  }
  const measured = times.slice(1).sort((a, b) => a - b);
  const median = measured[Math.floor(measured.length / 2)] ?? times[0]!;
  const nonEmbedding = model.parameterCount() - vocab * dModel - model.config.contextLength * dModel;
  // 6·N·tokens for the dense layers and head, plus attention scores and values (fwd 4·B·S²·d, ×3 with backward).
  const flops = 6 * (nonEmbedding) * B * S + 12 * nLayers * B * S * S * dModel;
  const sampling = benchSampling(model, 16, 64, vocab);
  return {
    dims: { dModel, nLayers, nHeads: 4, vocab, batch: B, seq: S, params: model.parameterCount() },
    threads: engine.threads(),
    trainStepSeconds: times,
    medianStepSeconds: median,
    gflopPerStep: flops / 1e9,
    gflops: flops / 1e9 / median,
    samplingTokensPerSecond: sampling,
  };
}

/** Greedy KV-cache decoding of `tokens` new tokens for `batch` sequences; returns tokens/s. */
function benchSampling(model: Transformer, batch: number, tokens: number, vocab: number): number {
  return noGrad(() => {
    const start = performance.now();
    tidy(() => {
      const cache = { keys: [], values: [], length: 0 };
      let next = T.fromInt32(new Int32Array(batch).fill(1), [batch, 1]);
      for (let t = 0; t < tokens; t++) {
        const logits = model.forward(next, T.fromInt32(new Int32Array(batch).fill(t), [batch, 1]), { cache });
        const data = logits.toFloat32();
        const ids = new Int32Array(batch);
        for (let b = 0; b < batch; b++) {
          let best = 0;
          for (let k = 1; k < vocab; k++) if ((data[b * vocab + k] as number) > (data[b * vocab + best] as number)) best = k;
          ids[b] = best;
        }
        next = T.fromInt32(ids, [batch, 1]);
      }
    });
    return (batch * tokens) / ((performance.now() - start) / 1000);
  });
}

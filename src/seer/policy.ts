/**
 * SEER-Mini as a GRPO `PolicyModel` (src/rl/policy.ts): text sampling, differentiable per-token
 * log-probs, AdamW on the *understanding/reasoning* parameters only — the generation group
 * (image-code embeddings and head) stays frozen, as the paper freezes θ_gen (§3.1) — and a frozen
 * snapshot for the KL reference; optionally pretraining replay at every step (./replay.ts).
 */
import { T, engine, noGrad, tidy, type NativeAdamW, type Tensor } from '../engine/torch.ts';
import { decodeSafetensors, encodeSafetensors } from '../model/safetensors.ts';
import { Transformer } from '../model/transformer.ts';
import { SeerMini } from '../model/umm.ts';
import type { Completion, LogProbs, OptimizerStep, PolicyModel, SamplingOptions, TokenRows } from '../rl/policy.ts';
import { replayLoss, type ReplayConfig } from './replay.ts';

export class SeerMiniPolicy implements PolicyModel {
  readonly model: SeerMini;
  private readonly trainable: Tensor[];
  private readonly optimizer: NativeAdamW;

  private readonly replay: { config: ReplayConfig; seed: number } | null;

  /** `replay`: pretraining replay at every optimizer step (./replay.ts); off by default. */
  constructor(model: SeerMini, options: { weightDecay?: number; replay?: { config: ReplayConfig; seed: number } } = {}) {
    this.model = model;
    this.replay = options.replay && options.replay.config.weight > 0 ? options.replay : null;
    for (const p of model.transformer.parameters) p.tensor.setRequiresGrad(p.group === 'understanding');
    this.trainable = model.transformer.parameters.filter((p) => p.group === 'understanding').map((p) => p.tensor);
    this.optimizer = engine.adamW([{ params: this.trainable, lr: 1e-5, weightDecay: options.weightDecay ?? 0 }]);
  }

  async sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]> {
    return this.model.sampleText(contexts, options).map((s) => ({ tokens: s.tokens, truncated: s.truncated }));
  }

  async logProbs(rows: TokenRows, options: { grad: boolean }): Promise<LogProbs> {
    const run = () => this.model.completionLogProbs(rows.contexts, rows.completions);
    if (!options.grad) {
      const { logp, entropy } = noGrad(() => tidy(() => {
        const out = run();
        return { logp: out.logp.toFloat32(), entropy: out.entropy.toFloat32() };
      }));
      return { ...split(logp, entropy, rows), backward: () => { throw new Error('backward() on log-probs computed without grad'); } };
    }
    const out = tidy(() => run());
    const values = split(out.logp.toFloat32(), noGrad(() => out.entropy.toFloat32()), rows);
    const [B, maxC] = out.logp.shape() as [number, number];
    return {
      ...values,
      backward: (grad) => {
        const g = new Float32Array(B * maxC);
        grad.forEach((row, b) => row.forEach((v, t) => (g[b * maxC + t] = v)));
        tidy(() => out.logp.backward(T.fromFloat32(g, [B, maxC])));
        out.logp.dispose();
        out.entropy.dispose();
      },
    };
  }

  zeroGrad(): void {
    for (const p of this.trainable) p.zeroGrad();
  }

  step(options: OptimizerStep): number {
    const replay = this.replay;
    if (replay) tidy(() => replayLoss(this.model, replay.config, replay.seed, options.index ?? 0).backward());
    const norm = engine.clipGradNorm(this.trainable, options.maxGradNorm);
    this.optimizer.setLr(0, options.lr);
    this.optimizer.step();
    return norm;
  }

  async snapshot(): Promise<PolicyModel> {
    const copy = new Transformer(this.model.transformer.config);
    copy.importWeights(this.model.transformer.exportWeights());
    return new SeerMiniPolicy(new SeerMini(copy, this.model.text, this.model.image));
  }

  async saveState(): Promise<Uint8Array> {
    const weights = encodeSafetensors(this.model.transformer.exportWeights());
    const optimizer = this.optimizer.save();
    const out = new Uint8Array(8 + weights.length + optimizer.length);
    new DataView(out.buffer).setBigUint64(0, BigInt(weights.length), true);
    out.set(weights, 8);
    out.set(optimizer, 8 + weights.length);
    return out;
  }

  async loadState(state: Uint8Array): Promise<void> {
    const n = Number(new DataView(state.buffer, state.byteOffset, 8).getBigUint64(0, true));
    this.model.transformer.importWeights(decodeSafetensors(state.slice(8, 8 + n)).tensors);
    const rest = state.slice(8 + n);
    if (rest.length > 0) this.optimizer.load(Buffer.from(rest));
  }
}

function split(logp: Float32Array, entropy: Float32Array, rows: TokenRows): { logp: Float64Array[]; entropy: Float64Array[] } {
  const B = rows.completions.length;
  const maxC = B ? logp.length / B : 0;
  return {
    logp: rows.completions.map((c, b) => Float64Array.from(logp.subarray(b * maxC, b * maxC + c.length))),
    entropy: rows.completions.map((c, b) => Float64Array.from(entropy.subarray(b * maxC, b * maxC + c.length))),
  };
}

/**
 * What the GRPO trainer needs from a model, and nothing more. Plain arrays at the boundary, so any
 * model — SEER-Mini on the tensor engine, the tabular test policy, a remote model with gradients —
 * can be trained. The trainer computes d loss / d logp with the pure functions of ./core.ts and
 * hands it to `backward`; the model turns it into parameter gradients.
 */

export interface SamplingOptions {
  temperature: number;
  topP: number;
  maxNewTokens: number;
  seed: number;
}

export interface Completion {
  tokens: number[];
  /** True when the completion hit `maxNewTokens` without a stop token. */
  truncated: boolean;
}

export interface TokenRows {
  contexts: readonly (readonly number[])[];
  completions: readonly (readonly number[])[];
}

export interface LogProbs {
  /** [B][T_b] log-prob of each completion token under the model. */
  logp: Float64Array[];
  /** [B][T_b] entropy of the next-token distribution at each completion position. */
  entropy: Float64Array[];
  /** Accumulate parameter gradients of Σ grad[b][t] · logp[b][t]. Only for `grad: true` calls. */
  backward(grad: readonly (readonly number[])[]): void;
}

export interface OptimizerStep {
  lr: number;
  weightDecay: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm: number;
}

export interface PolicyModel {
  sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]>;
  logProbs(rows: TokenRows, options: { grad: boolean }): Promise<LogProbs>;
  zeroGrad(): void;
  /** AdamW step on the trainable parameters; returns the gradient norm before clipping. */
  step(options: OptimizerStep): number;
  /** A frozen copy (the KL reference). */
  snapshot(): Promise<PolicyModel>;
  /** Serializable state (weights and optimizer moments) for exact resume. */
  saveState(): Promise<Uint8Array>;
  loadState(state: Uint8Array): Promise<void>;
}

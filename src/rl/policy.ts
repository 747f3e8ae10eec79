/**
 * What the GRPO trainer needs from a model, and nothing more. Plain arrays at the boundary, so any
 * model — SEER-Mini on the tensor engine (src/seer/policy.ts), the tabular test policy
 * (./tabular-policy.testkit.ts), a remote model with gradients — can be trained. The trainer computes
 * d loss / d logp with the pure functions of ./core.ts and hands it to `backward`; the model turns
 * it into parameter gradients (in libtorch terms `logp.backward(grad)`).
 *
 * One training step, as the trainer calls it:
 *   sample(contexts × G) → logProbs(rows, {grad: true}) per micro-batch → backward(dL/dlogp)
 *   → step({lr, weightDecay, maxGradNorm}) → zeroGrad()
 * A reference for the KL term is `snapshot()` taken once before training (the paper's initial
 * policy); `saveState` / `loadState` must round-trip everything that changes the numbers of later
 * steps (weights, optimizer moments and step count) so a killed run resumes exactly.
 *
 * Departure from the paper: none in substance. The paper trains only the understanding/reasoning
 * parameters of Harmon and freezes generation; here that is `setFrozen(['generation'])` on models
 * that expose parameter groups (SEER-Mini freezes its generation group in its constructor).
 */

export interface SamplingOptions {
  temperature: number;
  topP: number;
  maxNewTokens: number;
  /** Every random draw of this call derives from this seed (and the row index), so calls repeat. */
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
  /** [B][T_b] log-prob of each completion token under the model (Float32Array, Float64Array or number[]). */
  logp: readonly ArrayLike<number>[];
  /** [B][T_b] entropy of the next-token distribution at each completion position. */
  entropy: readonly ArrayLike<number>[];
  /**
   * Accumulate parameter gradients of Σ_b,t grad[b][t] · logp[b][t] into the trainable parameters
   * (adds to what earlier calls accumulated; `zeroGrad` clears). Only valid for `grad: true` calls.
   */
  backward(grad: readonly (readonly number[])[]): void;
}

export interface OptimizerStep {
  /** Learning rate for this step, set by the trainer's schedule. */
  lr: number;
  /** AdamW decoupled weight decay. */
  weightDecay: number;
  /** Clip the global gradient norm to this (0 = no clipping). */
  maxGradNorm: number;
  /** Index of this optimizer step in the run (0, 1, …), for per-step work derived from it (replay). */
  index?: number;
}

export interface ParameterGroup {
  /** e.g. 'generation', 'understanding'. */
  name: string;
  /** Number of scalar parameters. */
  size: number;
  frozen: boolean;
}

export interface PolicyModel {
  /** One completion per context; stops at the model's end token or after `maxNewTokens`. */
  sample(contexts: readonly (readonly number[])[], options: SamplingOptions): Promise<Completion[]>;
  /** Per-token log-probs of `completions[b]` after `contexts[b]`; with `grad`, `backward` works. */
  logProbs(rows: TokenRows, options: { grad: boolean }): Promise<LogProbs>;
  zeroGrad(): void;
  /** AdamW step on the trainable (non-frozen) parameters; returns the gradient norm before clipping. */
  step(options: OptimizerStep): number;
  /** A frozen copy with the current weights (the KL reference). */
  snapshot(): Promise<PolicyModel>;
  /** Serializable state (weights, optimizer moments, step count) for exact resume. */
  saveState(): Promise<Uint8Array>;
  loadState(state: Uint8Array): Promise<void>;
  /** Named parameter groups, if the model has them. Optional: models without groups train all. */
  parameterGroups?(): readonly ParameterGroup[];
  /**
   * Freeze exactly these groups (no gradient, no update, no weight decay) and unfreeze the rest.
   * Required when `parameterGroups` is implemented.
   */
  setFrozen?(groups: readonly string[]): void;
}

/**
 * GRPO's mathematics as pure functions over plain arrays (verl's `core_algos` separation; TRL's
 * options and names). Paper: Eq. 6–8 (Stage 1) and 10–11 (Stage 2) are the same objective:
 *
 *   ℓ_t = −min(r_t·A, clip(r_t, 1−ε, 1+ε_high)·A) + β·KL_t,   r_t = exp(logp_t − logp_old_t)
 *
 * aggregated over masked completion tokens. Besides the loss we return its exact gradient with
 * respect to every token's current log-prob: the model back-propagates that (`logp.backward(g)`),
 * so the algorithm never needs to know the model's tensors.
 *
 * Departures from the paper: Eq. 6 is the `grpo` aggregation with a k3 KL and a symmetric clip;
 * the other aggregations (bnpo, dr_grpo, dapo), estimators (k1, k2), clip-higher and the
 * batch / no reward scaling are TRL's options, off by default. NaN rewards (a reward function that
 * could not score) get advantage 0 instead of poisoning their group.
 */
import { mean } from '../core/math.ts';

/**
 * The registry of GRPO's option values, defined once: the config schema (./config.ts), the
 * `seer rl check` vector schema (./check.ts) and the functions below all derive from these lists.
 */
export const SCALE_REWARDS = ['group', 'batch', 'none'] as const;
export const KL_ESTIMATORS = ['k1', 'k2', 'k3'] as const;
export const LOSS_TYPES = ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const;
export type ScaleRewards = (typeof SCALE_REWARDS)[number];
export type KlEstimator = (typeof KL_ESTIMATORS)[number];
export type LossType = (typeof LOSS_TYPES)[number];

/** Exponent guard for the importance ratio (verl clamps log-ratios to ±20). */
export const LOG_RATIO_CLAMP = 20;
export const STD_EPS = 1e-4;

/** Sample standard deviation (Bessel); NaN for fewer than two values. */
export function besselStd(values: readonly number[]): number {
  if (values.length < 2) return Number.NaN;
  const m = mean(values);
  return Math.sqrt(values.reduce((s, v) => s + (v - m) ** 2, 0) / (values.length - 1));
}

export interface AdvantageResult {
  advantages: number[];
  /** Per-group std of finite rewards, keyed by group id. */
  groupStd: Map<string, number>;
  /** Fraction of groups whose finite rewards are all equal (no learning signal). */
  fracZeroStd: number;
}

/**
 * Group-relative advantages (Eq. 8): (r − mean_group) / (std + 1e-4). `scale` = 'group' divides by
 * the group's std, 'batch' by the std of the whole batch, 'none' not at all. Groups are keyed by a
 * stable prompt id; NaN rewards are left out of the statistics and get advantage 0.
 */
export function groupAdvantages(rewards: readonly number[], groupIds: readonly string[], scale: ScaleRewards = 'group'): AdvantageResult {
  if (rewards.length !== groupIds.length) throw new RangeError(`rewards (${rewards.length}) and group ids (${groupIds.length}) differ in length`);
  const groups = new Map<string, number[]>();
  rewards.forEach((r, i) => {
    if (!Number.isFinite(r)) return;
    const id = groupIds[i] as string;
    groups.set(id, [...(groups.get(id) ?? []), r]);
  });
  const means = new Map<string, number>();
  const stds = new Map<string, number>();
  for (const [id, values] of groups) {
    means.set(id, mean(values));
    stds.set(id, besselStd(values));
  }
  const batchStd = besselStd(rewards.filter(Number.isFinite));
  const advantages = rewards.map((r, i) => {
    if (!Number.isFinite(r)) return 0;
    const id = groupIds[i] as string;
    const centred = r - (means.get(id) as number);
    if (scale === 'none') return centred;
    const std = scale === 'group' ? (stds.get(id) as number) : batchStd;
    const a = centred / ((Number.isFinite(std) ? std : 0) + STD_EPS);
    return Number.isFinite(a) ? a : 0;
  });
  const distinctGroups = new Set(groupIds);
  let zero = 0;
  for (const id of distinctGroups) {
    const values = groups.get(id) ?? [];
    if (values.every((v) => v === values[0])) zero++;
  }
  return { advantages, groupStd: stds, fracZeroStd: distinctGroups.size ? zero / distinctGroups.size : 0 };
}

/** Per-token KL estimate between the policy and the reference, from log-probs (Schulman's k1/k2/k3). */
export function klEstimate(logp: number, refLogp: number, estimator: KlEstimator): number {
  const d = refLogp - logp;
  switch (estimator) {
    case 'k1':
      return -d;
    case 'k2':
      return 0.5 * d * d;
    case 'k3':
      return Math.exp(d) - d - 1;
  }
}

/** d KL / d logp for each estimator. */
export function klGradient(logp: number, refLogp: number, estimator: KlEstimator): number {
  const d = refLogp - logp;
  switch (estimator) {
    case 'k1':
      return 1;
    case 'k2':
      return -d;
    case 'k3':
      return 1 - Math.exp(d);
  }
}

export interface PolicyLossConfig {
  lossType: LossType;
  beta: number;
  epsilon: number;
  /** Upper clip (clip-higher, DAPO); null falls back to `epsilon`. */
  epsilonHigh: number | null;
  klEstimator: KlEstimator;
}

export interface PolicyLossInput {
  /** [B][T] current, behaviour (old) and reference log-probs; mask 1 = completion token. */
  logp: readonly (readonly number[])[];
  oldLogp: readonly (readonly number[])[];
  refLogp?: readonly (readonly number[])[];
  mask: readonly (readonly number[])[];
  advantages: readonly number[];
  /** dr_grpo's constant: the configured maximum completion length. */
  maxCompletionLength: number;
  /** dapo's normaliser: active tokens in the whole generation batch (default: this batch's). */
  generationBatchTokens?: number;
}

export interface PolicyLossOutput {
  loss: number;
  /** d loss / d logp[b][t] (0 where mask is 0). */
  grad: number[][];
  /** Masked mean per-token KL to the reference (0 when no reference log-probs are given). */
  kl: number;
  clipRatio: { low: number; high: number; region: number };
}

/** Importance ratio exp(logp − old) with the exponent clamped to ±LOG_RATIO_CLAMP; `saturated` when clamped (then d ratio / d logp = 0). */
export function tokenRatio(logp: number, oldLogp: number): { ratio: number; saturated: boolean } {
  const logRatio = logp - oldLogp;
  const saturated = Math.abs(logRatio) >= LOG_RATIO_CLAMP;
  return { ratio: Math.exp(Math.max(-LOG_RATIO_CLAMP, Math.min(LOG_RATIO_CLAMP, logRatio))), saturated };
}

export type ClipRegion = 'low' | 'high' | null;

/**
 * One token's clipped surrogate −min(r·A, clip(r, 1−ε_low, 1+ε_high)·A) and its derivative with
 * respect to the token's log-prob (d r / d logp = r). The clipped branch is the active one — and
 * the gradient 0 — exactly in the clip region: r < 1−ε_low with A < 0 ('low'), r > 1+ε_high with
 * A > 0 ('high'). On the other side of a bound the unclipped branch is the min and keeps −A·r.
 */
export function clippedSurrogate(ratio: number, saturated: boolean, advantage: number, epsLow: number, epsHigh: number): { loss: number; grad: number; region: ClipRegion } {
  const clipped = Math.min(Math.max(ratio, 1 - epsLow), 1 + epsHigh);
  const region: ClipRegion = ratio < 1 - epsLow && advantage < 0 ? 'low' : ratio > 1 + epsHigh && advantage > 0 ? 'high' : null;
  return { loss: -Math.min(ratio * advantage, clipped * advantage), grad: region || saturated ? 0 : -advantage * ratio, region };
}

/**
 * Per-row token weight of each aggregation, so that loss = Σ_b Σ_t w_b · mask · ℓ_bt:
 *   grpo    1 / (tokens_b · B)          mean over all B rows of row token means (TRL: a fully
 *                                       masked row counts in B and contributes 0)
 *   bnpo    1 / tokens in this batch
 *   dr_grpo 1 / (B · max_completion_length)
 *   dapo    1 / tokens in the whole generation batch (default: this batch)
 */
export function aggregationWeights(mask: readonly (readonly number[])[], lossType: LossType, options: { maxCompletionLength: number; generationBatchTokens?: number }): number[] {
  const B = mask.length;
  const rowTokens = mask.map((row) => row.reduce((s, m) => s + m, 0));
  const totalTokens = rowTokens.reduce((s, n) => s + n, 0);
  return rowTokens.map((n) => {
    switch (lossType) {
      case 'grpo':
        return n > 0 ? 1 / (n * B) : 0;
      case 'bnpo':
        return 1 / Math.max(1, totalTokens);
      case 'dr_grpo':
        return 1 / (B * options.maxCompletionLength);
      case 'dapo':
        return 1 / Math.max(1, options.generationBatchTokens ?? totalTokens);
    }
  });
}

/** The aggregated GRPO objective, its gradient w.r.t. current log-probs, and health metrics. */
export function policyLoss(input: PolicyLossInput, config: PolicyLossConfig): PolicyLossOutput {
  const { logp, oldLogp, refLogp, mask, advantages } = input;
  const epsLow = config.epsilon;
  const epsHigh = config.epsilonHigh ?? config.epsilon;
  const weights = aggregationWeights(mask, config.lossType, input);
  let loss = 0;
  let klSum = 0;
  let tokens = 0;
  let low = 0;
  let high = 0;
  const grad = logp.map((lp, b) => {
    const A = advantages[b] as number;
    const w = weights[b] as number;
    return lp.map((current, t) => {
      if (((mask[b] as readonly number[])[t] ?? 0) === 0) return 0;
      tokens++;
      const { ratio, saturated } = tokenRatio(current, (oldLogp[b] as readonly number[])[t] as number);
      const surrogate = clippedSurrogate(ratio, saturated, A, epsLow, epsHigh);
      if (surrogate.region === 'low') low++;
      if (surrogate.region === 'high') high++;
      let tokenLoss = surrogate.loss;
      let g = surrogate.grad;
      if (refLogp) {
        const ref = (refLogp[b] as readonly number[])[t] as number;
        const kl = klEstimate(current, ref, config.klEstimator);
        klSum += kl;
        if (config.beta !== 0) {
          tokenLoss += config.beta * kl;
          g += config.beta * klGradient(current, ref, config.klEstimator);
        }
      }
      loss += w * tokenLoss;
      return w * g;
    });
  });
  const denom = Math.max(1, tokens);
  return { loss, grad, kl: refLogp ? klSum / denom : 0, clipRatio: { low: low / denom, high: high / denom, region: (low + high) / denom } };
}

/**
 * Reward functions for GRPO, TRL-style: each is a plain function from a batch of (prompt,
 * completion) pairs to one number per pair (sync or async), with a name (logged as
 * `rewards/<name>/mean|std`) and a weight. The total reward is the weighted sum over the functions
 * that returned a finite number; a completion no function could score gets NaN, which the
 * advantage function turns into advantage 0.
 *
 * Departure from the paper: none; the paper's rewards (verdict, relative-to-naive, format) live
 * in src/seer/rewards.ts and are instances of this type.
 */
import { SeerError } from '../core/errors.ts';
import type { Completion } from './policy.ts';

export interface GrpoPrompt<M = unknown> {
  /** Stable id: completions of one prompt form one group (two prompts must not share an id). */
  id: string;
  context: number[];
  meta: M;
  /**
   * Prompts with the same block key are kept adjacent when the epoch is shuffled, so they land in
   * the same step (e.g. a judge pair shown in both orders: position-only gradients then cancel).
   */
  block?: string;
}

export interface RewardInput<M = unknown> {
  prompt: GrpoPrompt<M>;
  completion: Completion;
}

export interface RewardFunction<M = unknown> {
  name: string;
  weight: number;
  score(batch: readonly RewardInput<M>[]): number[] | Promise<number[]>;
}

export interface ScoredBatch {
  /** [N] weighted total per completion (NaN when no function scored it). */
  total: number[];
  /** [functions][N] raw scores. */
  byFunction: number[][];
}

export function validateRewardFunctions<M>(rewards: readonly RewardFunction<M>[]): void {
  if (rewards.length === 0) throw new SeerError('bad_config', 'GRPO needs at least one reward function');
  const names = new Set<string>();
  for (const fn of rewards) {
    if (!/^[\w.-]+$/.test(fn.name)) throw new SeerError('bad_config', `reward function name "${fn.name}" must be a non-empty word (letters, digits, _ . -): it becomes the metric rewards/<name>/mean`);
    if (names.has(fn.name)) throw new SeerError('bad_config', `two reward functions are named "${fn.name}"; give each a distinct name`);
    if (!Number.isFinite(fn.weight)) throw new SeerError('bad_config', `reward function "${fn.name}" has weight ${fn.weight}; use a finite number`);
    names.add(fn.name);
  }
}

export async function scoreRewards<M>(rewards: readonly RewardFunction<M>[], inputs: readonly RewardInput<M>[]): Promise<ScoredBatch> {
  const byFunction: number[][] = [];
  for (const fn of rewards) {
    const scores = await fn.score(inputs);
    if (!Array.isArray(scores) || scores.length !== inputs.length)
      throw new SeerError('internal', `reward function "${fn.name}" returned ${Array.isArray(scores) ? scores.length : typeof scores} scores for ${inputs.length} completions; it must return one number per completion (NaN if it cannot score one)`);
    byFunction.push(scores);
  }
  const total = inputs.map((_, i) => {
    let sum = 0;
    let any = false;
    rewards.forEach((fn, k) => {
      const v = (byFunction[k] as number[])[i] as number;
      if (Number.isFinite(v)) {
        sum += fn.weight * v;
        any = true;
      }
    });
    return any ? sum : Number.NaN;
  });
  return { total, byFunction };
}

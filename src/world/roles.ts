/**
 * The roles of the paper's actors, as interfaces every implementation shares: a pairwise `Judge`
 * (SEER's evaluator, the oracle, an external model, a human), a `Reprompter` (SEER's policy, naive
 * concatenation, the base model with CoT, a disjoint text-only model, an external LLM) and an
 * `ImageGenerator` (SEER-Mini's frozen generator, the renderer, an images endpoint). One shared
 * conformance suite per role (`roles.conformance.ts`) runs against every implementation.
 */
import type { RgbImage } from './image.ts';

export type Verdict = 'A' | 'B' | 'tie';

export interface JudgeQuery {
  instruction: string;
  prompt: string;
  imageA: RgbImage;
  imageB: RgbImage;
}

export interface JudgeAnswer {
  verdict: Verdict;
  reasoning?: string;
  /** Probability that A is the better image, when the judge has one. */
  probabilityA?: number;
}

export interface PairwiseJudge {
  readonly name: string;
  judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]>;
}

export interface RepromptRequest {
  instruction: string;
  prompt: string;
}

export interface RepromptResult {
  reprompt: string;
  reasoning?: string;
  /** False when the output did not follow the <think>…</think><answer>…</answer> format. */
  validFormat?: boolean;
}

export interface Reprompter {
  readonly name: string;
  reprompt(requests: readonly RepromptRequest[], options?: { seed?: number }): Promise<RepromptResult[]>;
}

export interface ImageGenerator {
  readonly name: string;
  generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]>;
}

/** The naive baseline of the paper (Eq. 9's p_naive): instruction and prompt, concatenated. */
export function naivePrompt(request: RepromptRequest): string {
  return `${request.instruction.trim()} ${request.prompt.trim()}`;
}

/**
 * The roles of the paper's actors, as interfaces every implementation shares: a pairwise `Judge`
 * (SEER's evaluator, the oracle, an external model, a human), a `Reprompter` (SEER's policy, naive
 * concatenation, the base model with CoT, a disjoint text-only model, an external LLM) and an
 * `ImageGenerator` (SEER-Mini's frozen generator, the renderer, an images endpoint), and a
 * `UnifiedModel` that plays all three plus plain image understanding (SEER-Mini, SEER-Mini behind
 * `seer serve`, Janus-Pro through transformers.js). One shared conformance suite per role
 * (`conformance.testkit.ts`) runs against every implementation.
 */
import type { RgbImage } from '../image/image.ts';

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

/** A question about one image; without a question the model describes (captions) it. */
export interface ImageQuestion {
  image: RgbImage;
  question?: string;
}

/** Decoding knobs a caller may set per call; each implementation documents what it honours. */
export interface TextOptions {
  seed?: number;
  /** 0 = greedy. */
  temperature?: number;
}

/**
 * A unified multimodal model (paper §1: one backbone that understands and generates) at inference:
 * it reprompts, judges pairs, generates images and answers questions about an image.
 *
 * Departure from an earlier sketch that put the trainer's operations on this interface (sampleText /
 * tokenLogProbs / encodeImages): those are the trainer's view and stay on `SeerMini`
 * (src/model/umm.ts); this is the role view that an HTTP model or an ONNX
 * model can also offer, so every one of them runs the same conformance suite.
 */
export interface UnifiedModel extends Reprompter, PairwiseJudge, ImageGenerator {
  reprompt(requests: readonly RepromptRequest[], options?: TextOptions): Promise<RepromptResult[]>;
  describe(queries: readonly ImageQuestion[], options?: TextOptions): Promise<string[]>;
}

/** The naive baseline of the paper (Eq. 9's p_naive): instruction and prompt, concatenated. */
export function naivePrompt(request: RepromptRequest): string {
  return `${request.instruction.trim()} ${request.prompt.trim()}`;
}

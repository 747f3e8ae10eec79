/**
 * SEER-Mini in the paper's two endogenous roles: the pairwise evaluator (a `PairwiseJudge`) and
 * the reprompting policy (a `Reprompter`), both decoding with the templates of Appendix A.3.
 * An output that breaks the format is a tie (judge) or falls back to the naive prompt (reprompter,
 * flagged `validFormat: false`).
 */
import { judgeContext, parseJudgeOutput, parseRepromptOutput, repromptContext, thinkPrefix } from '../model/templates.ts';
import type { SeerMini, TextSampling } from '../model/umm.ts';
import { naivePrompt, type JudgeAnswer, type JudgeQuery, type PairwiseJudge, type Reprompter, type RepromptRequest, type RepromptResult } from '../roles/roles.ts';
import type { RgbImage } from '../image/image.ts';
import type { ImageReader, Reading } from './refine.ts';

/**
 * How many tokens a judge's completion may run to (Stage 1's completion length too). The judge
 * format describes both images and recalls the instruction (p99 54 tokens, max 62 on 500
 * pretraining examples); with reading lines ("a: snail, subject yes, instruction no.") p99 72,
 * max 76, and with the prompt's subject beside ("a: cup, prompt snail, …") p99 78, max 82 (300
 * examples each). Rows stop at the context length whatever this says.
 */
export const JUDGE_COMPLETION_TOKENS = 88;

/** `SeerJudge` options for verdict-only uses (Table 1, the 0/1 reward, reward fidelity): no second pass for `probabilityA`. */
export const VERDICTS_ONLY = { probabilities: false } as const;

export class SeerJudge implements PairwiseJudge {
  readonly name: string;
  private readonly model: SeerMini;
  private readonly decode: TextSampling;

  private readonly probabilities: boolean;

  /**
   * `probabilities: false` answers with verdicts only: `probabilityA` costs a second forward pass
   * over each context and its reasoning, and verdict-based uses (Stage 2's 0/1 reward, Table 1,
   * reward fidelity) never read it.
   */
  constructor(model: SeerMini, options: Partial<TextSampling> & { name?: string; probabilities?: boolean } = {}) {
    this.model = model;
    this.name = options.name ?? 'seer-judge';
    this.decode = { temperature: options.temperature ?? 0, topP: options.topP ?? 1, maxNewTokens: options.maxNewTokens ?? JUDGE_COMPLETION_TOKENS, seed: options.seed ?? 0 };
    this.probabilities = options.probabilities ?? true;
  }

  async judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    if (queries.length === 0) return [];
    const images = queries.map((q) => this.model.encodeImages([q.imageA, q.imageB]) as [number[], number[]]);
    const contexts = queries.map((q, i) => this.model.encode(judgeContext(q.instruction, q.prompt), images[i]));
    // With captioned (or read) descriptions the reasoning opens with the two captions (and their checks) and the model goes on from there.
    const openings = this.model.judgeOpenings(images, queries);
    const prompts = openings ? contexts.map((c, i) => [...c, ...this.model.text.encode(openings[i]!)]) : contexts;
    const outputs = this.model.sampleText(prompts, this.decode).map((s, i) => (openings ? `${openings[i]} ` : '') + this.model.decodeText(s.tokens));
    const pA = this.probabilities ? probabilityOfA(this.model, contexts, outputs) : null;
    return outputs.map((text, i) => {
      const parsed = parseJudgeOutput(text);
      const probability = pA ? { probabilityA: pA[i]! } : {};
      if (!parsed.ok) return { verdict: 'tie', reasoning: text, ...probability };
      return { verdict: parsed.verdict, reasoning: parsed.think, ...probability };
    });
  }
}

/**
 * P(the verdict is "a") after each judge context and the model's own reasoning in `outputs`
 * (`<think> … </think> <answer>`), from the answer tokens' log-probabilities. A reasoning so long
 * that the answer no longer fits in the model's context (decoding stopped at the context's end,
 * so there is no verdict, which counts as a tie) scores 0.5.
 */
export function probabilityOfA(model: Pick<SeerMini, 'scoreAnswers'> & { text: Pick<SeerMini['text'], 'encode'>; transformer?: { config: { contextLength: number } } }, contexts: readonly (readonly number[])[], outputs: readonly string[]): number[] {
  const answers = ['a </answer>', 'b </answer>'];
  const rows = contexts.map((c, i) => [...c, ...model.text.encode(thinkPrefix(outputs[i]!))]);
  const answerTokens = Math.max(...answers.map((a) => model.text.encode(a).length));
  const limit = model.transformer?.config.contextLength ?? Infinity;
  const fits = rows.map((row) => row.length + answerTokens <= limit);
  const scored = model.scoreAnswers(rows.filter((_, i) => fits[i]), answers);
  let next = 0;
  return rows.map((_, i) => {
    if (!fits[i]) return 0.5;
    const [la, lb] = scored[next++]!;
    return 1 / (1 + Math.exp(lb! - la!));
  });
}

export class SeerReprompter implements Reprompter {
  readonly name: string;
  private readonly model: SeerMini;
  private readonly decode: Omit<TextSampling, 'seed'>;

  constructor(model: SeerMini, options: Partial<Omit<TextSampling, 'seed'>> & { name?: string } = {}) {
    this.model = model;
    this.name = options.name ?? 'seer';
    this.decode = { temperature: options.temperature ?? 0.7, topP: options.topP ?? 0.95, maxNewTokens: options.maxNewTokens ?? 64 };
  }

  async reprompt(requests: readonly RepromptRequest[], options: { seed?: number } = {}): Promise<RepromptResult[]> {
    if (requests.length === 0) return [];
    const contexts = requests.map((r) => this.model.encode([{ text: repromptContext(r.instruction, r.prompt) }]));
    const outputs = this.model.sampleText(contexts, { ...this.decode, seed: options.seed ?? 0 }).map((s) => this.model.decodeText(s.tokens));
    return outputs.map((text, i) => {
      const parsed = parseRepromptOutput(text);
      return parsed.ok ? { reprompt: parsed.reprompt, reasoning: parsed.think, validFormat: true } : { reprompt: naivePrompt(requests[i]!), reasoning: text, validFormat: false };
    });
  }
}

/**
 * SEER-Mini's reading with its caption checks (./refine.ts): a text is checked as the caption of
 * the image it asks for; an image is captioned greedily first. The same checks open the 'read'
 * judge's reasoning (`SeerMini.judgeOpenings`).
 */
export class SeerReader implements ImageReader {
  readonly name: string;
  private readonly model: SeerMini;

  constructor(model: SeerMini, options: { name?: string } = {}) {
    this.model = model;
    this.name = options.name ?? 'seer-reader';
  }

  async checkTexts(items: readonly (RepromptRequest & { text: string })[]): Promise<Reading[]> {
    if (items.length === 0) return [];
    return this.model.readCaptions(items.map((x) => ({ instruction: x.instruction, prompt: x.prompt, caption: x.text })));
  }

  async readImages(items: readonly (RepromptRequest & { image: RgbImage })[]): Promise<(Reading & { caption: string })[]> {
    if (items.length === 0) return [];
    const captions = this.model.captionCodes(this.model.encodeImages(items.map((x) => x.image)));
    return (await this.checkTexts(items.map((x, i) => ({ instruction: x.instruction, prompt: x.prompt, text: captions[i]! })))).map((r, i) => ({ ...r, caption: captions[i]! }));
  }
}

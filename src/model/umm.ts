/**
 * SEER-Mini as a unified multimodal model: one transformer, one vocabulary (text tokens, then
 * image codes), every mode of the paper — generate an image, caption, answer yes/no, judge a pair,
 * reprompt — as token sequences built from the templates in ./templates.ts.
 */
import { T, engine, noGrad, tidy, type Tensor } from '../engine/torch.ts';
import type { RgbImage } from '../image/image.ts';
import { captionContext, captionedOpening, generateContext, instructionCheckContext, readOpening, splitCheckAnswer, subjectCheckContext, type ImageReading, type JudgeDescriptions, type Segment } from './templates.ts';
export { JUDGE_DESCRIPTIONS, type JudgeDescriptions } from './templates.ts';
import { TextTokenizer } from './text-tokenizer.ts';
import { ImageTokenizer } from './image-tokenizer.ts';
import { Transformer } from './transformer.ts';
import { sample, type SampledSequence } from './sampling.ts';
import { tokenLogProbs, type TokenLogProbs } from './logprobs.ts';
import { groupByContext } from './prefix.ts';

/** How SEER-Mini decodes text (every text-decoding role and the GRPO policy use this one shape). */
export interface TextSampling {
  maxNewTokens: number;
  temperature: number;
  topP: number;
  seed: number;
}

/** What a judge is asked about a pair: the instruction (null in phase 1's alignment question) and the prompt. */
export interface JudgeQuestion {
  instruction: string | null;
  prompt: string;
}

export class SeerMini {
  readonly transformer: Transformer;
  readonly text: TextTokenizer;
  readonly image: ImageTokenizer;
  /** How this model judges (saved with its checkpoint): see `JudgeDescriptions`. */
  judgeDescriptions: JudgeDescriptions = 'written';
  /**
   * Classifier-free guidance scale of the generator (saved with its checkpoint; 1: none). Beyond
   * SEER-Mini's pretraining, as Harmon's and Janus's generators draw: the logits after the caption
   * are pushed away from those after an empty caption (`generateImages`).
   */
  imageGuidance = 1;

  constructor(transformer: Transformer, text: TextTokenizer, image: ImageTokenizer) {
    this.transformer = transformer;
    this.text = text;
    this.image = image;
  }

  get imgOpen(): number {
    return this.text.id('<img>');
  }
  get imgClose(): number {
    return this.text.id('</img>');
  }
  get eos(): number {
    return this.text.id('<eos>');
  }

  /** Token ids of text + image segments; images[i] fills `{ image: i }`. */
  encode(segments: readonly Segment[], images: readonly (readonly number[])[] = []): number[] {
    const ids: number[] = [];
    const offset = this.text.size;
    for (const s of segments) {
      if ('text' in s) ids.push(...this.text.encode(s.text));
      else ids.push(this.imgOpen, ...(images[s.image] ?? []).map((c) => c + offset), this.imgClose);
    }
    return ids;
  }

  encodeImages(images: readonly RgbImage[]): number[][] {
    return images.map((im) => this.image.encode(im));
  }

  /**
   * Text after the assistant marker (only text tokens may be drawn) for `contexts`, in chunks of at most CHUNK_CONTEXTS distinct contexts: a
   * prefill's intermediates grow with rows × length² and live until its chunk ends, so one batch of
   * 480 two-image judge contexts held ~12 GB. Each row samples from its own seeded stream (row
   * index in the whole batch), so chunking does not change what is drawn.
   */
  sampleText(contexts: readonly (readonly number[])[], options: TextSampling): SampledSequence[] {
    if (options.temperature <= 0) {
      // Greedy decoding is a function of the context: decode each distinct context once (Stage 2's
      // judge sees the same image pair whenever two completions wrote the same reprompt).
      const { distinct, rowGroup } = groupByContext(contexts);
      if (distinct.length < contexts.length) {
        const decoded = this.sampleInChunks(distinct, options);
        return Array.from(rowGroup, (p) => ({ tokens: [...decoded[p]!.tokens], truncated: decoded[p]!.truncated }));
      }
    }
    return this.sampleInChunks(contexts, options);
  }

  /** `sampleText` without the greedy deduplication, in chunks of contexts. */
  private sampleInChunks(contexts: readonly (readonly number[])[], options: TextSampling): SampledSequence[] {
    const textVocab = this.text.size;
    const banned = [this.imgOpen, this.imgClose, this.text.id('<pad>'), this.text.id('<bos>')];
    return contextChunks(contexts).flatMap(([start, end]) =>
      sample(this.transformer, contexts.slice(start, end), {
        ...options,
        firstRow: start,
        stopTokens: [this.eos],
        tokenRange: [0, textVocab], // text only
        logitsProcessor: (logits) => {
          for (const id of banned) logits[id] = -Infinity;
        },
      }),
    );
  }

  /** Greedy captions of images given as codes, each distinct image captioned once (caption mode). */
  captionCodes(images: readonly (readonly number[])[]): string[] {
    const contexts = images.map((codes) => this.encode(captionContext(), [codes]));
    return this.sampleText(contexts, { temperature: 0, topP: 1, maxNewTokens: 24, seed: 0 }).map((s) => this.decodeText(s.tokens));
  }

  /**
   * The openings of judge reasonings over image pairs (codes) asked `questions[i]`, or null when
   * the model writes its own descriptions: with `judgeDescriptions: 'captioned'`, "<think> a shows
   * CAPTION_A. b shows CAPTION_B."; with 'read' ('read-cues'), that and the model's own caption checks (with the cues they listed).
   */
  judgeOpenings(pairs: readonly (readonly [readonly number[], readonly number[]])[], questions: readonly JudgeQuestion[]): string[] | null {
    if (this.judgeDescriptions === 'written') return null;
    if (questions.length !== pairs.length) throw new Error(`judgeOpenings: ${pairs.length} pairs but ${questions.length} questions`);
    const captions = this.captionCodes(pairs.flat());
    if (this.judgeDescriptions === 'captioned') return pairs.map((_, i) => captionedOpening(captions[2 * i] as string, captions[2 * i + 1] as string));
    const readings = this.readCaptions(captions.map((caption, k) => ({ caption, ...questions[k >> 1]! })));
    const cues = this.judgeDescriptions === 'read-cues';
    return pairs.map((_, i) => readOpening(captions[2 * i] as string, captions[2 * i + 1] as string, readings[2 * i]!, readings[2 * i + 1]!, { cues }));
  }

  /**
   * The model's answers to the caption checks about each caption, decoded greedily ("swing, prompt
   * bridge, no"); an answer that ends with neither yes nor no reads as no.
   */
  readCaptions(items: readonly (JudgeQuestion & { caption: string })[]): ImageReading[] {
    const asks = items.flatMap((item) => [subjectCheckContext(item.prompt, item.caption), ...(item.instruction === null ? [] : [instructionCheckContext(item.instruction, item.caption)])]);
    const answers = this.checkAnswers(asks).map(splitCheckAnswer);
    let next = 0;
    return items.map((item) => {
      const subject = answers[next++]!.yes === true;
      if (item.instruction === null) return { subject, instruction: null };
      const { reasons, yes } = answers[next++]!;
      return { subject, instruction: yes === true, ...(reasons.includes('it has ') ? { evidence: reasons.slice(reasons.indexOf('it has ')) } : {}) };
    });
  }

  /** Greedy answers to caption-check questions (`subjectCheckContext`, `instructionCheckContext`). */
  checkAnswers(questions: readonly string[]): string[] {
    return this.sampleText(questions.map((q) => this.text.encode(q)), { temperature: 0, topP: 1, maxNewTokens: CHECK_ANSWER_TOKENS, seed: 0 }).map((s) => this.decodeText(s.tokens));
  }

  decodeText(tokens: readonly number[]): string {
    return this.text.decode(tokens.filter((t) => t < this.text.size), { keepSpecial: true }).replace(/<eos>/g, '').trim();
  }

  /** The context the generator draws an image after: the caption's prompt, then `<img>`. */
  generateContextIds(caption: string): number[] {
    return [...this.text.encode(generateContext(caption)), this.imgOpen];
  }

  /**
   * The frozen generator: caption → <img> 64 codes </img> → pixels. With a guidance scale ≠ 1
   * (`options.guidance`, else `imageGuidance`) each code is drawn from u + s · (c − u), c the
   * logits after the caption and u after an empty one (classifier-free guidance).
   */
  generateImages(prompts: readonly string[], seeds: readonly number[], options: { temperature?: number; topP?: number; guidance?: number } = {}): RgbImage[] {
    const codes = this.image.length;
    const textVocab = this.text.size;
    const scale = options.guidance ?? this.imageGuidance;
    const unconditional = scale !== 1 ? this.generateContextIds('') : null;
    const out: RgbImage[] = [];
    const chunk = 32;
    for (let start = 0; start < prompts.length; start += chunk) {
      const part = prompts.slice(start, start + chunk);
      const contexts = part.map((p) => this.generateContextIds(p));
      // Each image's sampling stream comes from its own seed: same (prompt, seed), same image, in any batch.
      const sequences = sample(this.transformer, contexts, {
        maxNewTokens: codes,
        temperature: options.temperature ?? 0.7,
        topP: options.topP ?? 0.9,
        seed: 0,
        rowSeeds: seeds.slice(start, start + chunk),
        tokenRange: [textVocab, this.transformer.vocabSize], // image codes only
        ...(unconditional ? { guidance: { scale, contexts: contexts.map(() => unconditional) } } : {}),
      });
      for (const s of sequences) out.push(this.image.decode(s.tokens.map((t) => t - textVocab)));
    }
    return out;
  }

  /**
   * Per-token log-probs of `completion` after `context` for each row — differentiable unless inside
   * noGrad — plus entropies. Returns [B, maxCompletion] tensors (zeros beyond each row's length).
   */
  completionLogProbs(contexts: readonly (readonly number[])[], completions: readonly (readonly number[])[]): TokenLogProbs {
    return tokenLogProbs(this.transformer, contexts, completions);
  }

  /** Mean next-token loss over target tokens (pretraining objective). */
  lossOn(contexts: readonly (readonly number[])[], targets: readonly (readonly number[])[]): Tensor {
    const { logp, lengths } = this.completionLogProbs(contexts, targets);
    const [B, maxC] = logp.shape() as [number, number];
    const mask = new Float32Array(B * maxC);
    lengths.forEach((n, b) => mask.fill(1, b * maxC, b * maxC + n));
    const total = lengths.reduce((a, b) => a + b, 0);
    return T.mulScalar(T.sum(T.mul(logp, T.fromFloat32(mask, [B, maxC]))), -1 / Math.max(1, total));
  }

  /**
   * Log-probability of each candidate answer string after each context (for yes/no and a/b
   * scoring). One batch of contexts × answers: each context is forwarded once for all answers
   * (shared prefix, ./prefix.ts).
   */
  scoreAnswers(contexts: readonly (readonly number[])[], answers: readonly string[]): number[][] {
    const encoded = answers.map((a) => this.text.encode(a));
    const A = encoded.length;
    // In chunks of contexts, each freed before the next (see sampleText).
    return contextChunks(contexts).flatMap(([start, end]) =>
      noGrad(() =>
        tidy(() => {
          const part = contexts.slice(start, end);
          const { logp } = this.completionLogProbs(part.flatMap((c) => encoded.map(() => c)), part.flatMap(() => encoded)); // [n·A, C]
          const C = logp.shape()[1] as number;
          const data = logp.toFloat32();
          // Padding beyond an answer's length is 0, so a row's sum is the answer's log-probability.
          return part.map((_, b) => encoded.map((_, k) => data.subarray((b * A + k) * C, (b * A + k + 1) * C).reduce((s, v) => s + v, 0)));
        }),
      ),
    );
  }
}

export { engine };

/**
 * Tokens a caption check's answer may run to ("it has a golden crown, a smile, big eyes, yes": 14;
 * with the rule recalled first, up to 57 for "scary, yet cute": pretrain/mix.ts CheckStyle).
 */
export const CHECK_ANSWER_TOKENS = 64;

/** Distinct contexts per forward batch of `sampleText` / `scoreAnswers` (memory, not maths). */
export const CHUNK_CONTEXTS = 64;

/**
 * [start, end) ranges of consecutive rows holding at most `max` distinct contexts each; rows that
 * repeat a context (GRPO's G completions of one prompt, next to each other) stay in one range, so
 * they still share one prefill.
 */
export function contextChunks(contexts: readonly (readonly number[])[], max = CHUNK_CONTEXTS): [number, number][] {
  const { rowGroup } = groupByContext(contexts);
  const ranges: [number, number][] = [];
  let start = 0;
  let distinct = new Set<number>();
  rowGroup.forEach((group, i) => {
    if (!distinct.has(group) && distinct.size === max) {
      ranges.push([start, i]);
      start = i;
      distinct = new Set();
    }
    distinct.add(group);
  });
  if (contexts.length > start) ranges.push([start, contexts.length]);
  return ranges;
}

/**
 * SEER-Mini behind the shared `UnifiedModel` role (roles/roles.ts): the endogenous judge and
 * reprompter of src/seer/roles.ts, the frozen generator, and the caption / yes-no modes of
 * model/templates.ts, in one object that `seer serve` puts behind an OpenAI-compatible API.
 *
 * Images of another size are resized to the tokenizer's side (32 px) first, since the VQ tokenizer
 * only reads its own size. `temperature` in `TextOptions` applies to reprompting and describing;
 * the judge decodes greedily (as in the paper's evaluation) and its P(A) comes from the answer
 * tokens after its own reasoning.
 */
import type { SeerMini } from '../../model/umm.ts';
import { captionContext, questionContext } from '../../model/templates.ts';
import { SeerJudge, SeerReprompter } from '../../seer/roles.ts';
import { type RgbImage, resizeImage } from '../../image/image.ts';
import type { ImageQuestion, JudgeAnswer, JudgeQuery, RepromptRequest, RepromptResult, TextOptions, UnifiedModel } from '../../roles/roles.ts';

export interface SeerMiniUnifiedOptions {
  name?: string;
  /** Reprompt sampling temperature when a call gives none (0.7: the paper's Stage-2 rollouts). */
  repromptTemperature?: number;
  /** Longest caption or answer, in tokens. */
  describeMaxTokens?: number;
}

export class SeerMiniUnified implements UnifiedModel {
  readonly name: string;
  readonly model: SeerMini;
  private readonly judgeRole: SeerJudge;
  private readonly repromptTemperature: number;
  private readonly describeMaxTokens: number;

  constructor(model: SeerMini, options: SeerMiniUnifiedOptions = {}) {
    this.model = model;
    this.name = options.name ?? 'seer-mini';
    this.judgeRole = new SeerJudge(model, { name: `${this.name}-judge` });
    this.repromptTemperature = options.repromptTemperature ?? 0.7;
    this.describeMaxTokens = options.describeMaxTokens ?? 32;
  }

  /** The side of the images this model reads and draws. */
  get imageSize(): number {
    return this.model.image.imageSize;
  }

  async reprompt(requests: readonly RepromptRequest[], options: TextOptions = {}): Promise<RepromptResult[]> {
    const role = new SeerReprompter(this.model, { name: this.name, temperature: options.temperature ?? this.repromptTemperature });
    return role.reprompt(requests, options.seed === undefined ? {} : { seed: options.seed });
  }

  async judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    return this.judgeRole.judge(queries.map((q) => ({ ...q, imageA: this.fit(q.imageA), imageB: this.fit(q.imageB) })));
  }

  async generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    return this.model.generateImages(prompts, seeds);
  }

  async describe(queries: readonly ImageQuestion[], options: TextOptions = {}): Promise<string[]> {
    if (queries.length === 0) return [];
    const contexts = queries.map((q) => {
      const segments = q.question === undefined || q.question.trim() === '' ? captionContext() : questionContext(q.question.trim());
      return this.model.encode(segments, this.model.encodeImages([this.fit(q.image)]));
    });
    const sampled = this.model.sampleText(contexts, { maxNewTokens: this.describeMaxTokens, temperature: options.temperature ?? 0, topP: 1, seed: options.seed ?? 0 });
    return sampled.map((s) => this.model.decodeText(s.tokens));
  }

  private fit(image: RgbImage): RgbImage {
    const side = this.imageSize;
    return image.width === side && image.height === side ? image : resizeImage(image, side, side);
  }
}

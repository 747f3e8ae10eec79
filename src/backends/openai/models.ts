/**
 * OpenAI-compatible models behind seer's roles: `OpenAIReprompter` and `OpenAIJudge` over chat
 * completions (images go as data URLs), `OpenAIImageGenerator` over the images endpoint, and
 * `OpenAIUnifiedModel`, all four in one (a chat model plus an image model, e.g. `seer serve`).
 * Batches become one request per item, in parallel up to the client's concurrency limit; order
 * is kept. Configure with base URL + model + the name of the env variable holding the key.
 *
 * Departure from the paper: its external reprompters (GPT-5.2, Gemini 3, Qwen3-max) were called
 * through their own APIs; here any server speaking this API plays that part. `seed` is best-effort
 * on hosted APIs, so determinism per seed holds only for servers that honour it (`seer serve` does).
 */
import { SeerError } from '../../core/errors.ts';
import { type RgbImage, fromBase64, resizeImage, toDataUrl } from '../../image/image.ts';
import {
  naivePrompt,
  type ImageGenerator,
  type ImageQuestion,
  type JudgeAnswer,
  type JudgeQuery,
  type PairwiseJudge,
  type Reprompter,
  type RepromptRequest,
  type RepromptResult,
  type TextOptions,
  type UnifiedModel,
} from '../../roles/roles.ts';
import { apiKeyFrom, parseOpenAIConfig, type OpenAIConfig, type OpenAIConfigInput } from './config.ts';
import { OpenAIHttp } from './http.ts';
import { DESCRIBE_SYSTEM, JUDGE_SYSTEM, REPROMPT_SYSTEM, judgeContent, readReprompt, readVerdict, requestText } from './prompts.ts';
import { chatResponseSchema, imagesResponseSchema, modelsResponseSchema, type ChatMessage, type ChatRequest } from './wire.ts';

export interface ChatAnswer {
  content: string;
  /** From `seer serve`'s extension, when the server sends it. */
  validFormat?: boolean;
  probabilityA?: number;
}

/** One endpoint: config, key and transport; the role classes below share one per server. */
export class OpenAIClient {
  readonly config: OpenAIConfig;
  readonly http: OpenAIHttp;

  constructor(input: OpenAIConfigInput, options: { env?: NodeJS.ProcessEnv; sleep?: (ms: number) => Promise<void> } = {}) {
    this.config = parseOpenAIConfig(input);
    this.http = new OpenAIHttp(this.config, apiKeyFrom(this.config, options.env), options.sleep ? { sleep: options.sleep } : {});
  }

  async listModels(): Promise<string[]> {
    return (await this.http.get('/models', modelsResponseSchema)).data.map((m) => m.id);
  }

  /** One chat completion; returns the first choice's text and seer's extension when present. */
  async chat(messages: ChatMessage[], options: TextOptions = {}): Promise<ChatAnswer> {
    const body: ChatRequest = { model: this.config.model, messages, temperature: options.temperature ?? this.config.temperature };
    if (this.config.maxTokens !== undefined) body.max_tokens = this.config.maxTokens;
    if (this.config.sendSeed && options.seed !== undefined) body.seed = options.seed;
    const response = await this.http.post('/chat/completions', body, chatResponseSchema);
    const choice = response.choices[0]!;
    const content = choice.message.content ?? '';
    if (content.trim() === '' && choice.message.refusal) throw new SeerError('backend', `${this.config.model} refused: ${choice.message.refusal}`);
    return {
      content,
      ...(choice.seer?.valid_format === undefined ? {} : { validFormat: choice.seer.valid_format }),
      ...(choice.seer?.probability_a === undefined ? {} : { probabilityA: choice.seer.probability_a }),
    };
  }

  /** One chat per item, in parallel up to the concurrency limit, in order; item i uses seed + i. */
  async chatEach<T>(items: readonly T[], messages: (item: T) => ChatMessage[], options: TextOptions = {}): Promise<ChatAnswer[]> {
    return Promise.all(items.map((item, i) => this.chat(messages(item), { ...options, seed: (options.seed ?? 0) + i })));
  }

  async images(prompt: string, seed: number | undefined): Promise<RgbImage> {
    const body: Record<string, unknown> = { model: this.config.model, prompt, n: 1, response_format: 'b64_json' };
    if (this.config.imageSize) body.size = this.config.imageSize;
    if (this.config.sendSeed && seed !== undefined) body.seed = seed;
    const response = await this.http.post('/images/generations', body, imagesResponseSchema);
    const b64 = response.data[0]!.b64_json;
    if (!b64) throw new SeerError('backend', `${this.http.url('/images/generations')}: no b64_json in the answer (the server returned a URL; seer fetches nothing remote)`);
    return fromBase64(b64);
  }
}

function clientOf(source: OpenAIClient | OpenAIConfigInput): OpenAIClient {
  return source instanceof OpenAIClient ? source : new OpenAIClient(source);
}

/** A role over one chat endpoint; named after the model unless a name is given. */
abstract class ChatRole {
  readonly name: string;
  readonly client: OpenAIClient;

  constructor(source: OpenAIClient | OpenAIConfigInput, options: { name?: string } = {}) {
    this.client = clientOf(source);
    this.name = options.name ?? `openai:${this.client.config.model}`;
  }
}

export class OpenAIReprompter extends ChatRole implements Reprompter {
  async reprompt(requests: readonly RepromptRequest[], options: TextOptions = {}): Promise<RepromptResult[]> {
    const answers = await this.client.chatEach(requests, (r) => [{ role: 'system', content: REPROMPT_SYSTEM }, { role: 'user', content: requestText(r) }], options);
    return answers.map((answer, i) => {
      const result = readReprompt(answer.content, naivePrompt(requests[i]!));
      return answer.validFormat === false ? { ...result, validFormat: false } : result;
    });
  }
}

export class OpenAIJudge extends ChatRole implements PairwiseJudge {
  async judge(queries: readonly JudgeQuery[], options: TextOptions = {}): Promise<JudgeAnswer[]> {
    const answers = await this.client.chatEach(queries, (q) => [{ role: 'system', content: JUDGE_SYSTEM }, { role: 'user', content: judgeContent(q, toDataUrl(q.imageA), toDataUrl(q.imageB)) }], options);
    return answers.map((answer) => {
      const { verdict, reasoning } = readVerdict(answer.content);
      return { verdict, ...(reasoning ? { reasoning } : {}), ...(answer.probabilityA === undefined ? {} : { probabilityA: answer.probabilityA }) };
    });
  }
}

export class OpenAIImageGenerator implements ImageGenerator {
  readonly name: string;
  readonly client: OpenAIClient;
  /** Side the images are resized to (the world's 32 px by default), or null to keep the server's size. */
  readonly outputSize: number | null;

  constructor(source: OpenAIClient | OpenAIConfigInput, options: { name?: string; outputSize?: number | null } = {}) {
    this.client = clientOf(source);
    this.name = options.name ?? `openai:${this.client.config.model}`;
    this.outputSize = options.outputSize === undefined ? 32 : options.outputSize;
  }

  async generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    if (seeds.length !== prompts.length) throw new SeerError('bad_input', `generate: ${prompts.length} prompts but ${seeds.length} seeds`);
    return Promise.all(
      prompts.map(async (prompt, i) => {
        const image = await this.client.images(prompt, seeds[i]);
        const side = this.outputSize;
        return side === null || (image.width === side && image.height === side) ? image : resizeImage(image, side, side);
      }),
    );
  }
}

/**
 * A chat model and an image model as one `UnifiedModel`. For `seer serve` both are the same
 * server; for hosted APIs the image side may be another model (or another server).
 */
export class OpenAIUnifiedModel implements UnifiedModel {
  readonly name: string;
  private readonly reprompter: OpenAIReprompter;
  private readonly judgeRole: OpenAIJudge;
  private readonly generator: OpenAIImageGenerator;

  constructor(chat: OpenAIClient | OpenAIConfigInput, images: OpenAIClient | OpenAIConfigInput = chat, options: { name?: string; outputSize?: number | null } = {}) {
    const chatClient = clientOf(chat);
    this.name = options.name ?? `openai:${chatClient.config.model}`;
    this.reprompter = new OpenAIReprompter(chatClient, { name: this.name });
    this.judgeRole = new OpenAIJudge(chatClient, { name: this.name });
    this.generator = new OpenAIImageGenerator(clientOf(images), { name: this.name, outputSize: options.outputSize === undefined ? 32 : options.outputSize });
  }

  reprompt(requests: readonly RepromptRequest[], options?: TextOptions): Promise<RepromptResult[]> {
    return this.reprompter.reprompt(requests, options);
  }

  judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    return this.judgeRole.judge(queries);
  }

  generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    return this.generator.generate(prompts, seeds);
  }

  async describe(queries: readonly ImageQuestion[], options: TextOptions = {}): Promise<string[]> {
    const message = (q: ImageQuestion): ChatMessage[] => [
      { role: 'system', content: DESCRIBE_SYSTEM },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: toDataUrl(q.image) } }, { type: 'text', text: q.question?.trim() ? q.question.trim() : 'Describe the image.' }] },
    ];
    return (await this.reprompter.client.chatEach(queries, message, options)).map((a) => a.content.trim());
  }
}

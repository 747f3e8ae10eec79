/**
 * Janus-Pro (a real unified multimodal model: one LLM, a SigLIP understanding encoder and a VQ
 * generation head) as a seer `UnifiedModel`, run in Node by `@huggingface/transformers` on ONNX
 * Runtime's CPU build: reprompt = text generation, judge = two-image understanding, describe =
 * one-image understanding, generate = `generate_images` (576 VQ tokens → 384 px, resized to the
 * world's 32 px unless `outputSize` says otherwise).
 *
 *   const janus = await JanusUnified.load('/models/Janus-Pro-1B-ONNX', { dtype: 'q4' });
 *
 * Loads only from a local folder: remote models are disabled and `local_files_only` is set, and the
 * folder is checked first (folder.ts). Calls are serialised, because transformers.js samples from
 * one global RNG that seer seeds per call (so a seed reproduces a call). Text decodes greedily at
 * temperature 0. Departure from the paper: Janus-Pro is not Harmon; it stands in as Table 3's
 * "other UMM" and as an external reprompter/judge that runs without a server.
 */
import { resolve } from 'node:path';
import { SeerError } from '../../core/errors.ts';
import { type RgbImage, resizeImage } from '../../image/image.ts';
import { naivePrompt, type ImageQuestion, type JudgeAnswer, type JudgeQuery, type RepromptRequest, type RepromptResult, type TextOptions, type UnifiedModel } from '../../roles/roles.ts';
import { readReprompt, readVerdict } from '../openai/prompts.ts';
import { describeConversation, generateConversation, judgeConversation, repromptConversation, type JanusMessage } from './conversation.ts';
import { checkJanusFolder, type DtypeOption } from './folder.ts';

/** The slice of transformers.js this file uses, typed here so the import can stay lazy. */
interface Tensor {
  dims: number[];
  slice(...ranges: ((number | null)[] | null)[]): Tensor;
}
interface RawImage {
  data: Uint8Array | Uint8ClampedArray;
  width: number;
  height: number;
  channels: number;
  rgb(): RawImage;
}
type Inputs = Record<string, unknown> & { input_ids: Tensor };
interface Processor {
  (conversation: JanusMessage[], options?: { images?: RawImage[]; chat_template?: string }): Promise<Inputs>;
  num_image_tokens: number;
  batch_decode(tokens: Tensor, options: { skip_special_tokens: boolean }): string[];
}
interface JanusLm {
  generate(options: Record<string, unknown>): Promise<Tensor>;
  generate_images(options: Record<string, unknown>): Promise<RawImage[]>;
  dispose?(): Promise<unknown>;
}
export interface TransformersModule {
  env: { allowRemoteModels: boolean; allowLocalModels: boolean };
  random: { seed(n: number): void };
  AutoProcessor: { from_pretrained(path: string, options: Record<string, unknown>): Promise<unknown> };
  MultiModalityCausalLM: { from_pretrained(path: string, options: Record<string, unknown>): Promise<unknown> };
  RawImage: new (data: Uint8ClampedArray, width: number, height: number, channels: 3) => RawImage;
}

export interface JanusOptions {
  /** Quantisation of the ONNX files to load (default: the folder's config, else fp32). */
  dtype?: DtypeOption;
  name?: string;
  /** Side of returned images; null keeps Janus's 384 px. */
  outputSize?: number | null;
  /** Longest reprompt / judgement / description, in tokens. */
  maxNewTokens?: number;
  /** Classifier-free guidance for images (Janus's default is 5). */
  guidanceScale?: number;
}

export async function importTransformers(): Promise<TransformersModule> {
  try {
    return (await import('@huggingface/transformers')) as unknown as TransformersModule;
  } catch (cause) {
    throw new SeerError('backend', 'cannot load @huggingface/transformers (run `npm ci`; it needs onnxruntime-node, whose CPU build ships in the npm package)', { cause });
  }
}

export class JanusUnified implements UnifiedModel {
  readonly name: string;
  private readonly lib: TransformersModule;
  private readonly processor: Processor;
  private readonly model: JanusLm;
  private readonly outputSize: number | null;
  private readonly maxNewTokens: number;
  private readonly guidanceScale: number;
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(lib: TransformersModule, processor: Processor, model: JanusLm, options: JanusOptions) {
    this.lib = lib;
    this.processor = processor;
    this.model = model;
    this.name = options.name ?? 'janus-pro';
    this.outputSize = options.outputSize === undefined ? 32 : options.outputSize;
    this.maxNewTokens = options.maxNewTokens ?? 256;
    this.guidanceScale = options.guidanceScale ?? 5;
  }

  static async load(dir: string, options: JanusOptions = {}, lib?: TransformersModule): Promise<JanusUnified> {
    const path = resolve(dir);
    const dtype = checkJanusFolder(path, options.dtype);
    const tjs = lib ?? (await importTransformers());
    tjs.env.allowRemoteModels = false;
    tjs.env.allowLocalModels = true;
    const common = { local_files_only: true };
    try {
      const processor = (await tjs.AutoProcessor.from_pretrained(path, common)) as Processor;
      const model = (await tjs.MultiModalityCausalLM.from_pretrained(path, { ...common, device: 'cpu', ...(dtype === undefined ? {} : { dtype }) })) as JanusLm;
      return new JanusUnified(tjs, processor, model, options);
    } catch (cause) {
      throw new SeerError('model', `cannot load Janus from ${path}: ${cause instanceof Error ? cause.message : String(cause)} (are the ONNX files complete and of a transformers.js-compatible export?)`, { cause });
    }
  }

  async reprompt(requests: readonly RepromptRequest[], options: TextOptions = {}): Promise<RepromptResult[]> {
    const out: RepromptResult[] = [];
    for (const [i, request] of requests.entries()) out.push(readReprompt(await this.text(repromptConversation(request), [], options, i), naivePrompt(request)));
    return out;
  }

  async judge(queries: readonly JudgeQuery[]): Promise<JudgeAnswer[]> {
    const out: JudgeAnswer[] = [];
    for (const [i, q] of queries.entries()) {
      const { verdict, reasoning } = readVerdict(await this.text(judgeConversation(q), [q.imageA, q.imageB], {}, i));
      out.push({ verdict, ...(reasoning ? { reasoning } : {}) });
    }
    return out;
  }

  async describe(queries: readonly ImageQuestion[], options: TextOptions = {}): Promise<string[]> {
    const out: string[] = [];
    for (const [i, q] of queries.entries()) out.push((await this.text(describeConversation(q), [q.image], options, i)).trim());
    return out;
  }

  async generate(prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> {
    if (seeds.length !== prompts.length) throw new SeerError('bad_input', `generate: ${prompts.length} prompts but ${seeds.length} seeds`);
    const out: RgbImage[] = [];
    for (const [i, prompt] of prompts.entries()) {
      const image = await this.serial(async () => {
        this.lib.random.seed(seeds[i]!);
        const inputs = await this.processor(generateConversation(prompt), { chat_template: 'text_to_image' });
        const n = this.processor.num_image_tokens;
        const [raw] = await this.model.generate_images({ ...inputs, min_new_tokens: n, max_new_tokens: n, do_sample: true, guidance_scale: this.guidanceScale });
        if (!raw) throw new SeerError('model', 'Janus returned no image');
        return fromRawImage(raw);
      });
      const side = this.outputSize;
      out.push(side === null ? image : resizeImage(image, side, side));
    }
    return out;
  }

  async dispose(): Promise<void> {
    await this.model.dispose?.();
  }

  private async text(conversation: JanusMessage[], images: readonly RgbImage[], options: TextOptions, index: number): Promise<string> {
    return this.serial(async () => {
      const temperature = options.temperature ?? 0;
      this.lib.random.seed((options.seed ?? 0) + index);
      const inputs = await this.processor(conversation, images.length > 0 ? { images: images.map((im) => this.toRawImage(im)) } : {});
      const tokens = await this.model.generate({ ...inputs, max_new_tokens: this.maxNewTokens, do_sample: temperature > 0, ...(temperature > 0 ? { temperature } : {}) });
      const fresh = tokens.slice(null, [inputs.input_ids.dims.at(-1) ?? 0, null]);
      return this.processor.batch_decode(fresh, { skip_special_tokens: true })[0] ?? '';
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private toRawImage(image: RgbImage): RawImage {
    return new this.lib.RawImage(new Uint8ClampedArray(image.data), image.width, image.height, 3);
  }
}

export function fromRawImage(raw: RawImage): RgbImage {
  const rgb = raw.channels === 3 ? raw : raw.rgb();
  return { width: rgb.width, height: rgb.height, data: new Uint8Array(rgb.data) };
}

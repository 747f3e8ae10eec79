/**
 * `seer serve`'s OpenAI-compatible API (hono) over any `UnifiedModel` — SEER-Mini by default:
 *
 *   GET  /v1/models              NAME, NAME:reprompt, NAME:judge, NAME:describe
 *   POST /v1/chat/completions    the last user message picks the role: text only → reprompt,
 *                                one image → describe (caption, or answer its question), two
 *                                images → judge; a `:mode` suffix on the model name forces one
 *   POST /v1/images/generations  b64_json only; `seed` (extension) makes images reproducible
 *
 * Reprompt and judge read `Instruction: …` and `Prompt: …` lines from the user text, and answer in
 * the paper's format `<think>…</think> <answer>…</answer>`; each choice also carries
 * `seer: { valid_format, probability_a }`. System messages are ignored: the model brings its own
 * templates (model/templates.ts). Bad requests get OpenAI-style bodies
 * `{ error: { message, type, param, code } }`. Not implemented: streaming, logprobs, tools, usage.
 */
import { randomBytes } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { ApiError, errorResponse, parseBody } from '../core/http.ts';
import { type RgbImage, fromDataUrl, toBase64Png } from '../image/image.ts';
import type { RepromptRequest, UnifiedModel } from '../roles/roles.ts';
import { parseRequestText } from '../backends/openai/prompts.ts';
import { chatRequestSchema, imagesRequestSchema, type ChatMessage, type ErrorBody } from '../backends/openai/wire.ts';

export const MODES = ['reprompt', 'judge', 'describe'] as const;
type Mode = (typeof MODES)[number] | 'auto';

export interface OpenAIAppOptions {
  model: UnifiedModel;
  /** The model id clients use (default: the model's name). */
  name?: string;
  /** Side of the images the model draws (SEER-Mini: 32). */
  imageSize: number;
  /** Largest request body (images arrive as base64). */
  maxBodyBytes?: number;
}

export function createOpenAIApp(options: OpenAIAppOptions): Hono {
  const { model, imageSize } = options;
  const name = options.name ?? model.name;
  const app = new Hono();
  const limit = options.maxBodyBytes ?? 16 * 1024 * 1024;
  app.use('/v1/*', bodyLimit({ maxSize: limit, onError: (c) => c.json(errorBody(`request body over ${limit} bytes`, 'invalid_request_error', null, 'body_too_large'), 413) }));

  app.get('/v1/models', (c) =>
    c.json({ object: 'list', data: [name, ...MODES.map((m) => `${name}:${m}`)].map((id) => ({ id, object: 'model', created: 0, owned_by: 'seer' })) }),
  );

  app.post('/v1/chat/completions', async (c) => {
    const body = await parseBody(c, chatRequestSchema);
    const mode = modeOf(body.model, name);
    if (body.stream) throw new ApiError(400, 'stream: streaming is not supported by seer serve; send stream: false');
    const user = [...body.messages].reverse().find((m) => m.role === 'user');
    if (!user) throw new ApiError(400, 'messages: no user message');
    const { text, images } = await splitContent(user);
    const role = mode === 'auto' ? (images.length === 0 ? 'reprompt' : images.length === 1 ? 'describe' : 'judge') : mode;
    const n = body.n ?? 1;
    const seed = body.seed ?? 0;
    let choices: { content: string; seer: { valid_format?: boolean; probability_a?: number } }[];
    if (role === 'reprompt') {
      if (images.length > 0) throw new ApiError(400, `messages: reprompting takes text only, got ${images.length} image(s)`);
      const request = requireRequest(text);
      const results = await model.reprompt(Array.from({ length: n }, () => request), { seed, ...(body.temperature === undefined ? {} : { temperature: body.temperature }) });
      choices = results.map((r) => ({ content: `<think> ${untag(r.reasoning ?? '')} </think> <answer> ${untag(r.reprompt)} </answer>`, seer: r.validFormat === undefined ? {} : { valid_format: r.validFormat } }));
    } else if (role === 'judge') {
      if (images.length !== 2) throw new ApiError(400, `messages: judging takes exactly two images (A then B), got ${images.length}`);
      const request = requireRequest(text);
      const [answer] = await model.judge([{ ...request, imageA: images[0]!, imageB: images[1]! }]);
      const verdict = answer!.verdict === 'tie' ? 'tie' : answer!.verdict.toLowerCase();
      const content = `<think> ${untag(answer!.reasoning ?? '')} </think> <answer> ${verdict} </answer>`;
      choices = Array.from({ length: n }, () => ({ content, seer: { valid_format: answer!.verdict !== 'tie', ...(answer!.probabilityA === undefined ? {} : { probability_a: answer!.probabilityA }) } }));
    } else {
      if (images.length !== 1) throw new ApiError(400, `messages: describing takes exactly one image, got ${images.length}`);
      const question = /^\s*(describe|caption)\b/i.test(text) ? '' : text.trim();
      const queries = Array.from({ length: n }, () => ({ image: images[0]!, ...(question ? { question } : {}) }));
      const texts = await model.describe(queries, { seed, ...(body.temperature === undefined ? {} : { temperature: body.temperature }) });
      choices = texts.map((t) => ({ content: t, seer: {} }));
    }
    return c.json({
      id: `chatcmpl-${randomBytes(12).toString('hex')}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: body.model,
      choices: choices.map((ch, index) => ({ index, message: { role: 'assistant', content: ch.content }, finish_reason: 'stop', seer: ch.seer })),
    });
  });

  app.post('/v1/images/generations', async (c) => {
    const body = await parseBody(c, imagesRequestSchema);
    if (body.model !== undefined && modeOf(body.model, name) !== 'auto') throw new ApiError(400, `model: use "${name}" for images (mode suffixes are for chat)`);
    if (body.response_format === 'url') throw new ApiError(400, 'response_format: seer serve returns b64_json only (it hosts no files)');
    if (body.size !== undefined && body.size !== 'auto' && body.size !== `${imageSize}x${imageSize}`) {
      throw new ApiError(400, `size: this model draws ${imageSize}x${imageSize} only, got "${body.size}"`);
    }
    const n = body.n ?? 1;
    const seed = body.seed ?? randomBytes(4).readUInt32BE() >>> 1;
    // One call per image: a batched call may fold its seeds together, and image i must depend
    // only on (prompt, seed + i), whatever n a client asks for.
    const images = [];
    for (let i = 0; i < n; i++) images.push(...(await model.generate([body.prompt], [seed + i])));
    return c.json({ created: Math.floor(Date.now() / 1000), data: images.map((im) => ({ b64_json: toBase64Png(im) })) });
  });

  app.notFound((c) => c.json(errorBody(`no route ${c.req.method} ${new URL(c.req.url).pathname}; seer serve has GET /v1/models, POST /v1/chat/completions, POST /v1/images/generations`, 'invalid_request_error', null, 'unknown_url'), 404));
  app.onError((error, c) => openAIError(c, error));
  return app;
}

function modeOf(requested: string, name: string): Mode {
  if (requested === name) return 'auto';
  const mode = requested.startsWith(`${name}:`) ? requested.slice(name.length + 1) : undefined;
  if (mode !== undefined && (MODES as readonly string[]).includes(mode)) return mode as Mode;
  throw new ApiError(404, `model: "${requested}" does not exist; this server has ${[name, ...MODES.map((m) => `${name}:${m}`)].join(', ')}`);
}

async function splitContent(message: ChatMessage): Promise<{ text: string; images: RgbImage[] }> {
  const content = message.content ?? '';
  if (typeof content === 'string') return { text: content, images: [] };
  const text = content.flatMap((p) => (p.type === 'text' ? [p.text] : [])).join('\n');
  const images = await Promise.all(content.flatMap((p) => (p.type === 'image_url' ? [fromDataUrl(p.image_url.url)] : [])));
  return { text, images };
}

function requireRequest(text: string): RepromptRequest {
  const request = parseRequestText(text);
  if (!request) throw new ApiError(400, 'messages: the user text needs an "Instruction: …" line and a "Prompt: …" line');
  return request;
}

/** Model text inside our tags must not close them early. */
function untag(text: string): string {
  return text.replace(/<\/?(think|answer)>/gi, ' ').replace(/\s+/g, ' ').trim();
}

function errorBody(message: string, type: string, param: string | null, code: string | null): ErrorBody {
  return { error: { message, type, param, code } };
}

function openAIError(c: Context, error: unknown): Response {
  const { status, message } = errorResponse(error);
  if (status >= 500) console.error(error);
  const cause = error instanceof Error ? error.cause : undefined;
  const param = cause instanceof z.ZodError && cause.issues[0] ? cause.issues[0].path.join('.') || null : (/^(?:body\.)?([a-z_]+)\s*:/.exec(message)?.[1] ?? null);
  const type = status === 404 ? 'invalid_request_error' : status >= 500 ? 'server_error' : 'invalid_request_error';
  const code = status === 404 && message.startsWith('model:') ? 'model_not_found' : status >= 500 ? 'internal_error' : status === 415 ? 'unsupported_media_type' : 'invalid_request';
  return c.json(errorBody(message, type, param, code), status);
}

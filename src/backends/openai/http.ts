/**
 * The one place that talks HTTP to an OpenAI-compatible server (hosted APIs, vLLM, SGLang,
 * llama.cpp, Ollama, `seer serve`): a per-request timeout, retries with exponential backoff and
 * full jitter on network errors, timeouts, 408/409/429 and 5xx (a numeric `Retry-After` is
 * honoured, capped), a concurrency limit shared by every caller of one client, and zod validation
 * of every response. Every failure is a `SeerError('backend', …)` that names the URL, the status
 * and the server's own message.
 */
import type { z } from 'zod';
import { SeerError } from '../../core/errors.ts';
import { errorBodySchema } from './wire.ts';
import type { OpenAIConfig } from './config.ts';

/** Counts slots; `run` waits for one, so at most `limit` requests are in flight. */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  readonly limit: number;

  constructor(limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new SeerError('bad_config', `concurrency must be a positive integer, got ${limit}`);
    this.limit = limit;
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

const RETRY_STATUS = new Set([408, 409, 429, 500, 502, 503, 504]);

class RetryableError extends Error {
  readonly retryAfterMs: number | undefined;
  constructor(message: string, retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, options);
    this.retryAfterMs = retryAfterMs;
  }
}

export class OpenAIHttp {
  private readonly config: OpenAIConfig;
  private readonly apiKey: string | undefined;
  private readonly slots: Semaphore;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(config: OpenAIConfig, apiKey: string | undefined, options: { sleep?: (ms: number) => Promise<void> } = {}) {
    this.config = config;
    this.apiKey = apiKey;
    this.slots = new Semaphore(config.concurrency);
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
  }

  url(path: string): string {
    return `${this.config.baseUrl.replace(/\/+$/, '')}${path}`;
  }

  async get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S>> {
    return this.request('GET', path, undefined, schema);
  }

  async post<S extends z.ZodType>(path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    return this.request('POST', path, body, schema);
  }

  private async request<S extends z.ZodType>(method: 'GET' | 'POST', path: string, body: unknown, schema: S): Promise<z.infer<S>> {
    const url = this.url(path);
    let lastError: RetryableError | undefined;
    for (let attempt = 0; attempt <= this.config.maxRetries; attempt++) {
      if (attempt > 0) {
        const backoff = Math.min(this.config.maxBackoffMs, this.config.backoffMs * 2 ** (attempt - 1));
        const wait = lastError?.retryAfterMs !== undefined ? Math.min(this.config.maxBackoffMs, lastError.retryAfterMs) : Math.random() * backoff;
        await this.sleep(wait);
      }
      try {
        const json = await this.slots.run(() => this.once(method, url, body));
        const parsed = schema.safeParse(json);
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          throw new SeerError('backend', `${method} ${url}: unexpected response shape (${issue ? `${issue.path.join('.') || 'body'}: ${issue.message}` : 'invalid'}); is this an OpenAI-compatible server?`, { cause: parsed.error });
        }
        return parsed.data;
      } catch (error) {
        if (!(error instanceof RetryableError)) throw error;
        lastError = error;
      }
    }
    throw new SeerError('backend', `${method} ${url}: ${lastError?.message ?? 'failed'} (gave up after ${this.config.maxRetries + 1} attempts)`, { cause: lastError });
  }

  private async once(method: 'GET' | 'POST', url: string, body: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    const signal = AbortSignal.timeout(this.config.timeoutMs);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, { method, headers, signal, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
      text = await response.text();
    } catch (cause) {
      const timedOut = signal.aborted;
      throw new RetryableError(timedOut ? `no answer within ${this.config.timeoutMs} ms` : `cannot reach the server (${describeCause(cause)})`, undefined, { cause });
    }
    if (!response.ok) {
      const message = `${response.status} ${serverMessage(text) ?? response.statusText}`;
      if (RETRY_STATUS.has(response.status)) throw new RetryableError(message, retryAfterMs(response.headers.get('retry-after')));
      const hint = response.status === 401 || response.status === 403 ? ` (check the API key in $${this.config.apiKeyEnv})` : response.status === 404 ? ' (check --base-url, which usually ends in /v1, and the model name)' : '';
      throw new SeerError('backend', `${method} ${url}: ${message}${hint}`);
    }
    try {
      return JSON.parse(text) as unknown;
    } catch (cause) {
      throw new SeerError('backend', `${method} ${url}: response is not JSON (${text.slice(0, 80)})`, { cause });
    }
  }
}

function serverMessage(text: string): string | undefined {
  try {
    const parsed = errorBodySchema.safeParse(JSON.parse(text));
    if (parsed.success) return parsed.data.error.message;
  } catch {
    // not JSON: fall through to the raw text
  }
  const trimmed = text.trim();
  return trimmed === '' ? undefined : trimmed.slice(0, 200);
}

function retryAfterMs(header: string | null): number | undefined {
  if (header === null) return undefined;
  const seconds = Number(header);
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describeCause(cause: unknown): string {
  if (cause instanceof Error) {
    const inner = (cause as Error & { cause?: unknown }).cause;
    if (inner && typeof inner === 'object' && 'code' in inner) return String((inner as { code: unknown }).code);
    return inner instanceof Error ? `${cause.message}: ${inner.message}` : cause.message;
  }
  return String(cause);
}

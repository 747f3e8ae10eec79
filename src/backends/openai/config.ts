/**
 * Configuration of one OpenAI-compatible endpoint: base URL, model, where the API key lives (an
 * environment variable, never a flag or a file), and the transport's limits. Every default says why.
 */
import { z } from 'zod';
import { SeerError } from '../../core/errors.ts';

export const openAIConfigSchema = z.object({
  baseUrl: z
    .string()
    .url()
    .describe('server root including /v1, e.g. http://127.0.0.1:8000/v1 (vLLM, SGLang, llama.cpp, Ollama and `seer serve` all use /v1)'),
  model: z.string().min(1).describe('model name as the server lists it under /v1/models'),
  apiKeyEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/).default('OPENAI_API_KEY').describe('environment variable holding the API key; local servers need none'),
  timeoutMs: z.number().int().min(100).default(120_000).describe('per request: a long reasoning answer from a hosted model can take a minute'),
  maxRetries: z.number().int().min(0).max(10).default(4).describe('retries after the first try on network errors, timeouts, 408/409/429/5xx'),
  backoffMs: z.number().int().min(0).default(500).describe('first backoff; doubles per retry, drawn uniformly below that (full jitter)'),
  maxBackoffMs: z.number().int().min(0).default(20_000).describe('cap on one wait, Retry-After included'),
  concurrency: z.number().int().min(1).max(256).default(4).describe('requests in flight at once: polite to hosted rate limits, enough to hide latency'),
  temperature: z.number().min(0).max(2).default(0).describe('0: deterministic-as-possible answers for evaluation'),
  maxTokens: z.number().int().min(1).optional().describe('cap on generated tokens; unset leaves the server default (reasoning models need room)'),
  sendSeed: z.boolean().default(true).describe('send `seed` (chat: best-effort on hosted APIs; images: an extension `seer serve` honours); turn off for servers that reject unknown fields'),
  imageSize: z.string().regex(/^\d+x\d+$/).optional().describe('`size` sent to the images endpoint, e.g. 1024x1024; unset lets the server choose'),
});
export type OpenAIConfig = z.infer<typeof openAIConfigSchema>;
export type OpenAIConfigInput = z.input<typeof openAIConfigSchema>;

export function parseOpenAIConfig(input: OpenAIConfigInput, where = 'openai backend'): OpenAIConfig {
  const parsed = openAIConfigSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new SeerError('bad_config', `${where}: ${issue.path.join('.') || 'config'}: ${issue.message}`, { cause: parsed.error });
  }
  return parsed.data;
}

/** The key from the configured variable; undefined (no Authorization header) when it is unset. */
export function apiKeyFrom(config: OpenAIConfig, env: NodeJS.ProcessEnv = process.env): string | undefined {
  const key = env[config.apiKeyEnv];
  return key === undefined || key.trim() === '' ? undefined : key.trim();
}

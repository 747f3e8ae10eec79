/**
 * Flags for one external OpenAI-compatible endpoint, shared by `seer eval versus` and
 * `seer data build`: `--<prefix>base-url`, `--<prefix>model`, `--<prefix>api-key-env` (the key
 * itself is never a flag) and `--<prefix>concurrency`.
 */
import type { Command } from 'commander';
import { SeerError } from '../core/errors.ts';
import type { OpenAIConfigInput } from '../backends/openai/config.ts';
import { parsePositiveInteger } from './options.ts';

const camel = (prefix: string, name: string) => (prefix + name).replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

export function addEndpointOptions(command: Command, prefix: string, what: string): Command {
  return command
    .option(`--${prefix}base-url <url>`, `${what}: OpenAI-compatible base URL ending in /v1 (e.g. http://127.0.0.1:8000/v1 for \`seer serve\`)`)
    .option(`--${prefix}model <name>`, `${what}: model name`)
    .option(`--${prefix}api-key-env <var>`, `${what}: environment variable holding the API key`, 'OPENAI_API_KEY')
    .option(`--${prefix}concurrency <n>`, `${what}: requests in flight`, parsePositiveInteger, 4);
}

/** The endpoint's config, or undefined when its base URL was not given. */
export function endpointConfig(opts: Record<string, unknown>, prefix: string): OpenAIConfigInput | undefined {
  const baseUrl = opts[camel(prefix, 'base-url')] as string | undefined;
  const model = opts[camel(prefix, 'model')] as string | undefined;
  if (baseUrl === undefined) {
    if (model !== undefined) throw new SeerError('bad_input', `--${prefix}model needs --${prefix}base-url`);
    return undefined;
  }
  if (model === undefined) throw new SeerError('bad_input', `--${prefix}base-url needs --${prefix}model (see GET ${baseUrl.replace(/\/+$/, '')}/models)`);
  return { baseUrl, model, apiKeyEnv: opts[camel(prefix, 'api-key-env')] as string, concurrency: opts[camel(prefix, 'concurrency')] as number };
}

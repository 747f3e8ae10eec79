// The HTTP transport against a small fake server on 127.0.0.1: retries with backoff, Retry-After,
// timeouts, non-retried client errors, response validation, the API key header and the
// concurrency limit. Backoff sleeps are recorded instead of waited, so the suite stays fast.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isSeerError } from '../../core/errors.ts';
import { OpenAIClient, OpenAIReprompter } from './models.ts';
import { Semaphore } from './http.ts';

type Handler = (req: IncomingMessage, res: ServerResponse, body: string) => void;
let server: Server;
let baseUrl: string;
let handler: Handler;
let hits: number;

const ok = (content: string) => JSON.stringify({ choices: [{ message: { role: 'assistant', content }, finish_reason: 'stop' }] });
const send = (res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}) => {
  res.writeHead(status, { 'content-type': 'application/json', ...headers });
  res.end(body);
};

beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      hits++;
      handler(req, res, body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  hits = 0;
});

function client(extra: Record<string, unknown> = {}, env: NodeJS.ProcessEnv = {}) {
  const sleeps: number[] = [];
  const c = new OpenAIClient({ baseUrl, model: 'fake', backoffMs: 100, maxRetries: 3, ...extra }, { env, sleep: async (ms) => void sleeps.push(ms) });
  return { c, sleeps };
}
const request = { instruction: 'Make it look royal.', prompt: 'a dog' };

describe('OpenAI transport (fake server)', () => {
  it('retries 503 and 429 with jittered exponential backoff, honours Retry-After, then succeeds', async () => {
    const statuses = [503, 429, 200];
    handler = (_req, res) => {
      const status = statuses.shift()!;
      if (status === 429) send(res, 429, JSON.stringify({ error: { message: 'slow down' } }), { 'retry-after': '2' });
      else if (status === 503) send(res, 503, 'overloaded');
      else send(res, 200, ok('<think>royal means crown</think><answer>a dog wearing a golden crown</answer>'));
    };
    const { c, sleeps } = client();
    const [out] = await new OpenAIReprompter(c).reprompt([request]);
    expect(out).toEqual({ reprompt: 'a dog wearing a golden crown', reasoning: 'royal means crown', validFormat: true });
    expect(hits).toBe(3);
    expect(sleeps).toHaveLength(2);
    expect(sleeps[0]).toBeGreaterThanOrEqual(0);
    expect(sleeps[0]).toBeLessThan(100);
    expect(sleeps[1]).toBe(2000);
  });

  it('gives up after maxRetries + 1 attempts with the status and the server message', async () => {
    handler = (_req, res) => send(res, 500, JSON.stringify({ error: { message: 'kaboom' } }));
    const { c, sleeps } = client({ maxRetries: 2 });
    const error = await new OpenAIReprompter(c).reprompt([request]).catch((e: unknown) => e);
    expect(isSeerError(error) && error.code).toBe('backend');
    expect((error as Error).message).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions: 500 kaboom \(gave up after 3 attempts\)/);
    expect(hits).toBe(3);
    expect(sleeps).toHaveLength(2);
  });

  it('does not retry a 400 and shows the OpenAI error message; 401 hints at the key variable', async () => {
    handler = (_req, res) => send(res, 400, JSON.stringify({ error: { message: "Unsupported parameter: 'seed'", type: 'invalid_request_error' } }));
    await expect(new OpenAIReprompter(client().c).reprompt([request])).rejects.toThrow(/400 Unsupported parameter: 'seed'/);
    expect(hits).toBe(1);
    handler = (_req, res) => send(res, 401, JSON.stringify({ error: { message: 'bad key' } }));
    await expect(new OpenAIReprompter(client({ apiKeyEnv: 'MY_KEY' }).c).reprompt([request])).rejects.toThrow(/401 bad key \(check the API key in \$MY_KEY\)/);
  });

  it('times out a silent server, retries, and succeeds when it answers', async () => {
    let first = true;
    handler = (_req, res) => {
      if (first) {
        first = false;
        setTimeout(() => send(res, 200, ok('late')), 1500);
      } else send(res, 200, ok('<think>t</think><answer>on time</answer>'));
    };
    const { c } = client({ timeoutMs: 200 });
    const [out] = await new OpenAIReprompter(c).reprompt([request]);
    expect(out!.reprompt).toBe('on time');
    expect(hits).toBe(2);
    handler = (_req, res) => void setTimeout(() => send(res, 200, ok('late')), 1500);
    await expect(new OpenAIReprompter(client({ timeoutMs: 150, maxRetries: 0 }).c).reprompt([request])).rejects.toThrow(/no answer within 150 ms/);
  });

  it('rejects a response of the wrong shape or not JSON, without retrying', async () => {
    handler = (_req, res) => send(res, 200, JSON.stringify({ choices: [] }));
    await expect(new OpenAIReprompter(client().c).reprompt([request])).rejects.toThrow(/unexpected response shape \(choices: .*\); is this an OpenAI-compatible server\?/);
    handler = (_req, res) => send(res, 200, '<html>proxy login</html>');
    await expect(new OpenAIReprompter(client().c).reprompt([request])).rejects.toThrow(/response is not JSON \(<html>proxy login/);
    expect(hits).toBe(2);
  });

  it('sends the key from the configured variable, the model, temperature and per-item seeds', async () => {
    const seen: { auth: string | undefined; body: { model: string; seed: number; temperature: number; messages: { role: string }[] } }[] = [];
    handler = (req, res, body) => {
      seen.push({ auth: req.headers.authorization, body: JSON.parse(body) });
      send(res, 200, ok('just a plain answer'));
    };
    const { c } = client({ apiKeyEnv: 'SEER_KEY', temperature: 0.3 }, { SEER_KEY: 'sk-test-123' });
    const out = await new OpenAIReprompter(c).reprompt([request, request], { seed: 7 });
    expect(seen.map((s) => s.auth)).toEqual(['Bearer sk-test-123', 'Bearer sk-test-123']);
    expect(seen.map((s) => s.body.seed).sort()).toEqual([7, 8]);
    expect(seen[0]!.body).toMatchObject({ model: 'fake', temperature: 0.3 });
    expect(seen[0]!.body.messages.map((m) => m.role)).toEqual(['system', 'user']);
    expect(out[0]).toMatchObject({ reprompt: 'just a plain answer', validFormat: false });
    const { c: noKey } = client();
    handler = (req, res) => send(res, 200, ok(req.headers.authorization ?? 'none'));
    expect((await noKey.chat([{ role: 'user', content: 'hi' }])).content).toBe('none');
  });

  it('keeps at most `concurrency` requests in flight and returns results in order', async () => {
    let inFlight = 0;
    let peak = 0;
    handler = (_req, res, body) => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      const prompt = /Prompt: (\w+)/.exec(JSON.parse(body).messages[1].content)![1];
      setTimeout(() => {
        inFlight--;
        send(res, 200, ok(`<think>x</think><answer>${prompt}</answer>`));
      }, 40);
    };
    const requests = Array.from({ length: 7 }, (_, i) => ({ instruction: 'x', prompt: `p${i}` }));
    const out = await new OpenAIReprompter(client({ concurrency: 2 }).c).reprompt(requests);
    expect(out.map((r) => r.reprompt)).toEqual(requests.map((r) => r.prompt));
    expect(peak).toBe(2);
  });

  it('reports an unreachable server by its error code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const { c } = client({ baseUrl: `http://127.0.0.1:${port}/v1`, maxRetries: 1 });
    await expect(c.chat([{ role: 'user', content: 'hi' }])).rejects.toThrow(/cannot reach the server \(ECONNREFUSED\).*gave up after 2 attempts/);
  });

  it('validates its config and the semaphore size', () => {
    expect(() => new OpenAIClient({ baseUrl: 'not a url', model: 'm' })).toThrow(/openai backend: baseUrl/);
    expect(() => new OpenAIClient({ baseUrl, model: '' })).toThrow(/model/);
    expect(() => new Semaphore(0)).toThrow(/positive integer/);
  });
});

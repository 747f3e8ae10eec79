import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../engine/torch.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import { SeerMiniUnified } from '../backends/seer-mini/unified.ts';
import { fromBase64, toDataUrl } from '../image/image.ts';
import { errorBodySchema } from '../backends/openai/wire.ts';
import { startOpenAIServer, type RunningOpenAIServer } from './serve.ts';

describe('seer serve (real server on 127.0.0.1, shipped base checkpoint)', () => {
  let server: RunningOpenAIServer;
  let model: SeerMiniUnified;
  const cat = toDataUrl(renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 1 }));
  const dog = toDataUrl(renderSpec(defaultSpec('dog'), { seed: 2 }));

  beforeAll(async () => {
    engine.setThreads(1);
    model = new SeerMiniUnified(loadSeerMini().model);
    server = await startOpenAIServer({ model, imageSize: 32 });
  });
  afterAll(async () => server?.close());

  const post = async (path: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => {
    const res = await fetch(`${server.baseUrl}${path}`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  };
  const expectError = (r: { status: number; json: unknown }, status: number, match: RegExp) => {
    expect(r.status).toBe(status);
    const body = errorBodySchema.parse(r.json);
    expect(body.error.message).toMatch(match);
    return body.error;
  };

  it('listens on loopback and lists the model with its modes', async () => {
    expect(server.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const res = await fetch(`${server.baseUrl}/models`);
    const body = (await res.json()) as { data: { id: string }[] };
    expect(body.data.map((m) => m.id)).toEqual(['seer-mini', 'seer-mini:reprompt', 'seer-mini:judge', 'seer-mini:describe']);
  });

  it('reprompts text-only messages in the paper format, exactly as the model does in-process', async () => {
    const user = 'Instruction: Make it look royal.\nPrompt: a dog on the street';
    const r = await post('/chat/completions', { model: 'seer-mini', messages: [{ role: 'user', content: user }], seed: 4, temperature: 0.7 });
    expect(r.status).toBe(200);
    const choice = (r.json.choices as { message: { content: string }; seer: { valid_format?: boolean } }[])[0]!;
    expect(choice.message.content).toMatch(/^<think> [\s\S]* <\/think> <answer> \S[\s\S]* <\/answer>$/);
    const [direct] = await model.reprompt([{ instruction: 'Make it look royal.', prompt: 'a dog on the street' }], { seed: 4, temperature: 0.7 });
    expect(choice.message.content).toContain(`<answer> ${direct!.reprompt} </answer>`);
    expect(choice.seer.valid_format).toBe(direct!.validFormat);
  });

  it('judges two images, describes one, and n gives n choices', async () => {
    const judge = await post('/chat/completions', {
      model: 'seer-mini',
      messages: [{ role: 'user', content: [{ type: 'text', text: "Instruction: Place a golden crown on the object's head.\nPrompt: a cat" }, { type: 'image_url', image_url: { url: cat } }, { type: 'image_url', image_url: { url: dog } }] }],
    });
    expect(judge.status).toBe(200);
    const jc = (judge.json.choices as { message: { content: string }; seer: { probability_a: number } }[])[0]!;
    expect(jc.message.content).toMatch(/<answer> (a|b|tie) <\/answer>$/);
    expect(jc.seer.probability_a).toBeGreaterThanOrEqual(0);
    expect(jc.seer.probability_a).toBeLessThanOrEqual(1);
    const describe = await post('/chat/completions', { model: 'seer-mini:describe', n: 2, temperature: 1, seed: 3, messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: cat } }, { type: 'text', text: 'Describe the image.' }] }] });
    expect(describe.status).toBe(200);
    expect((describe.json.choices as unknown[]).length).toBe(2);
  });

  it('generates 32x32 PNGs, reproducible by seed, one per n', async () => {
    const a = await post('/images/generations', { model: 'seer-mini', prompt: 'a red cat', n: 2, seed: 11 });
    const b = await post('/images/generations', { prompt: 'a red cat', n: 1, seed: 11, size: '32x32' });
    expect(a.status).toBe(200);
    const data = a.json.data as { b64_json: string }[];
    expect(data).toHaveLength(2);
    const first = await fromBase64(data[0]!.b64_json);
    expect([first.width, first.height]).toEqual([32, 32]);
    expect((b.json.data as { b64_json: string }[])[0]!.b64_json).toBe(data[0]!.b64_json);
  });

  it('answers bad requests with OpenAI-style error bodies', async () => {
    const messages = [{ role: 'user', content: 'Instruction: x\nPrompt: y' }];
    expect(expectError(await post('/chat/completions', '{not json'), 400, /not valid JSON/).type).toBe('invalid_request_error');
    expect(expectError(await post('/chat/completions', { model: 'seer-mini' }), 400, /messages/).param).toBe('messages');
    expect(expectError(await post('/chat/completions', { model: 'gpt-4o', messages }), 404, /does not exist.*seer-mini:judge/).code).toBe('model_not_found');
    expectError(await post('/chat/completions', { model: 'seer-mini', messages, stream: true }), 400, /stream/);
    expectError(await post('/chat/completions', { model: 'seer-mini', messages: [{ role: 'user', content: 'make it nice' }] }), 400, /Instruction: …" line/);
    expectError(await post('/chat/completions', { model: 'seer-mini:judge', messages: [{ role: 'user', content: [{ type: 'text', text: 'Instruction: x\nPrompt: y' }, { type: 'image_url', image_url: { url: cat } }] }] }), 400, /exactly two images/);
    expectError(await post('/chat/completions', { model: 'seer-mini', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'https://example.com/cat.png' } }] }] }), 400, /base64 data URL/);
    expectError(await post('/chat/completions', { model: 'seer-mini', messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'data:image/png;base64,AAAA' } }] }] }), 400, /not a readable PNG/);
    expect(expectError(await post('/images/generations', { prompt: 'a cat', size: '1024x1024' }), 400, /32x32 only/).param).toBe('size');
    expectError(await post('/images/generations', { prompt: 'a cat', response_format: 'url' }), 400, /b64_json only/);
    expectError(await post('/images/generations', { prompt: '' }), 400, /prompt/);
    expectError(await post('/chat/completions', { model: 'seer-mini', messages }, { 'content-type': 'text/plain' }), 415, /JSON/);
    const missing = await fetch(`${server.baseUrl}/completions`, { method: 'POST' });
    expect(missing.status).toBe(404);
    expect(errorBodySchema.parse(await missing.json()).error.code).toBe('unknown_url');
  });
});

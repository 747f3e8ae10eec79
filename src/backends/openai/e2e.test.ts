// The OpenAI client end to end against the real `seer serve` (shipped base checkpoint) on an
// ephemeral 127.0.0.1 port: every role runs its shared conformance suite through HTTP, and the
// answers equal what the same model gives in-process.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../../engine/torch.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { generatorConformance, judgeConformance, reprompterConformance, unifiedModelConformance } from '../../roles/conformance.testkit.ts';
import { renderSpec } from '../../world/render.ts';
import { defaultSpec } from '../../world/spec.ts';
import { startOpenAIServer, type RunningOpenAIServer } from '../../serve/serve.ts';
import { SeerMiniUnified } from '../seer-mini/unified.ts';
import { OpenAIClient, OpenAIImageGenerator, OpenAIJudge, OpenAIReprompter, OpenAIUnifiedModel } from './models.ts';

let server: RunningOpenAIServer;
let local: SeerMiniUnified;
const config = (model = 'seer-mini') => ({ baseUrl: server.baseUrl, model, apiKeyEnv: 'SEER_TEST_NO_KEY' });

beforeAll(async () => {
  engine.setThreads(1);
  local = new SeerMiniUnified(loadSeerMini().model);
  server = await startOpenAIServer({ model: local, imageSize: 32 });
});
afterAll(async () => server?.close());

describe('OpenAIReprompter → seer serve', () => reprompterConformance(() => new OpenAIReprompter({ ...config(), temperature: 0.7 })));
describe('OpenAIJudge → seer serve', () => judgeConformance(() => new OpenAIJudge(config('seer-mini:judge')), { swapConsistent: false }));
describe('OpenAIImageGenerator → seer serve', () => generatorConformance(() => new OpenAIImageGenerator(config())));
describe('OpenAIUnifiedModel → seer serve', () => unifiedModelConformance(() => new OpenAIUnifiedModel(config()), { swapConsistent: false }));

describe('through HTTP = in-process', () => {
  const request = { instruction: 'Transform it so it is carved entirely out of ice.', prompt: 'a vintage teapot' };

  it('lists the served models', async () => {
    expect(await new OpenAIClient(config()).listModels()).toContain('seer-mini:reprompt');
  });

  it('reprompts item i with seed + i, exactly as the model does locally', async () => {
    const remote = await new OpenAIReprompter({ ...config('seer-mini:reprompt'), temperature: 0.7 }).reprompt([request, request], { seed: 20 });
    const [first] = await local.reprompt([request], { seed: 20, temperature: 0.7 });
    const [second] = await local.reprompt([request], { seed: 21, temperature: 0.7 });
    expect(remote.map((r) => r.reprompt)).toEqual([first!.reprompt, second!.reprompt]);
    expect(remote[0]!.validFormat).toBe(first!.validFormat);
  });

  it('judges with the same verdict and P(A) as the local judge', async () => {
    const crown = renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 1 });
    const plain = renderSpec(defaultSpec('cat'), { seed: 2 });
    const q = { instruction: "Place a golden crown on the object's head.", prompt: 'a cat', imageA: crown, imageB: plain };
    const [remote] = await new OpenAIJudge(config()).judge([q]);
    const [mine] = await local.judge([q]);
    expect(remote!.verdict).toBe(mine!.verdict);
    expect(remote!.probabilityA).toBeCloseTo(mine!.probabilityA!, 6);
  });

  it('draws the same pixels as the local generator for the same seed (PNG is lossless)', async () => {
    const [remote] = await new OpenAIImageGenerator(config()).generate(['a red cat at night'], [5]);
    const [mine] = await local.generate(['a red cat at night'], [5]);
    expect(Buffer.from(remote!.data).equals(Buffer.from(mine!.data))).toBe(true);
  });

  it('turns a server error into a SeerError that names the model list', async () => {
    await expect(new OpenAIReprompter(config('gpt-4o')).reprompt([request])).rejects.toThrow(/404 model: "gpt-4o" does not exist; this server has seer-mini/);
  });
});

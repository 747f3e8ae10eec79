import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import { loadSeerMini, saveSeerMini } from './checkpoint.ts';
import { sample } from './sampling.ts';
import { CHUNK_CONTEXTS, contextChunks, type SeerMini } from './umm.ts';
import { repromptContext } from './templates.ts';
import { noGrad, tidy } from '../engine/torch.ts';
import { encodeSafetensors, decodeSafetensors } from './safetensors.ts';
import { SeerError } from '../core/errors.ts';
import { SeerMiniGenerator } from './generator.ts';
import { generatorConformance } from '../roles/conformance.testkit.ts';

describe('SEER-Mini (tiny recipe)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seer-mini-'));
  let model: SeerMini;
  let firstLoss = 0;
  let lastLoss = 0;
  beforeAll(async () => {
    const result = await pretrain({ recipe: { ...RECIPES.tiny, threads: 1 }, outDir: dir, seed: 1, quiet: true });
    model = result.model;
    const { readFileSync } = await import('node:fs');
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { loss: number });
    firstLoss = lines.slice(0, 5).reduce((s, l) => s + l.loss, 0) / 5;
    lastLoss = lines.slice(-5).reduce((s, l) => s + l.loss, 0) / 5;
  });

  it('pretrains end to end: the loss falls and a checkpoint is written', () => {
    expect(lastLoss).toBeLessThan(firstLoss);
    expect(loadSeerMini(join(dir, 'model')).provenance.step).toBe(RECIPES.tiny.steps);
  });

  it('samples the same tokens for the same seed, and different ones for another seed', () => {
    const context = [model.encode([{ text: repromptContext('Make it look royal.', 'a cat') }])];
    const opts = { maxNewTokens: 12, temperature: 1, topP: 0.95 };
    const a = model.sampleText(context, { ...opts, seed: 5 });
    const b = model.sampleText(context, { ...opts, seed: 5 });
    const c = model.sampleText(context, { ...opts, seed: 6 });
    expect(a).toEqual(b);
    expect(a[0]!.tokens).not.toEqual(c[0]!.tokens);
  });

  it('respects the logits processor and top-p', () => {
    const ctx = [model.encode([{ text: '<user> draw: a red cat <assistant>' }]), model.encode([{ text: '<user> hello' }])];
    const imageStart = model.text.size;
    const out = sample(model.transformer, ctx, { maxNewTokens: 10, temperature: 1.5, topP: 1, seed: 1, logitsProcessor: (l) => l.fill(-Infinity, 0, imageStart) });
    for (const s of out) for (const t of s.tokens) expect(t).toBeGreaterThanOrEqual(imageStart);
    const greedy = sample(model.transformer, ctx, { maxNewTokens: 6, temperature: 1, topP: 1e-6, seed: 1 });
    const zeroTemp = sample(model.transformer, ctx, { maxNewTokens: 6, temperature: 0, topP: 1, seed: 2 });
    expect(greedy).toEqual(zeroTemp);
  });

  it('generates images of the declared size, deterministic per seed', () => {
    const a = model.generateImages(['a red cat', 'a blue fish'], [1, 2]);
    const b = model.generateImages(['a red cat', 'a blue fish'], [1, 2]);
    expect(a[0]!.data.length).toBe(32 * 32 * 3);
    expect(Buffer.from(a[1]!.data).equals(Buffer.from(b[1]!.data))).toBe(true);
  });

  it('round-trips a checkpoint exactly', () => {
    const other = join(dir, 'copy');
    saveSeerMini(other, model, { note: 'copy' });
    const loaded = loadSeerMini(other).model;
    const ctx = [model.encode([{ text: '<user> draw: a cat <assistant>' }])];
    const lp = (m: SeerMini) => noGrad(() => tidy(() => Array.from(m.completionLogProbs(ctx, [[5, 6, 7]]).logp.toFloat32())));
    expect(lp(loaded)).toEqual(lp(model));
    expect(() => loadSeerMini(join(dir, 'nowhere'))).toThrow(SeerError);
  });

  it('scores answers of different lengths after each context as one shared-prefix batch', () => {
    const contexts = [model.encode([{ text: '<user> draw: a cat <assistant>' }]), model.encode([{ text: '<user> hello <assistant>' }])];
    const answers = ['yes', 'a red cat </answer>'];
    const scores = model.scoreAnswers(contexts, answers);
    contexts.forEach((ctx, b) => answers.forEach((answer, k) => {
      const alone = noGrad(() => tidy(() => Array.from(model.completionLogProbs([ctx], [model.text.encode(answer)]).logp.toFloat32()))).reduce((s, v) => s + v, 0);
      expect(scores[b]![k]!).toBeCloseTo(alone, 4);
    }));
    expect(scores[0]![1]!).toBeLessThan(scores[0]![0]!); // the longer answer is less likely
  });

  it('decodes each distinct context once when greedy, giving every duplicate the same tokens', async () => {
    const { vi } = await import('vitest');
    const a = model.encode([{ text: repromptContext('Make it look royal.', 'a cat') }]);
    const b = model.encode([{ text: repromptContext('Make it look scary.', 'a dog') }]);
    const opts = { maxNewTokens: 8, temperature: 0, topP: 1, seed: 0 };
    const forward = model.transformer.hidden.bind(model.transformer);
    const rows: number[] = [];
    const hidden = vi.spyOn(model.transformer, 'hidden').mockImplementation((ids, pos, o) => (rows.push(ids.shape()[0]!), forward(ids, pos, o)));
    const out = model.sampleText([a, b, a, a], opts);
    hidden.mockRestore();
    expect(rows[0]).toBe(2); // the prefill of the two distinct contexts
    expect(rows.slice(1).every((n) => n === 2)).toBe(true); // and two rows per decoding step
    expect(out[2]!.tokens).toEqual(out[0]!.tokens);
    expect(out[3]!.tokens).toEqual(out[0]!.tokens);
    expect(out[0]!.tokens).toEqual(model.sampleText([a], opts)[0]!.tokens);
    expect(out[1]!.tokens).toEqual(model.sampleText([b], opts)[0]!.tokens);
  });

  it('samples and scores a batch larger than one chunk as one batch would', () => {
    // 71 rows, 70 distinct contexts: p0 twice (a GRPO-like group), then p1 … p69 → two chunks.
    const p = Array.from({ length: CHUNK_CONTEXTS + 6 }, (_, i) => model.encode([{ text: repromptContext('Make it look royal.', `a cat number ${i}`) }]));
    const contexts = [p[0]!, ...p];
    expect(contextChunks(contexts)).toEqual([[0, CHUNK_CONTEXTS + 1], [CHUNK_CONTEXTS + 1, CHUNK_CONTEXTS + 7]]);
    // The same last six rows at the same indices, but in a batch that is one chunk (7 distinct contexts).
    const oneChunk = [...Array.from({ length: CHUNK_CONTEXTS + 1 }, () => p[0]!), ...p.slice(CHUNK_CONTEXTS)];
    expect(contextChunks(oneChunk)).toEqual([[0, CHUNK_CONTEXTS + 7]]);
    const opts = { maxNewTokens: 6, temperature: 1, topP: 1, seed: 3 };
    const tail = (rows: { tokens: number[] }[]) => rows.slice(CHUNK_CONTEXTS + 1).map((r) => r.tokens);
    const chunked = model.sampleText(contexts, opts);
    expect(chunked).toHaveLength(contexts.length);
    // Each row draws from the stream of its index in the whole batch, whichever chunk it lands in.
    expect(tail(chunked)).toEqual(tail(model.sampleText(oneChunk, opts)));
    expect(new Set(tail(chunked).map((t) => t.join(','))).size).toBeGreaterThan(1);
    const scored = model.scoreAnswers(contexts, ['yes', 'no']);
    const direct = model.scoreAnswers(oneChunk, ['yes', 'no']);
    for (let i = CHUNK_CONTEXTS + 1; i < contexts.length; i++) expect(scored[i]![0]!).toBeCloseTo(direct[i]![0]!, 4);
  });

  it('keeps generation and understanding parameters in separate groups', () => {
    const gen = model.transformer.parameters.filter((p) => p.group === 'generation').map((p) => p.name);
    expect(gen).toEqual(['image_embedding', 'image_head']);
    expect(model.transformer.parameterCount('understanding')).toBeGreaterThan(model.transformer.parameterCount('generation'));
  });

  describe('as an ImageGenerator', () => {
    generatorConformance(() => new SeerMiniGenerator(model));
  });

  it('continues pretraining from a checkpoint: same tokenizers, weights start from it, and --init is required', async () => {
    const out = mkdtempSync(join(tmpdir(), 'seer-mini-continue-'));
    const recipe = { ...RECIPES.tiny, name: 'tiny-continue', init: true, steps: 2, lr: 1e-4, threads: 1 };
    await expect(pretrain({ recipe, outDir: out, quiet: true })).rejects.toThrow(/--init/);
    await expect(pretrain({ recipe: { ...RECIPES.tiny, threads: 1 }, outDir: out, initFrom: join(dir, 'model'), quiet: true })).rejects.toThrow(/from scratch/);
    const before = loadSeerMini(join(dir, 'model')).model;
    const { model: after } = await pretrain({ recipe, outDir: out, initFrom: join(dir, 'model'), quiet: true });
    expect(after.text.size).toBe(before.text.size);
    expect(after.image.size).toBe(before.image.size);
    const [w0, w1] = [before.transformer.exportWeights().get('h0.qkv.w')!.data, after.transformer.exportWeights().get('h0.qkv.w')!.data];
    let moved = 0;
    let largest = 0;
    for (let i = 0; i < w0.length; i++) {
      const delta = Math.abs(w1[i]! - w0[i]!);
      if (delta > 0) moved++;
      largest = Math.max(largest, delta);
    }
    expect(moved).toBeGreaterThan(0); // it trained
    expect(largest).toBeLessThan(2 * 2 * 1e-4 + 1e-6); // two AdamW steps of lr ≤ 1e-4 from the checkpoint, not a fresh init
    // A continuation keeps the judge setting it starts from unless its recipe sets one (the caption-checks recipes: read).
    expect(loadSeerMini(join(out, 'model')).model.judgeDescriptions).toBe(before.judgeDescriptions);
    const read = mkdtempSync(join(tmpdir(), 'seer-mini-read-'));
    await pretrain({ recipe: { ...recipe, steps: 1, judgeDescriptions: 'read' }, outDir: read, initFrom: join(dir, 'model'), quiet: true });
    expect(loadSeerMini(join(read, 'model')).model.judgeDescriptions).toBe('read');
    // Likewise the generator's guidance scale (1, none, unless a recipe sets one).
    expect(loadSeerMini(join(out, 'model')).model.imageGuidance).toBe(1);
    const guided = mkdtempSync(join(tmpdir(), 'seer-mini-guided-'));
    await pretrain({ recipe: { ...recipe, steps: 1, imageGuidance: 2.5 }, outDir: guided, initFrom: join(dir, 'model'), quiet: true });
    expect(loadSeerMini(join(guided, 'model')).model.imageGuidance).toBe(2.5);
  });

  it('rejects a corrupt safetensors file with a clear error', () => {
    const bytes = encodeSafetensors(new Map([['w', { shape: [2], data: new Float32Array([1, 2]) }]]));
    expect(decodeSafetensors(bytes).tensors.get('w')!.data).toEqual(new Float32Array([1, 2]));
    expect(() => decodeSafetensors(bytes.slice(0, 12))).toThrow(SeerError);
  });
});

/**
 * The transformer on its own: config defaults and validation, parameter groups and freezing,
 * per-token log-probs and entropy, and a weights + config checkpoint round trip.
 */
import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { readJson, writeJson } from '../core/io.ts';
import { T, engine, noGrad, tidy } from '../engine/torch.ts';
import { tokenLogProbs } from './logprobs.ts';
import { readSafetensors, writeSafetensors } from './safetensors.ts';
import { Transformer, transformerConfigSchema } from './transformer.ts';

engine.setup({ threads: 1, seed: 0 });
const small = { textVocab: 30, imageVocab: 10, dModel: 16, nLayers: 2, nHeads: 2, contextLength: 24, seed: 1 };

describe('Transformer', () => {
  it('fills described defaults and rejects a width the heads do not divide', () => {
    const c = transformerConfigSchema.parse({ textVocab: 10, imageVocab: 5 });
    expect(c).toMatchObject({ dModel: 128, nLayers: 4, nHeads: 4, contextLength: 256 });
    expect(transformerConfigSchema.shape.dModel.description).toMatch(/knob/);
    expect(() => new Transformer({ ...small, dModel: 15 })).toThrow(SeerError);
  });

  it('splits parameters into generation (image rows of embedding and head) and understanding', () => {
    const model = new Transformer(small);
    const groups = model.parameterGroups();
    expect(groups.map((g) => g.name)).toEqual(['generation', 'understanding']);
    expect(groups[0]!.parameters.map((p) => p.name)).toEqual(['image_embedding', 'image_head']);
    expect(model.parameterCount('generation')).toBe(2 * 10 * 16);
    expect(model.parameterCount()).toBe(model.parameterCount('generation') + model.parameterCount('understanding'));
  });

  it('frozen parameters stay bit-identical through an AdamW step with weight decay', () => {
    const model = new Transformer(small);
    model.setFrozen(['generation']);
    expect(model.parameterGroups().map((g) => g.frozen)).toEqual([true, false]);
    const before = new Map(model.parameters.map((p) => [p.name, p.tensor.toFloat32()]));
    // Hand the optimizer *every* tensor: freezing must hold even then.
    const opt = engine.adamW([{ params: model.parameters.map((p) => p.tensor), lr: 0.01, weightDecay: 0.1 }]);
    tidy(() => {
      // Completion tokens 31..35 are image codes, so the image rows would get gradients if trainable.
      const { logp } = tokenLogProbs(model, [[1, 2, 3]], [[31, 35, 4]]);
      T.neg(T.sum(logp)).backward();
    });
    opt.step();
    for (const p of model.parameters) {
      const same = Buffer.from(p.tensor.toFloat32().buffer).equals(Buffer.from(before.get(p.name)!.buffer));
      expect(same, p.name).toBe(p.group === 'generation');
    }
    expect(model.trainableParameters()).toHaveLength(model.parameters.length - 2);
    model.setFrozen([]);
    expect(model.parameters.every((p) => p.tensor.requiresGrad())).toBe(true);
  });

  it('per-token log-probs equal a full log-softmax, row by row, with entropy in [0, log V]', () => {
    const model = new Transformer(small);
    const contexts = [[1, 2, 3, 4], [5]];
    const completions = [[6, 7], [8, 9, 10]];
    const { logp, entropy, lengths } = noGrad(() => tidy(() => tokenLogProbs(model, contexts, completions)));
    expect(lengths).toEqual([2, 3]);
    expect(logp.shape()).toEqual([2, 3]);
    const lp = logp.toFloat32();
    const ent = entropy.toFloat32();
    contexts.forEach((ctx, b) => {
      const seq = [...ctx, ...completions[b]!];
      const full = noGrad(() => tidy(() => T.logSoftmax(model.forward(T.fromInt32(Int32Array.from(seq), [1, seq.length]), T.fromInt32(Int32Array.from(seq, (_, i) => i), [1, seq.length])), -1).toFloat32()));
      const V = model.vocabSize;
      completions[b]!.forEach((tok, k) => {
        const at = ctx.length - 1 + k;
        expect(lp[b * 3 + k]!).toBeCloseTo(full[at * V + tok]!, 5);
        expect(ent[b * 3 + k]!).toBeGreaterThan(0);
        expect(ent[b * 3 + k]!).toBeLessThanOrEqual(Math.log(V) + 1e-5);
      });
    });
    expect(Math.abs(lp[2]!)).toBe(0); // beyond row 0's length
    expect(Math.abs(ent[2]!)).toBe(0);
    expect(() => tokenLogProbs(model, [Array.from({ length: 20 }, () => 1)], [[1, 2, 3, 4, 5]])).toThrow(/context length/);
    expect(() => tokenLogProbs(model, [[]], [[1]])).toThrow(SeerError);
  });

  it('round-trips weights (safetensors) and config (JSON) exactly', () => {
    const dir = mkdtempSync(join(tmpdir(), 'seer-transformer-'));
    const model = new Transformer({ ...small, seed: 9 });
    writeSafetensors(join(dir, 'model.safetensors'), model.exportWeights(), { format: 'test' });
    writeJson(join(dir, 'config.json'), model.config);
    const loaded = new Transformer({ ...readJson(join(dir, 'config.json'), transformerConfigSchema), seed: 123 });
    const { tensors, metadata } = readSafetensors(join(dir, 'model.safetensors'));
    expect(metadata).toEqual({ format: 'test' });
    loaded.importWeights(tensors);
    const logits = (m: Transformer) => noGrad(() => tidy(() => m.forward(T.fromInt32(Int32Array.from([1, 2, 33]), [1, 3]), T.fromInt32(Int32Array.from([0, 1, 2]), [1, 3])).toFloat32()));
    expect(logits(loaded)).toEqual(logits(model));
    tensors.delete('ln_f.w');
    expect(() => new Transformer(small).importWeights(tensors)).toThrow(/ln_f\.w/);
  });
});

/**
 * Sampling: the KV cache and left padding give the same logits as recomputing the whole sequence;
 * rows sharing a context are prefilled once and forked; temperature and top-p shape the draw as
 * specified; the logits processor and stop tokens are obeyed; the same seed gives the same tokens. Runs on a randomly initialised model (no training).
 */
import { describe, expect, it, vi } from 'vitest';
import { Rng } from '../core/rng.ts';
import { T, engine, noGrad, tidy } from '../engine/torch.ts';
import { pick, sample } from './sampling.ts';
import { Transformer } from './transformer.ts';

engine.setup({ threads: 1, seed: 0 });
const model = new Transformer({ textVocab: 40, imageVocab: 24, dModel: 32, nLayers: 2, nHeads: 4, contextLength: 48, seed: 5 });
const V = model.vocabSize;

/** Logits of the last position, recomputing the whole unpadded sequence (no cache). */
function fullLogits(tokens: readonly number[], m: Transformer = model): Float32Array {
  return noGrad(() => tidy(() => {
    const L = tokens.length;
    const out = m.forward(T.fromInt32(Int32Array.from(tokens), [1, L]), T.fromInt32(Int32Array.from(tokens, (_, i) => i), [1, L]));
    return T.narrow(out, 1, L - 1, 1).toFloat32();
  }));
}

function frequencies(logits: number[], temperature: number, topP: number, draws = 4000): number[] {
  const rng = new Rng(11);
  const counts = logits.map(() => 0);
  for (let i = 0; i < draws; i++) counts[pick(Float32Array.from(logits), temperature, topP, rng)]! += 1;
  return counts.map((c) => c / draws);
}

describe('pick (temperature, top-p)', () => {
  const logits = [0.4, 0.3, 0.2, 0.1].map(Math.log);

  it('temperature 0 and a tiny top-p are greedy', () => {
    const rng = new Rng(1);
    for (let i = 0; i < 50; i++) {
      expect(pick(Float32Array.from([0.1, 2, -1, 1.9]), 0, 1, rng)).toBe(1);
      expect(pick(Float32Array.from([0.1, 2, -1, 1.9]), 1, 1e-6, rng)).toBe(1);
    }
  });

  it('samples the softmax at temperature 1', () => {
    const f = frequencies(logits, 1, 1);
    [0.4, 0.3, 0.2, 0.1].forEach((p, k) => expect(Math.abs(f[k]! - p), `token ${k}`).toBeLessThan(0.03));
  });

  it('top-p keeps the smallest set whose mass reaches p, renormalised', () => {
    const f = frequencies(logits, 1, 0.65); // 0.4 + 0.3 ≥ 0.65: tokens 0 and 1 only
    expect(f[2]).toBe(0);
    expect(f[3]).toBe(0);
    expect(Math.abs(f[0]! - 0.4 / 0.7)).toBeLessThan(0.03);
  });

  it('draws exactly what sorting every probability did, with masked and underflowing tokens', () => {
    // The nucleus as first written: the threshold from a sort of all V probabilities, zeros included.
    const sortAll = (row: Float32Array, temperature: number, topP: number, rng: Rng): number => {
      let best = 0;
      for (let k = 1; k < row.length; k++) if (row[k]! > row[best]!) best = k;
      const probs = Float64Array.from(row, (v) => (v === -Infinity ? 0 : Math.exp((v - row[best]!) / temperature)));
      const sum = probs.reduce((a, b) => a + b, 0);
      let threshold = Number.MIN_VALUE;
      const sorted = probs.slice().sort();
      let mass = 0;
      for (let i = sorted.length - 1; i >= 0; i--) {
        threshold = sorted[i]!;
        mass += threshold;
        if (mass >= topP * sum) break;
      }
      let total = 0;
      probs.forEach((p) => (p >= threshold ? (total += p) : 0));
      let r = rng.next() * total;
      let last = best;
      for (let k = 0; k < probs.length; k++) {
        if (probs[k]! < threshold) continue;
        last = k;
        r -= probs[k]!;
        if (r <= 0) return k;
      }
      return last;
    };
    const gen = new Rng(3);
    for (let trial = 0; trial < 300; trial++) {
      const row = Float32Array.from({ length: 60 }, (_, k) => (k < 20 && trial % 2 === 0 ? -Infinity : gen.normal() * (trial % 3 === 0 ? 400 : 3)));
      const [temperature, topP] = [[0.7, 0.9], [1, 0.5], [0.3, 0.999], [1, 0.05]][trial % 4]!;
      const a = new Rng(trial);
      const b = new Rng(trial);
      for (let d = 0; d < 5; d++) expect(pick(row.slice(), temperature!, topP!, a)).toBe(sortAll(row.slice(), temperature!, topP!, b));
    }
  });

  it('a higher temperature flattens and a lower one sharpens', () => {
    // T = 2: p ∝ √p → token 3 has 0.316 / 1.943 = 0.163; T = 0.5: p ∝ p² → token 0 has 0.16 / 0.30 = 0.533.
    expect(Math.abs(frequencies(logits, 2, 1)[3]! - 0.163)).toBeLessThan(0.03);
    expect(Math.abs(frequencies(logits, 0.5, 1)[0]! - 0.533)).toBeLessThan(0.03);
  });

  it('never draws a token whose logit is −Infinity', () => {
    const f = frequencies([0, -Infinity, 0, -Infinity], 3, 1, 500);
    expect(f[1]! + f[3]!).toBe(0);
  });
});

describe('sample (batched, KV cache)', () => {
  it('matches full recomputation at every step, with left-padded rows of different lengths', () => {
    const contexts = [[1, 2, 3, 4, 5], [6, 7]];
    const seen: Float32Array[][] = [[], []];
    const out = sample(model, contexts, { maxNewTokens: 8, temperature: 1, topP: 1, seed: 2, logitsProcessor: (l, row) => void seen[row]!.push(l.slice()) });
    contexts.forEach((ctx, b) => {
      const tokens = out[b]!.tokens;
      expect(tokens).toHaveLength(8);
      tokens.forEach((_, step) => {
        const reference = fullLogits([...ctx, ...tokens.slice(0, step)]);
        const cached = seen[b]![step]!;
        let diff = 0;
        for (let k = 0; k < V; k++) diff = Math.max(diff, Math.abs(cached[k]! - reference[k]!));
        expect(diff, `row ${b} step ${step}`).toBeLessThan(1e-4);
      });
    });
  });

  it('gives the same tokens for the same seed and different tokens for another', () => {
    const run = (seed: number) => sample(model, [[1, 2], [3, 4, 5]], { maxNewTokens: 20, temperature: 1, topP: 0.95, seed });
    expect(run(4)).toEqual(run(4));
    expect(run(4)[0]!.tokens).not.toEqual(run(5)[0]!.tokens);
  });

  it('obeys the logits processor (image codes only) and stops rows at a stop token', () => {
    const textVocab = model.config.textVocab;
    const imagesOnly = sample(model, [[1], [2, 3]], { maxNewTokens: 15, temperature: 1.5, topP: 1, seed: 1, logitsProcessor: (l) => l.fill(-Infinity, 0, textVocab) });
    for (const s of imagesOnly) for (const t of s.tokens) expect(t).toBeGreaterThanOrEqual(textVocab);
    // A token range draws exactly what −Infinity outside it draws (top-p too), and checks its bounds.
    for (const topP of [1, 0.8]) {
      const masked = sample(model, [[1], [2, 3]], { maxNewTokens: 15, temperature: 1.5, topP, seed: 1, logitsProcessor: (l) => l.fill(-Infinity, 0, textVocab) });
      expect(sample(model, [[1], [2, 3]], { maxNewTokens: 15, temperature: 1.5, topP, seed: 1, tokenRange: [textVocab, V] })).toEqual(masked);
    }
    expect(() => sample(model, [[1]], { maxNewTokens: 2, temperature: 1, topP: 1, seed: 1, tokenRange: [textVocab, V + 1] })).toThrow(/tokenRange/);
    const stop = 7;
    // Row 0 is forced to emit the stop token at its 4th step; row 1 may never emit it.
    const out = sample(model, [[1], [2]], {
      maxNewTokens: 10, temperature: 1, topP: 1, seed: 3, stopTokens: [stop],
      logitsProcessor: (l, row, generated) => {
        if (row === 0 && generated.length === 3) { l.fill(-Infinity); l[stop] = 0; }
        else l[stop] = -Infinity;
      },
    });
    expect(out[0]).toMatchObject({ truncated: false });
    expect(out[0]!.tokens).toHaveLength(4);
    expect(out[0]!.tokens[3]).toBe(stop);
    expect(out[1]).toMatchObject({ truncated: true });
    expect(out[1]!.tokens).toHaveLength(10);
  });

  it('prefills a shared context once and forks it: each row matches full recomputation and draws what it draws alone', () => {
    const a = [1, 2, 3, 4, 5, 6];
    const b = [7, 8];
    const contexts = [a, b, a, a, b];
    const rowSeeds = [11, 12, 13, 14, 15];
    const opts = { maxNewTokens: 10, temperature: 1, topP: 0.95, seed: 0, rowSeeds };
    const forward = model.hidden.bind(model);
    const shapes: number[][] = [];
    const hidden = vi.spyOn(model, 'hidden').mockImplementation((ids, pos, o) => (shapes.push(ids.shape()), forward(ids, pos, o)));
    const seen: Float32Array[][] = contexts.map(() => []);
    const out = sample(model, contexts, { ...opts, logitsProcessor: (l, row) => void seen[row]!.push(l.slice()) });
    hidden.mockRestore();
    expect(shapes[0]).toEqual([2, 6]); // the two distinct contexts, once each
    expect(shapes.slice(1).every((s) => s.join() === '5,1')).toBe(true); // then one token per row
    contexts.forEach((ctx, r) => {
      const tokens = out[r]!.tokens;
      tokens.forEach((_, step) => {
        const reference = fullLogits([...ctx, ...tokens.slice(0, step)]);
        let diff = 0;
        for (let k = 0; k < V; k++) diff = Math.max(diff, Math.abs(seen[r]![step]![k]! - reference[k]!));
        expect(diff, `row ${r} step ${step}`).toBeLessThan(1e-4);
      });
      expect(tokens, `row ${r}`).toEqual(sample(model, [ctx], { ...opts, rowSeeds: [rowSeeds[r]!] })[0]!.tokens);
    });
    expect(out[0]!.tokens).not.toEqual(out[2]!.tokens); // forked rows still draw their own streams
  });

  it('decodes equal groups against one shared copy of each prefix: every row matches full recomputation and draws what it draws alone', () => {
    // Weights ×10, so attention is far from uniform and a wrong prefix term shows in the logits.
    const model = new Transformer({ textVocab: 40, imageVocab: 24, dModel: 32, nLayers: 2, nHeads: 4, contextLength: 48, seed: 6 });
    noGrad(() => tidy(() => {
      for (const p of model.parameters) if (!p.name.includes('.ln') && !p.name.startsWith('ln_f')) p.tensor.copyFrom(T.mulScalar(p.tensor, 10));
    }));
    const a = [1, 2, 3, 4, 5, 6];
    const b = [7, 8, 9];
    const contexts = [a, b, a, b, b, a]; // interleaved, G = 3 each, different lengths (left padding in the prefix)
    const rowSeeds = [21, 22, 23, 24, 25, 26];
    const opts = { maxNewTokens: 9, temperature: 1, topP: 1, seed: 0, rowSeeds };
    const forward = model.hidden.bind(model);
    const cached: number[] = [];
    const hidden = vi.spyOn(model, 'hidden').mockImplementation((ids, pos, o) => {
      const result = forward(ids, pos, o);
      if (o?.cache?.prefix) expect(o.cache.keys[0]!.shape().slice(0, 3)).toEqual([6, 4, 9]); // own buffers: 6 rows × room for the 9 new tokens, no prefix copy
      cached.push(o?.cache?.prefix ? o.cache.length : -1);
      return result;
    });
    const seen: Float32Array[][] = contexts.map(() => []);
    const out = sample(model, contexts, { ...opts, logitsProcessor: (l, row) => void seen[row]!.push(l.slice()) });
    hidden.mockRestore();
    expect(cached[0]).toBe(-1); // the prefill of the two distinct contexts
    expect(cached.slice(1)).toEqual(cached.slice(1).map((_, i) => i + 1)); // then each row caches only its own tokens
    contexts.forEach((ctx, r) => {
      const tokens = out[r]!.tokens;
      tokens.forEach((_, step) => {
        const reference = fullLogits([...ctx, ...tokens.slice(0, step)], model);
        let diff = 0;
        for (let k = 0; k < V; k++) diff = Math.max(diff, Math.abs(seen[r]![step]![k]! - reference[k]!));
        expect(diff, `row ${r} step ${step}`).toBeLessThan(1e-4);
      });
      expect(tokens, `row ${r}`).toEqual(sample(model, [ctx], { ...opts, rowSeeds: [rowSeeds[r]!] })[0]!.tokens);
    });
    // One row per context (the plain cache, one query per decoding step) on the same sharp model.
    const single: Float32Array[][] = [[], []];
    const alone = sample(model, [a, b], { ...opts, rowSeeds: [1, 2], logitsProcessor: (l, row) => void single[row]!.push(l.slice()) });
    [a, b].forEach((ctx, r) => alone[r]!.tokens.forEach((_, step) => {
      const reference = fullLogits([...ctx, ...alone[r]!.tokens.slice(0, step)], model);
      let diff = 0;
      for (let k = 0; k < V; k++) diff = Math.max(diff, Math.abs(single[r]![step]![k]! - reference[k]!));
      expect(diff, `single row ${r} step ${step}`).toBeLessThan(1e-4);
    }));
  });

  it('never runs past the context length', () => {
    const out = sample(model, [Array.from({ length: 44 }, (_, i) => i % 30)], { maxNewTokens: 50, temperature: 1, topP: 1, seed: 1 });
    expect(out[0]!.tokens).toHaveLength(4);
    expect(out[0]!.truncated).toBe(true);
  });

  it('stops each row at its own room in the context: a long row does not cut a short one short, and rows draw what they draw alone', () => {
    const long = Array.from({ length: 44 }, (_, i) => i % 30);
    const short = Array.from({ length: 30 }, (_, i) => (i * 7) % 30);
    const full = Array.from({ length: 48 }, (_, i) => i % 30);
    const opts = { maxNewTokens: 50, temperature: 1, topP: 1, seed: 3, rowSeeds: [1, 2, 3] };
    const [a, b, c] = sample(model, [long, short, full], opts);
    expect(a!.tokens).toHaveLength(4);
    expect(b!.tokens).toHaveLength(18);
    expect(c!.tokens).toHaveLength(0);
    expect([a, b, c].every((r) => r!.truncated)).toBe(true);
    expect(sample(model, [short], { ...opts, rowSeeds: [2] })[0]!.tokens).toEqual(b!.tokens);
  });
});

describe('per-row seeds', () => {
  it('a row with its own seed samples the same tokens alone or in any batch', () => {
    const ctx = [1, 2, 3, 4];
    const other = [5, 6, 7, 8];
    const opts = { maxNewTokens: 12, temperature: 1, topP: 1, seed: 0 };
    const alone = sample(model, [ctx], { ...opts, rowSeeds: [42] })[0]!.tokens;
    const inBatch = sample(model, [other, ctx, other], { ...opts, rowSeeds: [7, 42, 9] })[1]!.tokens;
    expect(inBatch).toEqual(alone);
    const otherSeed = sample(model, [ctx], { ...opts, rowSeeds: [43] })[0]!.tokens;
    expect(otherSeed).not.toEqual(alone);
  });
});

describe('classifier-free guidance', () => {
  it('draws from u + s · (c − u) at every step, u the logits after the unconditional context and the same tokens', () => {
    const contexts = [[1, 2, 3, 4, 5], [6, 7, 8]];
    const unconditional = [[1, 9], [1, 9]];
    const scale = 2.5;
    const seen: Float32Array[][] = [[], []];
    const out = sample(model, contexts, { maxNewTokens: 6, temperature: 1, topP: 1, seed: 3, guidance: { scale, contexts: unconditional }, logitsProcessor: (l, row) => void seen[row]!.push(l.slice()) });
    contexts.forEach((ctx, b) => {
      const tokens = out[b]!.tokens;
      expect(tokens).toHaveLength(6);
      tokens.forEach((_, step) => {
        const c = fullLogits([...ctx, ...tokens.slice(0, step)]);
        const u = fullLogits([...unconditional[b]!, ...tokens.slice(0, step)]);
        let diff = 0;
        for (let k = 0; k < V; k++) diff = Math.max(diff, Math.abs(seen[b]![step]![k]! - (u[k]! + scale * (c[k]! - u[k]!))));
        expect(diff, `row ${b} step ${step}`).toBeLessThan(1e-3);
      });
    });
  });

  it('with the unconditional context equal to the context, draws exactly what sampling without guidance draws', () => {
    const contexts = [[1, 2, 3], [4, 5, 6, 7]];
    const opts = { maxNewTokens: 10, temperature: 1, topP: 0.9, seed: 0, rowSeeds: [5, 6] };
    const guided = sample(model, contexts, { ...opts, guidance: { scale: 3, contexts } });
    expect(guided).toEqual(sample(model, contexts, opts));
  });

  it('changes the draw when the unconditional context differs, and refuses a mismatched batch', () => {
    const contexts = [[1, 2, 3], [4, 5, 6, 7]];
    const opts = { maxNewTokens: 10, temperature: 0, topP: 1, seed: 0 };
    const guided = sample(model, contexts, { ...opts, guidance: { scale: 8, contexts: [[9], [9]] } });
    expect(guided.map((s) => s.tokens)).not.toEqual(sample(model, contexts, opts).map((s) => s.tokens));
    expect(() => sample(model, contexts, { ...opts, guidance: { scale: 2, contexts: [[9]] } })).toThrow(/unconditional/);
  });
});

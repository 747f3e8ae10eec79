/**
 * The memoising image generator: one draw per distinct (prompt, seed) within a call and across
 * calls, rows in order, a bounded cache — and, on a real (untrained) SEER-Mini, exactly the images
 * the unwrapped generator draws.
 */
import { describe, expect, it } from 'vitest';
import { engine } from '../engine/torch.ts';
import { ImageTokenizer } from '../model/image-tokenizer.ts';
import { TextTokenizer } from '../model/text-tokenizer.ts';
import { Transformer } from '../model/transformer.ts';
import { SeerMini } from '../model/umm.ts';
import type { RgbImage } from '../image/image.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import { memoiseImages } from './image-cache.ts';

/** A fake generator: a 1×1 image whose pixel encodes (prompt length, seed); records every call. */
function fake() {
  const calls: [string[], number[]][] = [];
  const generate = async (prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> => {
    calls.push([[...prompts], [...seeds]]);
    return prompts.map((p, i) => ({ width: 1, height: 1, data: Uint8Array.from([p.length, seeds[i]!, 0]) }));
  };
  return { calls, generate };
}

describe('memoiseImages', () => {
  it('draws each distinct (prompt, seed) once per call and reuses it in later calls', async () => {
    const { calls, generate } = fake();
    const images = memoiseImages(generate);
    const first = await images(['a cat', 'a cat', 'a dog', 'a cat'], [1, 1, 1, 2]);
    expect(calls).toEqual([[['a cat', 'a dog', 'a cat'], [1, 1, 2]]]);
    expect(first.map((im) => Array.from(im.data))).toEqual([[5, 1, 0], [5, 1, 0], [5, 1, 0], [5, 2, 0]]);
    const second = await images(['a dog', 'a cow', 'a cat'], [1, 1, 1]);
    expect(calls[1]).toEqual([['a cow'], [1]]);
    expect(second[0]).toBe(first[2]);
    expect(images.stats()).toEqual({ hits: 3, draws: 4 });
  });

  it('keeps at most maxEntries images, dropping the least recently used', async () => {
    const { calls, generate } = fake();
    const images = memoiseImages(generate, { maxEntries: 2 });
    await images(['a', 'b'], [0, 0]);
    await images(['a'], [0]); // a is now the most recent
    await images(['c'], [0]); // evicts b
    await images(['a', 'b'], [0, 0]);
    expect(calls.map(([p]) => p)).toEqual([['a', 'b'], ['c'], ['b']]);
  });

  it('returns exactly what SEER-Mini draws unwrapped', async () => {
    engine.setThreads(1);
    const text = TextTokenizer.fromWords(['a', 'cat', 'dog', 'red', 'blue']);
    const image = ImageTokenizer.train([renderSpec(defaultSpec('cat')), renderSpec(defaultSpec('dog'))], { codes: 8, iterations: 2 });
    const model = new SeerMini(new Transformer({ textVocab: text.size, imageVocab: image.size, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 96 }), text, image);
    const images = memoiseImages(async (p, s) => model.generateImages(p, s));
    const prompts = ['a red cat', 'a blue dog', 'a red cat', 'a red cat'];
    const seeds = [3, 3, 3, 4];
    const got = await images(prompts, seeds);
    const want = prompts.map((p, i) => model.generateImages([p], [seeds[i]!])[0]!);
    got.forEach((im, i) => expect(Buffer.from(im.data).equals(Buffer.from(want[i]!.data)), `row ${i}`).toBe(true));
    expect(Buffer.from(got[0]!.data).equals(Buffer.from(got[3]!.data))).toBe(false); // another seed, another image
  });
});

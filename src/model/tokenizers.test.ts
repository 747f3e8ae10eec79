import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { TextTokenizer } from './text-tokenizer.ts';
import { ImageTokenizer } from './image-tokenizer.ts';
import { renderSpec } from '../world/render.ts';
import { randomSpec } from '../world/spec.ts';
import { Rng } from '../core/rng.ts';

describe('text tokenizer', () => {
  const tok = TextTokenizer.train(['a red wooden cat with big eyes, at night.', 'make it look scary']);

  it('encodes known words as single tokens and round-trips', () => {
    const ids = tok.encode('a red cat, at night.');
    expect(ids).toHaveLength(7);
    expect(tok.decode(ids)).toBe('a red cat, at night.');
  });

  it('spells unknown words with characters instead of losing them', () => {
    const ids = tok.encode('a resplendent cat');
    expect(ids.length).toBeGreaterThan(3);
    expect(tok.decode(ids)).toBe('a resplendent cat');
  });

  it('keeps special tokens whole', () => {
    const ids = tok.encode('<think>scary</think><answer>a cat</answer>');
    expect(ids[0]).toBe(tok.id('<think>'));
    expect(tok.decode(ids, { keepSpecial: true })).toBe('<think>scary</think><answer>a cat</answer>');
  });

  it('never throws and round-trips any lower-case word sequence', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      tok.decode(tok.encode(s));
    }));
    fc.assert(fc.property(fc.array(fc.stringMatching(/^[a-z0-9]{1,8}$/), { maxLength: 8 }), (words) => {
      expect(tok.decode(tok.encode(words.join(' ')))).toBe(words.join(' '));
    }));
  });

  it('survives JSON serialisation', () => {
    const again = TextTokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(again.vocab).toEqual(tok.vocab);
  });
});

describe('image tokenizer', () => {
  const rng = new Rng(2);
  const images = Array.from({ length: 60 }, (_, i) => renderSpec(randomSpec(rng), { seed: i }));
  const tok = ImageTokenizer.train(images, { codes: 32, iterations: 4, seed: 1 });

  it('turns a 32×32 image into 64 codes within the codebook and back', () => {
    const codes = tok.encode(images[0]!);
    expect(codes).toHaveLength(64);
    expect(codes.every((c) => c >= 0 && c < 32)).toBe(true);
    const back = tok.decode(codes);
    expect(back.data.length).toBe(32 * 32 * 3);
  });

  it('reconstructs better than a flat grey image', () => {
    const image = images[1]!;
    const back = tok.decode(tok.encode(image));
    const err = (a: Uint8Array, b: (i: number) => number) => a.reduce((s, v, i) => s + (v - b(i)) ** 2, 0) / a.length;
    expect(err(image.data, (i) => back.data[i] as number)).toBeLessThan(err(image.data, () => 128) / 3);
  });

  it('survives JSON serialisation', () => {
    const again = ImageTokenizer.fromJSON(JSON.parse(JSON.stringify(tok.toJSON())));
    expect(again.encode(images[2]!)).toEqual(tok.encode(images[2]!));
  });
});

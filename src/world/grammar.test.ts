import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { captionOf, parseCaption } from './grammar.ts';
import { ACCESSORIES, BACKGROUNDS, COLOURS, EYES, MATERIALS, MOUTHS, STYLES, SUBJECTS, type SceneSpec } from './spec.ts';

const specArb: fc.Arbitrary<SceneSpec> = fc.record({
  subject: fc.option(fc.constantFrom(...SUBJECTS), { nil: null }),
  material: fc.constantFrom(...MATERIALS),
  colour: fc.constantFrom(...COLOURS),
  style: fc.constantFrom(...STYLES),
  accessory: fc.constantFrom(...ACCESSORIES),
  eyes: fc.constantFrom(...EYES),
  mouth: fc.constantFrom(...MOUTHS),
  blush: fc.boolean(),
  background: fc.constantFrom(...BACKGROUNDS),
});

describe('descriptor grammar', () => {
  it('round-trips every spec with a subject through its caption', () => {
    fc.assert(
      fc.property(specArb.filter((s) => s.subject !== null), (spec) => {
        const parsed = parseCaption(captionOf(spec));
        expect(parsed.spec).toEqual(spec);
        expect(parsed.unknownWords).toEqual([]);
      }),
      { numRuns: 2000 },
    );
  });

  it('caption → spec → caption is the identity on canonical captions', () => {
    fc.assert(
      fc.property(specArb.filter((s) => s.subject !== null), (spec) => {
        const caption = captionOf(spec);
        expect(captionOf(parseCaption(caption).spec)).toBe(caption);
      }),
    );
  });

  it('writes the expected canonical caption', () => {
    const spec: SceneSpec = {
      subject: 'cat', material: 'wood', colour: 'red', style: 'pixel', accessory: 'crown', eyes: 'big', mouth: 'fangs',
      blush: false, background: 'night',
    };
    expect(captionOf(spec)).toBe('a red wooden cat with a golden crown, big eyes and fangs, pixel art, at night');
  });

  it('does not read "red eyes" as a colour and keeps the subject default colour', () => {
    const parsed = parseCaption('a cat with red eyes');
    expect(parsed.spec.eyes).toBe('red');
    expect(parsed.spec.colour).toBe('orange');
  });

  it('reports unknown words of an eloquent but unrealisable text', () => {
    const parsed = parseCaption('a resplendent cat of crystalline opulence');
    expect(parsed.spec.subject).toBe('cat');
    expect(parsed.unknownWords).toEqual(['resplendent', 'of', 'crystalline', 'opulence']);
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (text) => {
      parseCaption(text);
    }));
  });
});

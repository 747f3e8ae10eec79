import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS } from './instructions.ts';
import { CONCEPT_WORDS, cuePhrase } from './knowledge.ts';
import { longWording, wordBag } from './long-wordings.ts';
import { all, cues, is, none, ruleConcepts } from './rules.ts';
import { freshWording, knowledgeCheckInstruction } from './wordings.ts';

describe('long instruction wordings', () => {
  it("words every rule the templates word, naming each concept by one of its words, in many sentences", () => {
    const rng = new Rng(7);
    for (const ins of TRAIN_INSTRUCTIONS) {
      const template = freshWording(new Rng(1), ins.rule);
      const texts = new Set<string>();
      for (let i = 0; i < 40; i++) {
        const text = longWording(rng, ins.rule);
        if (template === null) break;
        expect(text, ins.text).not.toBeNull();
        texts.add(text!);
        for (const concept of ruleConcepts(ins.rule)) expect(CONCEPT_WORDS[concept].some((w) => text!.includes(w)), `${text} names ${concept}`).toBe(true);
        expect(text).toMatch(/^[A-Z].*\.$/);
        expect(text).not.toMatch(/\ba [aeiou]/);
      }
      if (template !== null && ins.rule.kind !== 'is') expect(texts.size, ins.text).toBeGreaterThanOrEqual(3); // (a slot value has one to three frames)
    }
  });

  it('names a slot value by its descriptor words and joins two parts the way the rule does', () => {
    const rng = new Rng(8);
    for (let i = 0; i < 30; i++) {
      expect(longWording(rng, is('material', 'wood'))).toMatch(/\bwood\b/);
      expect(longWording(rng, is('accessory', 'tophat'))).toContain(cuePhrase({ attr: 'accessory', value: 'tophat' }));
      expect(longWording(rng, all(is('material', 'plush'), cues('fierce')))).toMatch(/^(Render it in|Make it out of|Build the object from) plush/);
      expect(longWording(rng, all(cues('refined', 2), none('crude')))).toMatch(/without anything|nothing about it/);
    }
    expect(longWording(rng, is('colour', 'red', 'brown'))).toBeNull();
    expect(longWording(rng, all(is('material', 'plain'), is('style', 'normal'), cues('striking')))).toBeNull();
  });

  it('never writes a paraphrase nor an OOD text, in any order of its words', () => {
    const unwritten = new Set([...OOD_INSTRUCTIONS.map((ins) => ins.text), ...[...TRAIN_INSTRUCTIONS, ...OOD_INSTRUCTIONS].flatMap((ins) => ins.paraphrases)].map(wordBag));
    expect(unwritten.has(wordBag('Make it look high-tech and futuristic.'))).toBe(true); // the OOD text, its words swapped
    const rng = new Rng(9);
    let written = 0;
    for (let i = 0; i < 4000; i++) {
      const rule = i % 2 ? rng.pick(TRAIN_INSTRUCTIONS).rule : knowledgeCheckInstruction(rng).rule;
      const text = longWording(rng, rule);
      if (text === null) continue;
      written++;
      expect(unwritten.has(wordBag(text)), text).toBe(false);
    }
    expect(written).toBeGreaterThan(3500);
  });

  it('a word bag ignores order, case and punctuation only', () => {
    expect(wordBag('Make it cute, yet scary.')).toBe(wordBag('make it scary yet CUTE'));
    expect(wordBag('Make it cute.')).not.toBe(wordBag('Make it cute too.'));
  });
});

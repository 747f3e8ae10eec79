import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { CONCEPTS } from './concepts.ts';
import { OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS, findInstruction } from './instructions.ts';
import { CONCEPT_WORDS, cuePhrase } from './knowledge.ts';
import { all, cues, elaborate, is, none, ruleConcepts } from './rules.ts';
import { defaultSpec } from './spec.ts';
import { freshWording, knowledgeCheckInstruction, ruleKeywords, ruleRecall } from './wordings.ts';


describe('instruction wordings', () => {
  it('rewords every concept-only training rule with one of the words of each of its concepts, in several ways', () => {
    const rng = new Rng(3);
    let reworded = 0;
    for (const ins of TRAIN_INSTRUCTIONS) {
      const texts = new Set<string>();
      for (let i = 0; i < 30; i++) {
        const text = freshWording(rng, ins.rule);
        if (text === null) break;
        texts.add(text);
        for (const concept of ruleConcepts(ins.rule)) expect(CONCEPT_WORDS[concept].some((w) => text.includes(w)), `${text} names ${concept}`).toBe(true);
        expect(text).toMatch(/^[A-Z].*\.$/);
        expect(text).not.toMatch(/\ba [aeiou]/); // "an icy look", not "a icy look"
      }
      if (texts.size > 0) reworded++;
      if (texts.size > 0) expect(texts.size, ins.text).toBeGreaterThanOrEqual(3);
    }
    expect(reworded).toBe(59); // every training rule but "simple and plain, yet eye-catching"
    expect(freshWording(rng, is('colour', 'red', 'brown'))).toBeNull();
    expect(freshWording(rng, is('material', 'ice'), { conceptsOnly: true })).toBeNull();
    expect(freshWording(rng, all(is('material', 'plush'), cues('fierce')), { conceptsOnly: true })).toBeNull();
    expect(freshWording(rng, all(cues('scary'), cues('cute')), { conceptsOnly: true })).toMatch(/,|but|still/);
    expect(freshWording(rng, all(is('style', 'normal'), cues('fierce')))).toBeNull();
  });

  it('never writes an out-of-distribution instruction text nor any paraphrase (they stay unread wordings)', () => {
    const ood = new Set([...OOD_INSTRUCTIONS.map((ins) => ins.text), ...[...TRAIN_INSTRUCTIONS, ...OOD_INSTRUCTIONS].flatMap((ins) => ins.paraphrases)]);
    const rng = new Rng(4);
    for (let i = 0; i < 3000; i++) {
      const text = freshWording(rng, rng.pick(TRAIN_INSTRUCTIONS).rule);
      if (text !== null) expect(ood.has(text), text).toBe(false);
    }
  });

  it('words a rule of the knowledge corpus over any concept, one a scene can follow, never an OOD text nor a paraphrase', () => {
    const rng = new Rng(5);
    const concepts = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ins = knowledgeCheckInstruction(rng);
      const known = findInstruction(ins.text); // a training instruction's own text at most (the same rule, in words pretraining shows)
      if (known) expect([known.split, known.text], ins.text).toEqual(['id', ins.text]);
      expect(elaborate(ins.rule, defaultSpec('dog'), rng), ins.text).not.toBeNull();
      for (const concept of ruleConcepts(ins.rule)) {
        concepts.add(concept);
        expect(CONCEPT_WORDS[concept].some((w) => ins.text.includes(w)), `${ins.text} names ${concept}`).toBe(true);
      }
    }
    expect(concepts.size).toBe(Object.keys(CONCEPTS).length); // the OOD concepts too
  });

  it("recalls what a rule wants in the generator's descriptor words", () => {
    expect(ruleRecall(is('material', 'ice'))).toBe('ice');
    expect(ruleRecall(is('colour', 'red', 'brown'))).toBe('red or brown');
    expect(ruleRecall(is('material', 'plain'))).toBe('plain material');
    const scaryCute = ruleRecall(all(cues('scary'), cues('cute')));
    expect(scaryCute).toBe(`one of ${CONCEPTS.scary.map(cuePhrase).join(', ')} and one of ${CONCEPTS.cute.map(cuePhrase).join(', ')}`);
    expect(ruleRecall(cues('royal', 2))).toMatch(/^two of a golden crown, purple, /);
    expect(ruleRecall(none('crude'))).toMatch(/^none of pencil sketch, /);
  });

  it("copies the instruction's own words for what it asks, or names the part when the text does not", () => {
    expect(ruleKeywords(cues('cheerful', 2), 'Make it appear cheerful and bright.')).toEqual(['cheerful']);
    expect(ruleKeywords(all(cues('scary'), cues('cute')), 'Make it look menacing but adorable.')).toEqual(['menacing', 'adorable']);
    expect(ruleKeywords(is('material', 'wood'), 'Make it a carving in wood.')).toEqual(['wood']);
    expect(ruleKeywords(is('material', 'stone'), 'Sculpt it from rough granite.')).toEqual(['stone']);
    expect(ruleKeywords(is('accessory', 'tophat'), 'Give it a tall black top hat.')).toEqual(['top hat']);
    expect(ruleKeywords(cues('lonely', 2), 'Make this picture convey loneliness.')).toEqual([CONCEPT_WORDS.lonely[0]]);
  });
});

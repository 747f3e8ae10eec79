import { describe, expect, it } from 'vitest';
import { CONCEPTS, type Concept } from './concepts.ts';
import { CONCEPT_WORDS, ELOQUENT, knowledgeCorpus } from './knowledge.ts';
import { parseCaption } from './grammar.ts';
import { Rng } from '../core/rng.ts';

describe('knowledge corpus', () => {
  const corpus = knowledgeCorpus(new Rng(1));

  it('mentions every concept, OOD ones included', () => {
    const text = corpus.join(' ').toLowerCase();
    for (const concept of Object.keys(CONCEPTS) as Concept[]) {
      expect(CONCEPT_WORDS[concept].some((w) => text.includes(w.toLowerCase())), concept).toBe(true);
    }
  });

  it('is deterministic per seed and varies its phrasing', () => {
    expect(knowledgeCorpus(new Rng(1))).toEqual(corpus);
    const openings = new Set(corpus.map((s) => s.split(' ').slice(0, 2).join(' ')));
    expect(openings.size).toBeGreaterThan(8);
  });

  it('has eloquent phrases the generator cannot read', () => {
    for (const phrases of Object.values(ELOQUENT)) {
      for (const phrase of phrases) expect(parseCaption(`a cat, ${phrase}`).unknownWords.length, phrase).toBeGreaterThan(0);
    }
  });
});

import { describe, expect, it } from 'vitest';
import { TEST_PROMPTS, TRAIN_PROMPTS, VALIDATION_PROMPTS, contentWords } from './prompts.ts';
import { parseCaption } from './grammar.ts';
import { SUBJECTS, SUBJECTS_TEST, SUBJECTS_TRAIN, defaultSpec } from './spec.ts';

describe('prompts', () => {
  it('has at least 24 subjects split into disjoint train and test vocabularies', () => {
    expect(SUBJECTS.length).toBeGreaterThanOrEqual(24);
    expect(SUBJECTS_TRAIN.filter((s) => (SUBJECTS_TEST as readonly string[]).includes(s))).toEqual([]);
    const train = contentWords(TRAIN_PROMPTS);
    const test = contentWords(TEST_PROMPTS);
    expect([...train].filter((w) => test.has(w))).toEqual([]);
  });

  it('holds validation prompts out of both splits: training subjects in the test wording', () => {
    const texts = new Set([...TRAIN_PROMPTS, ...TEST_PROMPTS].map((p) => p.text));
    expect(VALIDATION_PROMPTS.filter((p) => texts.has(p.text))).toEqual([]);
    expect(VALIDATION_PROMPTS.every((p) => (SUBJECTS_TRAIN as readonly string[]).includes(p.subject))).toBe(true);
  });

  it('parses every prompt to the plain picture of its subject', () => {
    for (const p of [...TRAIN_PROMPTS, ...TEST_PROMPTS, ...VALIDATION_PROMPTS]) {
      expect(parseCaption(p.text).spec, p.text).toEqual(defaultSpec(p.subject));
    }
  });
});

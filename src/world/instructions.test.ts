import { describe, expect, it } from 'vitest';
import { ALL_INSTRUCTIONS, CATEGORIES, OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS, findInstruction, paraphraseOf } from './instructions.ts';
import { elaborate, evaluateRule } from './rules.ts';
import { SUBJECTS, defaultSpec } from './spec.ts';
import { Rng } from '../core/rng.ts';

const TABLE_6_AND_7 = [
  'Transform it so it is carved entirely out of ice.',
  'Show it through a grainy surveillance footage.',
  "Place a golden crown on the object's head or top.",
  "Place a golden crown on the object's head.",
  'Make it look more refined and carefully made.',
  'Make the object look scary, yet undeniably cute.',
  'Make this image more memorable.',
  'Transform it so it is made of polished mahogany wood.',
  'Render it in the style of 8-bit retro pixel art.',
  'Transform the object into a die-cut sticker with a white border.',
  'Give it a rugged, heavy industrial aesthetic.',
  'Render it as cheap plastic, yet make it appear precious and luxurious.',
  'Make this image convey a sense of impending danger.',
];

describe('instructions', () => {
  it('has 10 training instructions per category and enough OOD ones for the test split', () => {
    for (const category of CATEGORIES) {
      expect(TRAIN_INSTRUCTIONS.filter((i) => i.category === category)).toHaveLength(10);
    }
    const oodCounts = Object.fromEntries(CATEGORIES.map((c) => [c, OOD_INSTRUCTIONS.filter((i) => i.category === c).length]));
    expect(oodCounts.material).toBeGreaterThanOrEqual(3);
    expect(oodCounts.perspective).toBeGreaterThanOrEqual(3);
    expect(oodCounts.semantic).toBeGreaterThanOrEqual(2);
    expect(oodCounts.attribute).toBeGreaterThanOrEqual(4);
    expect(oodCounts.constraint).toBeGreaterThanOrEqual(4);
    expect(oodCounts.conceptual).toBeGreaterThanOrEqual(4);
  });

  it('gives each instruction its paraphrase, which names the same instruction, and leaves an unknown text as it is', () => {
    for (const ins of ALL_INSTRUCTIONS) {
      const asked = paraphraseOf(ins.text);
      expect(asked).not.toBe(ins.text);
      expect(findInstruction(asked)?.id).toBe(ins.id);
    }
    expect(paraphraseOf('Make it hum a tune.')).toBe('Make it hum a tune.');
  });

  it('contains every example of the paper verbatim, in the right split', () => {
    for (const text of TABLE_6_AND_7) expect(findInstruction(text), text).toBeDefined();
    expect(findInstruction('Make the object look scary, yet undeniably cute.')?.split).toBe('id');
    expect(findInstruction('Make this image convey a sense of impending danger.')?.split).toBe('ood');
  });

  it('has unique ids and texts, and paraphrases for every instruction', () => {
    expect(new Set(ALL_INSTRUCTIONS.map((i) => i.id)).size).toBe(ALL_INSTRUCTIONS.length);
    expect(new Set(ALL_INSTRUCTIONS.map((i) => i.text)).size).toBe(ALL_INSTRUCTIONS.length);
    for (const ins of ALL_INSTRUCTIONS) expect(ins.paraphrases.length).toBeGreaterThan(0);
  });

  it('every instruction can be elaborated for every subject', () => {
    const rng = new Rng(3);
    for (const ins of ALL_INSTRUCTIONS) {
      for (const subject of SUBJECTS) {
        const base = defaultSpec(subject);
        const elaborated = elaborate(ins.rule, base, rng);
        expect(elaborated, `${ins.id} on ${subject}`).not.toBeNull();
        expect(evaluateRule(ins.rule, elaborated!).satisfied).toBe(true);
        expect(elaborated!.subject).toBe(subject);
      }
    }
  });

  it('scores partial compliance between 0 and 1', () => {
    const scaryCute = findInstruction('Make the object look scary, yet undeniably cute.')!;
    const onlyScary = { ...defaultSpec('cat'), mouth: 'fangs' as const };
    const result = evaluateRule(scaryCute.rule, onlyScary);
    expect(result.satisfied).toBe(false);
    expect(result.score).toBe(0.5);
    const both = { ...onlyScary, eyes: 'big' as const };
    expect(evaluateRule(scaryCute.rule, both)).toEqual({ satisfied: true, score: 1 });
  });
});

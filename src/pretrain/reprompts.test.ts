import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { recalledPhrases, saysPhrase } from '../model/templates.ts';
import { parseCaption } from '../world/grammar.ts';
import { TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { TRAIN_PROMPTS } from '../world/prompts.ts';
import { evaluateRule } from '../world/rules.ts';
import { pretrainPrompt } from './mix.ts';
import { baseReprompt, carriedReprompt } from './reprompts.ts';

describe('reprompt-format examples', () => {
  it('base reprompts mostly fail as in A.4.3 (Types I and III) while the reasoning often recalls the meaning', () => {
    const rng = new Rng(7);
    const n = 2000;
    let concatenated = 0;
    let promptOnly = 0;
    let captions = 0;
    let recalls = 0;
    for (let i = 0; i < n; i++) {
      const ins = rng.pick(TRAIN_INSTRUCTIONS);
      const prompt = rng.pick(TRAIN_PROMPTS);
      const { think, answer } = baseReprompt(rng, ins, prompt);
      if (answer === prompt.text) promptOnly++;
      else if (answer.endsWith(prompt.text) && answer.startsWith(ins.text.toLowerCase().slice(0, 10))) concatenated++;
      else {
        // An applied cue is a caption of the prompt's subject in the generator's language.
        expect(parseCaption(answer).spec.subject).toBe(prompt.subject);
        captions++;
      }
      if (/often has|that means/.test(think)) recalls++;
    }
    expect(concatenated / n).toBeGreaterThan(0.4);
    expect(promptOnly / n).toBeGreaterThan(0.3);
    expect(captions / n).toBeGreaterThan(0.15);
    expect(captions / n).toBeLessThan(0.25);
    expect(recalls / n).toBeGreaterThan(0.4);
  });

  it('carried reprompts: the answer keeps the subject, follows the instruction and says every cue its reasoning recalled', () => {
    const rng = new Rng(9);
    let recalled = 0;
    for (let i = 0; i < 1000; i++) {
      const ins = rng.pick(TRAIN_INSTRUCTIONS);
      const prompt = pretrainPrompt(rng);
      const { think, answer } = carriedReprompt(rng, ins, prompt);
      const spec = parseCaption(answer).spec;
      expect(spec.subject).toBe(prompt.subject);
      expect(evaluateRule(ins.rule, spec).satisfied).toBe(true);
      expect(think.startsWith(`the user wants ${prompt.text}.`)).toBe(true);
      const phrases = recalledPhrases(think);
      for (const phrase of phrases) expect(saysPhrase(answer, phrase)).toBe(true);
      if (phrases.length > 0) recalled++;
    }
    // Only an instruction that asks for nothing but the absence of a concept recalls nothing.
    expect(recalled / 1000).toBeGreaterThan(0.85);
  });
});

import { describe, expect, it } from 'vitest';
import { TextOnlyReprompter } from './reprompter.ts';
import { reprompterConformance } from '../../roles/conformance.testkit.ts';
import { parseCaption } from '../../world/grammar.ts';

describe('TextOnlyReprompter', () => {
  reprompterConformance(() => new TextOnlyReprompter());

  it('keeps the prompt and adds knowledge about the instruction, some of it unrealisable', async () => {
    const reprompter = new TextOnlyReprompter();
    const requests = ['Make the object look scary, yet undeniably cute.', 'Make this image feel mysterious.', 'Make it look royal.', 'Make it look magical.']
      .map((instruction) => ({ instruction, prompt: 'a vintage teapot' }));
    const out = await reprompter.reprompt(requests, { seed: 2 });
    let unknown = 0;
    for (const r of out) {
      expect(r.reprompt.startsWith('a vintage teapot')).toBe(true);
      expect(r.reprompt.split(' ').length).toBeGreaterThan(6);
      unknown += parseCaption(r.reprompt).unknownWords.length;
    }
    expect(unknown).toBeGreaterThan(0);
  });
});

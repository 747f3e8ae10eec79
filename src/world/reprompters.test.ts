import { describe, expect, it } from 'vitest';
import { NaiveReprompter, OracleReprompter } from './reprompters.ts';
import { reprompterConformance } from '../roles/conformance.testkit.ts';
import { parseCaption } from './grammar.ts';
import { findInstruction } from './instructions.ts';
import { evaluateRule } from './rules.ts';

describe('NaiveReprompter', () => {
  reprompterConformance(() => new NaiveReprompter());
  it('concatenates instruction and prompt', async () => {
    expect(await new NaiveReprompter().reprompt([{ instruction: 'Make it blue.', prompt: 'a cat' }])).toEqual([{ reprompt: 'Make it blue. a cat' }]);
  });
});

describe('OracleReprompter', () => {
  reprompterConformance(() => new OracleReprompter());
  it('writes a concrete caption that satisfies the instruction and keeps the subject', async () => {
    const instruction = 'Make the object look scary, yet undeniably cute.';
    const [out] = await new OracleReprompter().reprompt([{ instruction, prompt: 'a tiny robot on the shelf' }], { seed: 3 });
    const parsed = parseCaption(out!.reprompt);
    expect(parsed.spec.subject).toBe('robot');
    expect(parsed.unknownWords).toEqual([]);
    expect(evaluateRule(findInstruction(instruction)!.rule, parsed.spec).satisfied).toBe(true);
  });
});

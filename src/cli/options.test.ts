import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { SeerError } from '../core/errors.ts';
import { checkChoice, parseHeldInstructionCount } from './options.ts';

describe('CLI option parsers', () => {
  it('--val-held-instructions takes a multiple of 5 up to 20 and names the rule otherwise', () => {
    for (const n of [0, 5, 10, 20]) expect(parseHeldInstructionCount(String(n))).toBe(n);
    for (const bad of ['7', '25', '-5', 'ten']) expect(() => parseHeldInstructionCount(bad)).toThrow(InvalidArgumentError);
    expect(() => parseHeldInstructionCount('7')).toThrow(/multiple of 5 up to 20/);
  });

  it('a flag of a few names returns the name it was given and names every choice otherwise', () => {
    expect(checkChoice('--model', 'one', ['copies', 'one'])).toBe('one');
    expect(() => checkChoice('--model', 'two', ['copies', 'one'])).toThrow(SeerError);
    expect(() => checkChoice('--model', 'two', ['copies', 'one'])).toThrow('--model must be "copies" or "one", got "two"');
    expect(() => checkChoice('--replay-stages', 'none', ['both', 'stage1', 'stage2'])).toThrow('--replay-stages must be "both", "stage1" or "stage2", got "none"');
  });
});

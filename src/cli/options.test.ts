import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from 'commander';
import { parseHeldInstructionCount } from './options.ts';

describe('CLI option parsers', () => {
  it('--val-held-instructions takes a multiple of 5 up to 20 and names the rule otherwise', () => {
    for (const n of [0, 5, 10, 20]) expect(parseHeldInstructionCount(String(n))).toBe(n);
    for (const bad of ['7', '25', '-5', 'ten']) expect(() => parseHeldInstructionCount(bad)).toThrow(InvalidArgumentError);
    expect(() => parseHeldInstructionCount('7')).toThrow(/multiple of 5 up to 20/);
  });
});

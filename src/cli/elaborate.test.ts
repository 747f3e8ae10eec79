import { describe, expect, it } from 'vitest';
import { buildProgram } from './main.ts';

describe('seer elaborate input checks', () => {
  for (const [flag, args] of [
    ['instruction', ['--instruction', '   ', '--prompt', 'a cat']],
    ['prompt', ['--instruction', 'Make it cute.', '--prompt', '']],
  ] as const) {
    it(`rejects an empty or whitespace-only --${flag} before loading any model`, async () => {
      const run = buildProgram().parseAsync(['node', 'seer', 'elaborate', ...args, '--out', '/nonexistent/never-written']);
      await expect(run).rejects.toMatchObject({ name: 'SeerError', code: 'bad_input', message: expect.stringContaining(`--${flag} is empty`) });
    });
  }
});

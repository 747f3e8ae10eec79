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
  it('rejects an unknown --by before loading any model', async () => {
    const run = buildProgram().parseAsync(['node', 'seer', 'elaborate', '--instruction', 'Make it cute.', '--prompt', 'a cat', '--by', 'vibes', '--out', '/nonexistent/never-written']);
    await expect(run).rejects.toMatchObject({ code: 'bad_input', message: expect.stringContaining('--by must be "verdict" or "reading"') });
  });
});

describe('seer elaborate --run', () => {
  it("draws with the run's base for three copies and with its Stage-2 model for one model", async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { writeJson } = await import('../core/io.ts');
    const { runCheckpoints } = await import('./elaborate.ts');
    const run = (model?: string) => {
      const dir = mkdtempSync(join(tmpdir(), 'seer-elaborate-'));
      writeJson(join(dir, 'config.json'), { recipe: 'default', seed: 0, checkpoint: '/base', recipeSettings: {}, ...(model ? { model } : {}) });
      writeJson(join(dir, 'stage2-model', 'config.json'), {});
      return dir;
    };
    for (const [model, drawer] of [[undefined, 'base'], ['copies', 'base'], ['one', 'stage2']] as const) {
      const dir = run(model);
      expect(await runCheckpoints(dir)).toEqual({ reprompter: join(dir, 'stage2-model'), judge: join(dir, 'stage1-model'), generator: drawer === 'base' ? '/base' : join(dir, 'stage2-model') });
    }
    await expect(runCheckpoints(mkdtempSync(join(tmpdir(), 'seer-elaborate-')))).rejects.toThrow(/not a finished `seer run` folder/);
  });
});

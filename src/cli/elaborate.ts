/** `seer elaborate`: think → reprompt → generate with a SEER-Mini checkpoint; naive and SEER images side by side. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { checkChoice, checkpointOption, parsePositiveInteger, seedOption, startEngine, threadsOption } from './options.ts';

export function registerElaborateCommands(program: Command): void {
  program
    .command('elaborate')
    .description('reprompt an (instruction, prompt) with SEER-Mini and draw the naive and SEER images')
    .requiredOption('--instruction <text>', 'visual instruction, e.g. "Make the object look scary, yet undeniably cute."')
    .requiredOption('--prompt <text>', 'prompt, e.g. "a cat"')
    .option('--run <dir>', 'a finished `seer run`: reprompt with its Stage-2 model, judge with its Stage-1 model, draw with its base (with --model one, with its Stage-2 model)')
    .addOption(checkpointOption('SEER-Mini checkpoint that reprompts (default: the shipped base)'))
    .option('--judge <dir>', 'checkpoint whose judge picks among candidates (default: same as --checkpoint)')
    .option('--generator <dir>', 'checkpoint whose frozen generator draws (default: the shipped base)')
    .option('--out <dir>', 'folder for naive.png, seer.png, side-by-side.png and result.json', 'runs/elaborate')
    .addOption(seedOption())
    .option('--best-of <n>', 'sample N reprompts, keep the one the model\'s own judge prefers', parsePositiveInteger, 1)
    .option('--rounds <k>', 'retry until the own judge prefers the reprompt over the naive image, up to K rounds', parsePositiveInteger, 1)
    .option('--by <chooser>', "what picks among reprompts: verdict (the judge's preference over the naive image) or reading (the judge's own caption checks of each draft's text and drawn image; with --rounds K each round draws the draft that reads best, checked first for what the last image failed, until an image reads right; with one round all N are drawn)", 'verdict')
    .addOption(threadsOption())
    .action(async (opts: { instruction: string; prompt: string; run?: string; checkpoint?: string; judge?: string; generator?: string; out: string; seed: number; bestOf: number; rounds: number; by: string; threads: number }) => {
      checkChoice('--by', opts.by, ['verdict', 'reading']);
      for (const flag of ['instruction', 'prompt'] as const) {
        if (opts[flag].trim() === '') throw new SeerError('bad_input', `--${flag} is empty: give the ${flag === 'instruction' ? 'visual instruction, e.g. --instruction "Make the object look scary, yet undeniably cute."' : 'prompt to elaborate, e.g. --prompt "a cat"'}`);
      }
      const { loadSeerMini } = await import('../model/checkpoint.ts');
      const { SeerMiniGenerator } = await import('../model/generator.ts');
      const { SeerJudge, SeerReader, SeerReprompter } = await import('../seer/roles.ts');
      const { elaborate } = await import('../seer/elaborate.ts');
      const { refineMany } = await import('../seer/refine.ts');
      const { writePng } = await import('../image/image.ts');
      const { writeJson } = await import('../core/io.ts');
      await startEngine(opts.threads);
      const fromRun: Partial<Awaited<ReturnType<typeof runCheckpoints>>> = opts.run ? await runCheckpoints(opts.run) : {};
      const reprompterDir = opts.checkpoint ?? fromRun.reprompter;
      const model = loadSeerMini(reprompterDir).model;
      const judgeDir = opts.judge ?? fromRun.judge;
      const judgeModel = judgeDir ? loadSeerMini(judgeDir).model : model;
      const drawer = loadSeerMini(opts.generator ?? fromRun.generator).model;
      const roles = { reprompter: new SeerReprompter(model), generator: new SeerMiniGenerator(drawer), judge: new SeerJudge(judgeModel) };
      const request = { instruction: opts.instruction, prompt: opts.prompt, seed: opts.seed };
      const result: Awaited<ReturnType<typeof elaborate>> & { trace?: string[] } = opts.by === 'reading'
        ? (await refineMany([request], { ...roles, reader: new SeerReader(judgeModel), drafts: opts.bestOf, draws: opts.rounds === 1 ? opts.bestOf : 1, rounds: opts.rounds }))[0]!
        : await elaborate({ ...request, ...roles, bestOf: opts.bestOf, rounds: opts.rounds });
      writePng(join(opts.out, 'naive.png'), result.naiveImage, 4);
      writePng(join(opts.out, 'seer.png'), result.seerImage, 4);
      const side = { width: 64 + 4, height: 32, data: new Uint8Array(68 * 32 * 3).fill(255) };
      for (let y = 0; y < 32; y++)
        for (let x = 0; x < 32; x++)
          for (let c = 0; c < 3; c++) {
            side.data[(y * 68 + x) * 3 + c] = result.naiveImage.data[(y * 32 + x) * 3 + c] as number;
            side.data[(y * 68 + x + 36) * 3 + c] = result.seerImage.data[(y * 32 + x) * 3 + c] as number;
          }
      writePng(join(opts.out, 'side-by-side.png'), side, 4);
      writeJson(join(opts.out, 'result.json'), { instruction: opts.instruction, prompt: opts.prompt, reasoning: result.reasoning, reprompt: result.reprompt, preference: result.preference, candidates: result.candidates, rounds: result.rounds, ...(result.trace ? { trace: result.trace } : {}) });
      for (const line of result.trace ?? []) process.stdout.write(`${line}\n`);
      process.stdout.write(`reasoning: ${result.reasoning}\nreprompt:  ${result.reprompt}\nown judge prefers it over naive with p = ${result.preference.toFixed(2)} (${result.candidates} candidate(s), ${result.rounds} round(s))\nimages:    ${join(opts.out, 'side-by-side.png')} (naive | SEER)\n`);
    });
}

/** The three checkpoints of a finished run: Stage-2 reprompter, Stage-1 judge, and the generator (the base; one model: the Stage-2 model). */
export async function runCheckpoints(run: string): Promise<{ reprompter: string; judge: string; generator: string }> {
  if (!existsSync(join(run, 'config.json')) || !existsSync(join(run, 'stage2-model', 'config.json'))) throw new SeerError('not_found', `${run} is not a finished \`seer run\` folder (no config.json or stage2-model/)`);
  const { readRunConfig } = await import('../run/eval-parts.ts'); // (the run layer loads the engine: not at start-up)
  const config = readRunConfig(run);
  return { reprompter: join(run, 'stage2-model'), judge: join(run, 'stage1-model'), generator: config.model === 'one' ? join(run, 'stage2-model') : config.checkpoint };
}

/** `seer data …`: build the VIE dataset. */
import type { Command } from 'commander';
import { checkChoice, checkpointOption, parseHeldInstructionCount, parseNonNegativeInteger, parsePositiveInteger, seedOption } from './options.ts';
import { addEndpointOptions, endpointConfig } from './external.ts';

export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('datasets');
  const build = data
    .command('build')
    .description('build the VIE train/test sets (600 candidates → filter → 300; 40 test instructions)')
    .requiredOption('--out <dir>', 'output folder')
    .addOption(seedOption())
    .option('--test-prompts <n>', 'prompts per test instruction', parsePositiveInteger, 3)
    .option('--val-instructions <n>', 'validation instructions, Simple:Hard 2:3 (at most 50)', parsePositiveInteger, 20)
    .option('--val-prompts <n>', 'validation prompts per validation instruction', parsePositiveInteger, 2)
    .option('--val-subjects <n>', 'training subjects held out of RL for validation (0: validation uses every training subject)', parseNonNegativeInteger, 3)
    .option('--val-held-instructions <n>', 'training instructions held out of RL for validation, asked there in their paraphrase, a multiple of 5 up to 20 (0: RL trains on every training instruction)', parseHeldInstructionCount, 0)
    .option('--human-decisions <file>', 'decisions.jsonl from `seer humaneval decisions` (rejected candidates are dropped)')
    .option('--image-source <name>', 'renderer | model (SEER-Mini\'s generator, keeps only what it can realise)', 'renderer')
    .addOption(checkpointOption('with --image-source model: the SEER-Mini checkpoint (default: the shipped base)'))
    .option('--json', 'print the summary as JSON');
  addEndpointOptions(build, 'check-', 'automated check by an external chat model with image input, instead of the oracle (A.1.2)');
  build.action(async (opts: Record<string, unknown> & { out: string; seed: number; testPrompts: number; valInstructions: number; valPrompts: number; valSubjects: number; valHeldInstructions: number; humanDecisions?: string; imageSource: string; checkpoint?: string; json?: boolean }) => {
    const { buildVie, formatSummary } = await import('../data/vie.ts');
    const checkConfig = endpointConfig(opts, 'check-');
    let source;
    if (checkChoice('--image-source', opts.imageSource, ['renderer', 'model']) === 'model') {
      const { loadSeerMini } = await import('../model/checkpoint.ts');
      const { SeerMiniGenerator } = await import('../model/generator.ts');
      source = new SeerMiniGenerator(loadSeerMini(opts.checkpoint).model);
    }
    const summary = await buildVie(
      opts.out,
      { seed: opts.seed, testPromptsPerInstruction: opts.testPrompts, valInstructions: opts.valInstructions, valPromptsPerInstruction: opts.valPrompts, valSubjects: opts.valSubjects, valHeldInstructions: opts.valHeldInstructions, ...(opts.humanDecisions ? { humanDecisions: opts.humanDecisions } : {}) },
      { ...(source ? { source } : {}), ...(checkConfig ? { autoCheck: new (await import('../backends/openai/feasibility.ts')).ChatFeasibilityCheck(checkConfig) } : {}) },
    );
    process.stdout.write(opts.json ? `${JSON.stringify(summary)}\n` : `${formatSummary(summary)}\n\nwrote ${opts.out}/vie-train.jsonl, vie-val.jsonl and vie-test.jsonl\n`);
  });
}

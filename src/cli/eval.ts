/** `seer eval …`: measurements of models on the VIE world. */
import { Option, type Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { addEndpointOptions, endpointConfig } from './external.ts';
import { checkpointOption, parsePositiveInteger, seedOption, startEngine, threadsOption } from './options.ts';

export function registerEvalCommands(program: Command): void {
  const evalCmd = program.command('eval').description('evaluate models on the VIE world');
  evalCmd
    .command('base')
    .description('measure the cognitive gap of a checkpoint: generator, naive vs elaborated, zero-shot judge and reprompter')
    .addOption(checkpointOption('SEER-Mini checkpoint (default: the shipped base)'))
    .option('--data <dir>', 'VIE dataset folder (built there if missing)', 'runs/vie')
    .addOption(new Option('--split <split>', 'rows to measure the gap, judge and reprompter on: validation (for choosing) or test (for the final report)').choices(['validation', 'test']).default('test'))
    .addOption(seedOption())
    .option('--json', 'print JSON only')
    .addOption(threadsOption())
    .action(async (opts: { checkpoint?: string; data: string; split: 'validation' | 'test'; seed: number; json?: boolean; threads: number }) => {
      const { loadSeerMini } = await import('../model/checkpoint.ts');
      const { evaluateBase } = await import('../eval/base.ts');
      await startEngine(opts.threads);
      if (!existsSync(join(opts.data, 'vie-test.jsonl'))) {
        const { buildVie } = await import('../data/vie.ts');
        await buildVie(opts.data, { seed: opts.seed }, { quiet: opts.json ?? false });
      }
      if (opts.split === 'validation' && !existsSync(join(opts.data, 'vie-val.jsonl'))) {
        const { SeerError } = await import('../core/errors.ts');
        throw new SeerError('not_found', `${join(opts.data, 'vie-val.jsonl')} not found: this dataset predates the validation split; rebuild it with \`seer data build --out ${opts.data}\``);
      }
      const { model } = loadSeerMini(opts.checkpoint);
      const result = await evaluateBase(model, opts.data, { seed: opts.seed, quiet: opts.json ?? false, split: opts.split });
      process.stdout.write(`${JSON.stringify(result, null, opts.json ? 0 : 2)}\n`);
    });
  evalCmd
    .command('run')
    .description('evaluate a finished `seer run` on any VIE-format test file: Tables 1–5, failure types, inference variants')
    .requiredOption('--run <dir>', 'a run folder written by `seer run`')
    .option('--testset <file>', 'VIE-format test JSONL (default: the run\'s own data/vie-test.jsonl); quadruplet images resolve against its folder')
    .option('--out <dir>', 'output folder (default: RUN/eval-<testset name>)')
    .option('--image-seeds <n>', 'image seeds per test case (default: the run recipe\'s)', parsePositiveInteger)
    .option('--jobs <n>', 'processes: 2 computes parts of the evaluation in a second one beside the rest (one thread each; 1 with --image-seeds), 1 all here', parsePositiveInteger, 2)
    .addOption(threadsOption('libtorch threads of this process', 1))
    .action(async (opts: { run: string; testset?: string; out?: string; imageSeeds?: number; jobs: number; threads: number }) => {
      const { evaluateRunToFolder } = await import('../run/evaluate.ts');
      if (opts.jobs > 2) throw new SeerError('bad_input', `--jobs must be 1 or 2, got ${opts.jobs}`);
      await startEngine(opts.threads, 1);
      const { outDir, results } = await evaluateRunToFolder(opts.run, { ...(opts.testset ? { testset: opts.testset } : {}), ...(opts.out ? { outDir: opts.out } : {}), ...(opts.imageSeeds ? { imageSeeds: opts.imageSeeds } : {}), parts: opts.jobs === 2 && !opts.imageSeeds ? 'child' : 'here', say: (message) => process.stderr.write(`seer eval: ${message}\n`) });
      process.stdout.write(`evaluated ${results.testset ?? opts.run} → ${join(outDir, 'results.json')}, report.md, report.html\n`);
    });

  evalCmd
    .command('part')
    .description("one part of a finished run's evaluation as JSON — base / stage1: that model's Table 1 on the test renders and the base generator's images, and its Tables 4-5 (stage1 needs Stage 1); inference: best-of-N and multi-round (needs Stage 2). `seer run` and `seer eval run` compute these in a second process")
    .argument('<name>', 'base | stage1 | inference')
    .requiredOption('--run <dir>', 'a run folder written by `seer run`')
    .requiredOption('--result <file>', 'where the JSON goes')
    .option('--testset <file>', "VIE-format test JSONL (default: the run's own data/vie-test.jsonl)")
    .addOption(threadsOption('libtorch threads', 1))
    .action(async (name: string, opts: { run: string; result: string; testset?: string; threads: number }) => {
      const { EVALUATION_PARTS, runPart } = await import('../run/eval-parts.ts');
      const { writeJson } = await import('../core/io.ts');
      if (!(name in EVALUATION_PARTS)) throw new SeerError('bad_input', `unknown part "${name}": ${Object.keys(EVALUATION_PARTS).join(' | ')}`);
      await startEngine(opts.threads, 1);
      const started = Date.now();
      const result = await runPart(name as keyof typeof EVALUATION_PARTS, opts.run, { ...(opts.testset ? { testset: opts.testset } : {}), say: (message: string) => process.stderr.write(`seer eval: ${message}\n`) });
      writeJson(opts.result, result);
      process.stdout.write(`${name} part of ${opts.run} → ${opts.result} (${((Date.now() - started) / 1000).toFixed(0)} s)\n`);
    });

  const versusCmd = evalCmd
    .command('versus')
    .description('Tables 2–3 against a real model: SEER vs an external reprompter (through SEER\'s generator) or an external UMM (its own images), pairwise-judged')
    .option('--data <dir>', 'VIE dataset folder (built there if missing)', 'runs/vie')
    .addOption(checkpointOption('SEER-Mini checkpoint whose reprompter is SEER (default: the shipped base)'))
    .option('--generator-checkpoint <dir>', 'frozen generator for SEER (and Table 2 baselines); default: --checkpoint')
    .option('--kind <kind>', 'reprompter (Table 2) | umm (Table 3: it draws the naive prompt) | umm-think (it reprompts, then draws)', 'reprompter')
    .option('--limit <n>', 'use the first N test rows', parsePositiveInteger)
    .option('--image-seeds <n>', 'image seeds per test row', parsePositiveInteger, 1)
    .addOption(seedOption())
    .addOption(threadsOption())
    .option('--json', 'print JSON only');
  addEndpointOptions(versusCmd, '', 'the baseline (required)');
  addEndpointOptions(versusCmd, 'judge-', 'an external judge instead of the oracle');
  versusCmd.action(async (opts: Record<string, unknown> & { data: string; checkpoint?: string; generatorCheckpoint?: string; kind: string; limit?: number; imageSeeds: number; seed: number; threads: number; json?: boolean }) => {
    const { SeerError } = await import('../core/errors.ts');
    const { BASELINE_KINDS, versus, formatVersus } = await import('../eval/versus.ts');
    if (!(BASELINE_KINDS as readonly string[]).includes(opts.kind)) throw new SeerError('bad_input', `--kind must be one of ${BASELINE_KINDS.join(', ')}, got "${opts.kind}"`);
    const baseline = endpointConfig(opts, '');
    if (!baseline) throw new SeerError('bad_input', 'seer eval versus needs --base-url and --model for the baseline (e.g. a vLLM server, or another `seer serve`)');
    const judgeConfig = endpointConfig(opts, 'judge-');
    const { loadSeerMini } = await import('../model/checkpoint.ts');
    const { SeerReprompter } = await import('../seer/roles.ts');
    const { SeerMiniGenerator } = await import('../model/generator.ts');
    const { OpenAIJudge, OpenAIReprompter, OpenAIImageGenerator } = await import('../backends/openai/models.ts');
    const { OracleJudge } = await import('../oracle/judge.ts');
    const { readJsonl } = await import('../core/io.ts');
    const { testRowSchema } = await import('../data/schemas.ts');
    const { evaluationImageSeeds } = await import('../eval/win-ratio.ts');
    await startEngine(opts.threads);
    if (!existsSync(join(opts.data, 'vie-test.jsonl'))) {
      const { buildVie } = await import('../data/vie.ts');
      await buildVie(opts.data, { seed: opts.seed }, { quiet: opts.json ?? false });
    }
    const rows = readJsonl(join(opts.data, 'vie-test.jsonl'), testRowSchema).slice(0, opts.limit);
    const seerModel = loadSeerMini(opts.checkpoint).model;
    const drawer = opts.generatorCheckpoint ? loadSeerMini(opts.generatorCheckpoint).model : seerModel;
    const result = await versus({
      rows,
      kind: opts.kind as (typeof BASELINE_KINDS)[number],
      seer: new SeerReprompter(seerModel),
      generator: new SeerMiniGenerator(drawer),
      external: { name: baseline.model, reprompter: new OpenAIReprompter(baseline), generator: new OpenAIImageGenerator(baseline) },
      judge: judgeConfig ? new OpenAIJudge(judgeConfig) : new OracleJudge(),
      imageSeeds: evaluationImageSeeds(opts.seed, opts.imageSeeds),
      seed: opts.seed,
    });
    process.stdout.write(opts.json ? `${JSON.stringify(result)}\n` : `${formatVersus(result)}\n`);
  });
}

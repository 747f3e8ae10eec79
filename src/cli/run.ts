/** `seer run`: the main job — Stage 1, Stage 2 and every table, from the shipped base checkpoint. */
import type { Command } from 'commander';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { JUDGE_DESCRIPTIONS } from '../model/templates.ts';
import { REPLAY_TASKS } from '../pretrain/mix.ts';
import { checkChoice, checkpointOption, parseHeldInstructionCount, parseInteger, parseNonNegative, parseNonNegativeInteger, parseShare, seedOption, startEngine, threadsOption } from './options.ts';

export function registerRunCommands(program: Command): void {
  program
    .command('run')
    .description('the main job: dataset → Stage 1 (RLVR) → Stage 2 (RLMT) → Tables 1–5 → results.json, report.md, report.html')
    .option('--recipe <name>', 'default | smoke', 'default')
    .option('--out <dir>', 'run folder', 'runs/seer')
    .addOption(seedOption('training seed (GRPO sampling and updates)', 0))
    .option('--data-seed <n>', 'dataset and evaluation seed: keep it fixed across training seeds so they share one test set', parseInteger, 0)
    .option('--model <name>', "one (one SEER model, as in the paper: Stage 2 starts from Stage 1, and the final weights reprompt and draw; the default) or copies (the base weights draw, a Stage-1 copy judges, Stage 2 reprompts from the base: the ablation)", 'one')
    .option('--policy-init <name>', "with --model copies, Stage 2 starts from base (the default) or stage1")
    .option('--curriculum <name>', "Stage 1's curriculum: full (phase 1, then phase 2: the paper) or phase2 (phase 2 alone: the ablation)", 'full')
    .option('--stage1-graded-pairs <n>', "pairs of two of a row's negatives per training row in Stage 1's phase 2, the better by the world's order labelled right (beyond the paper)", parseNonNegativeInteger, 0)
    .option('--stage1-other-subject-pairs <n>', "pairs per training row in Stage 1's phase 2 of a subject-keeping negative over another subject's plain picture, which loses the subject and ignores the instruction (beyond the paper; default 1, preferred to 0 on validation)", parseNonNegativeInteger, 1)
    .option('--stage1-reward <name>', "Stage 1's verdict reward: binary (the paper's 0/1) or soft (0/1 plus the judge's probability of the label after its own reasoning)", 'binary')
    .option('--stage2-orders <name>', "how Stage 2's reward asks the frozen judge about each (reprompt, naive) pair: both (both orders; a split verdict is a tie, 0.5; beyond the paper, the default) or seeded (once, each group in one seeded order: the paper)", 'both')
    .option('--stage2-reward <name>', "Stage 2's preference reward: binary (the judge's verdict, a tie 0.5: the paper's) or soft (its probability of preferring the reprompt's image, both orders averaged)", 'binary')
    .option('--stage2-subject-check <weight>', "weight of a Stage-2 reward for reprompts whose text the frozen evaluator's own subject check reads as showing the prompt's subject (0 = off; beyond the paper; default 0.5, preferred to off on validation)", parseNonNegative, 0.5)
    .option('--stage2-image-reading <weight>', "weight of a Stage-2 reward for the frozen evaluator's own reading of the image a reprompt drew: subject 2/3, instruction 1/3 (0 = off; beyond the paper; default 1, preferred to off on validation)", parseNonNegative, 1)
    .option('--stage2-image-reading-of <what>', 'what of the image reading pays: both (subject 2/3, instruction 1/3) or subject (its subject check alone)', 'both')
    .option('--stage2-fresh-wordings <share>', "share of Stage 2's training rows asked in a fresh wording of their instruction's rule, never an instruction's paraphrase nor an OOD text (0 = off; beyond the paper)", parseShare, 0)
    .option('--stage2-versus-peers <weight>', "weight of a Stage-2 reward for the frozen judge's verdicts on a reprompt's image against the images of its group's neighbours (0 = off; beyond the paper)", parseNonNegative, 0)
    .option('--stage2-versus-initial <weight>', "weight of a Stage-2 reward for the frozen judge's verdict on a reprompt's image against the image of the policy's own reprompt of the row before Stage 2 (0 = off; beyond the paper)", parseNonNegative, 0)
    .option('--stage2-epochs <n>', "passes of Stage 2 over the training rows (default: the recipe's, 1; the paper: 10)", parseNonNegative)
    .option('--val-subjects <n>', "training subjects the VIE build holds out of RL for validation, so validation asks for subjects RL never saw, as the test does (default 3; 0: validation uses every training subject, as before 2026-12-06 night)", parseNonNegativeInteger)
    .option('--val-held-instructions <n>', "training instructions the VIE build holds out of RL for validation, asked there in their paraphrase, so validation asks for instruction texts RL never trained on, as the test's OOD half does (a multiple of 5 up to 20; default: the recipe's, 10 for default, 0 for smoke)", parseHeldInstructionCount)
    .option('--stage2-generations <G>', "Stage 2's GRPO group size: completions per prompt (default: the recipe's, 16, preferred to 8 on validation over five seeds)", parseNonNegativeInteger)
    .option('--stage2-learning-rate <lr>', "Stage 2's learning rate (default: the recipe's, 3e-4)", parseNonNegative)
    .option('--stage2-temperature <t>', "Stage 2's sampling temperature for the policy's rollouts (default: 1)", parseNonNegative)
    .option('--stage2-recall-carried <weight>', "weight of a Stage-2 reward for the share of the descriptors a reprompt's own reasoning recalled (\"that means stone\") that its answer says (0 = off; beyond the paper)", parseNonNegative, 0)
    .option('--stage2-recall-carried-gate <gate>', "when the recall-carried reward pays: none (always) or subject (only when the frozen evaluator's reading of the drawn image shows the prompt's subject)", 'none')
    .option('--stage1-loss <tokens>', "tokens Stage 1's GRPO loss sees: answer (only the verdict after the reasoning, at an eighth of the learning rates; chosen on validation) or completion (the paper)", 'answer')
    .option('--judge-descriptions <source>', "where the judge's descriptions of the two images come from: written (in its own reasoning, the paper), captioned (the model's caption of each image alone, opening that reasoning) or read (those captions and the model's own checks of each); default: the checkpoint's own (the shipped base: read)")
    .option('--replay <weight>', 'pretraining replay: weight of a text-to-image loss on 8 examples a step (default 0.5; 0 = off; beyond the paper, for --model one)', parseNonNegative, 0.5)
    .option('--replay-stages <stages>', 'the stages that replay: both, stage1 or stage2', 'both')
    .option('--replay-tasks <tasks>', "comma-separated pretraining tasks replayed: t2i (drawing), reprompt_format (the base model's reprompts), vqa (yes/no questions about an image); a task listed twice gets twice the examples", 't2i')
    .option('--image-source <name>', "what draws the training pool: generator (the base model's own images, oracle-filtered: paper A.1.2) or render", 'generator')
    .addOption(checkpointOption('base SEER-Mini checkpoint (default: the shipped one)'))
    .option('--resume', 'continue a killed run in --out')
    .addOption(threadsOption("libtorch threads of the main process (1: the judge tables run beside Stages 1 and 2 in a second process of one thread, on the other core)", 1))
    .action(async (opts: { recipe: string; out: string; seed: number; dataSeed: number; imageSource: string; model: string; policyInit?: string; curriculum: string; replayStages: string; replayTasks: string; stage1Reward: string; stage1GradedPairs: number; stage1OtherSubjectPairs: number; stage1Loss: string; stage2Orders: string; stage2Reward: string; stage2SubjectCheck: number; stage2ImageReading: number; stage2ImageReadingOf: string; stage2RecallCarried: number; stage2RecallCarriedGate: string; stage2VersusInitial: number; stage2VersusPeers: number; stage2FreshWordings: number; stage2Epochs?: number; valSubjects?: number; valHeldInstructions?: number; stage2Generations?: number; stage2Temperature?: number; stage2LearningRate?: number; judgeDescriptions?: string; replay: number; checkpoint?: string; resume?: boolean; threads: number }) => {
      const recipe = checkChoice('--recipe', opts.recipe, ['default', 'smoke']);
      const model = checkChoice('--model', opts.model, ['copies', 'one']);
      const policyInit = opts.policyInit === undefined ? undefined : checkChoice('--policy-init', opts.policyInit, ['base', 'stage1']);
      const curriculum = checkChoice('--curriculum', opts.curriculum, ['full', 'phase2']);
      const replayStages = checkChoice('--replay-stages', opts.replayStages, ['both', 'stage1', 'stage2']);
      const replayTasks = opts.replayTasks.split(',').map((t) => t.trim());
      const unknownTask = replayTasks.find((t) => !(REPLAY_TASKS as readonly string[]).includes(t));
      if (unknownTask !== undefined) throw new SeerError('bad_input', `--replay-tasks takes ${REPLAY_TASKS.join(', ')} (comma-separated), got "${unknownTask}"`);
      const stage1Reward = checkChoice('--stage1-reward', opts.stage1Reward, ['binary', 'soft']);
      const stage2Reward = checkChoice('--stage2-reward', opts.stage2Reward, ['binary', 'soft']);
      const stage2Orders = checkChoice('--stage2-orders', opts.stage2Orders, ['seeded', 'both']);
      const stage2ImageReadingOf = checkChoice('--stage2-image-reading-of', opts.stage2ImageReadingOf, ['both', 'subject']);
      const stage2RecallCarriedGate = checkChoice('--stage2-recall-carried-gate', opts.stage2RecallCarriedGate, ['none', 'subject']);
      if (opts.stage2Epochs !== undefined && opts.stage2Epochs <= 0) throw new SeerError('bad_input', `--stage2-epochs must be positive, got ${opts.stage2Epochs}`);
      if (opts.valSubjects !== undefined && opts.valSubjects > 6) throw new SeerError('bad_input', `--val-subjects must be at most 6 (RL keeps at least half of the 12 training subjects), got ${opts.valSubjects}`);
      if (opts.stage2Generations !== undefined && opts.stage2Generations < 2) throw new SeerError('bad_input', `--stage2-generations must be at least 2 (advantages compare completions within a group), got ${opts.stage2Generations}`);
      if (opts.stage2LearningRate !== undefined && opts.stage2LearningRate <= 0) throw new SeerError('bad_input', `--stage2-learning-rate must be positive, got ${opts.stage2LearningRate}`);
      if (opts.stage2Temperature !== undefined && opts.stage2Temperature <= 0) throw new SeerError('bad_input', `--stage2-temperature must be positive, got ${opts.stage2Temperature}`);
      const stage1Loss = checkChoice('--stage1-loss', opts.stage1Loss, ['completion', 'answer']);
      const judgeDescriptions = opts.judgeDescriptions === undefined ? undefined : checkChoice('--judge-descriptions', opts.judgeDescriptions, JUDGE_DESCRIPTIONS);
      const imageSource = checkChoice('--image-source', opts.imageSource, ['generator', 'render']);
      if (!opts.resume && existsSync(join(opts.out, 'config.json'))) throw new SeerError('bad_input', `${opts.out} already holds a run: pass --resume to continue it, or choose another --out`);
      await startEngine(opts.threads, 1);
      const { runSeer } = await import('../run/main-job.ts');
      const results = await runSeer({ recipe, outDir: opts.out, seed: opts.seed, dataSeed: opts.dataSeed, imageSource, model, ...(policyInit ? { policyInit } : {}), curriculum, replayStages, replayTasks: replayTasks as (typeof REPLAY_TASKS)[number][], stage1Reward, stage1GradedPairs: opts.stage1GradedPairs, stage1OtherSubjectPairs: opts.stage1OtherSubjectPairs, stage1Loss, stage2Orders, stage2Reward, stage2SubjectCheck: opts.stage2SubjectCheck, stage2ImageReading: opts.stage2ImageReading, stage2ImageReadingOf, stage2RecallCarried: opts.stage2RecallCarried, stage2RecallCarriedGate, stage2VersusInitial: opts.stage2VersusInitial, stage2VersusPeers: opts.stage2VersusPeers, stage2FreshWordings: opts.stage2FreshWordings, ...(opts.stage2Epochs !== undefined ? { stage2Epochs: opts.stage2Epochs } : {}), ...(opts.valSubjects !== undefined ? { valSubjects: opts.valSubjects } : {}), ...(opts.valHeldInstructions !== undefined ? { valHeldInstructions: opts.valHeldInstructions } : {}), ...(opts.stage2Generations !== undefined ? { stage2Generations: opts.stage2Generations } : {}), ...(opts.stage2Temperature !== undefined ? { stage2Temperature: opts.stage2Temperature } : {}), ...(opts.stage2LearningRate !== undefined ? { stage2LearningRate: opts.stage2LearningRate } : {}), ...(judgeDescriptions ? { judgeDescriptions } : {}), replay: opts.replay, resume: opts.resume ?? false, threads: opts.threads, ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}) });
      process.stdout.write(`done in ${(results.wallSeconds ?? 0).toFixed(0)} s → ${join(opts.out, 'report.md')}, report.html, results.json\n`);
    });

  program
    .command('summarize')
    .description('mean ± std over several `seer run` folders (one per seed) → summary.json, summary.md')
    .argument('<runs...>', 'finished run folders')
    .option('--out <dir>', 'where to write the summary', 'runs/summary')
    .action(async (runs: string[], opts: { out: string }) => {
      const { summarizeRuns } = await import('../reports/seeds.ts');
      process.stdout.write(summarizeRuns(runs, opts.out).markdown);
    });
}

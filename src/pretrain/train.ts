/**
 * SEER-Mini's pretraining (standing in for Harmon's): `seer pretrain --recipe default|tiny --out DIR
 * [--seed N] [--resume]`, or `--recipe grounding --init DIR` to continue a checkpoint (its weights
 * and tokenizers, a fresh optimizer) on another mixture. Each step draws one task of the mixture (./mix.ts) for the whole batch
 * (similar lengths, little padding), renders and tokenizes its images, and takes an AdamW step on
 * the next-token loss of the targets. Every step's data is derived from (seed, step), so a run
 * killed and resumed from its last checkpoint sees the same data. Writes DIR/metrics.jsonl, DIR/
 * config.json (resolved recipe), DIR/model/ (the SEER-Mini checkpoint) and DIR/train-state/
 * (optimizer state + step).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { Rng } from '../core/rng.ts';
import { ensureDir, writeFileAtomic, writeJson } from '../core/io.ts';
import { SeerError } from '../core/errors.ts';
import { startProgress } from '../core/progress.ts';
import { engine, tidy } from '../engine/torch.ts';
import { renderSpec } from '../world/render.ts';
import { Transformer } from '../model/transformer.ts';
import { JUDGE_DESCRIPTIONS, SeerMini } from '../model/umm.ts';
import { loadSeerMini, saveSeerMini } from '../model/checkpoint.ts';
import { CHECK_OPENINGS, DEFAULT_MIX, JUDGE_READING_PAIRS, PRETRAIN_TASKS, PretrainMixer, type PretrainExample, type PretrainTask } from './mix.ts';
import { buildImageTokenizer, buildTextTokenizer } from './tokenizers.ts';

export const pretrainRecipeSchema = z.object({
  name: z.string(),
  dModel: z.number().int().positive().describe('model width').default(128),
  nLayers: z.number().int().positive().default(4),
  nHeads: z.number().int().positive().default(4),
  contextLength: z.number().int().positive().default(256),
  imageCodes: z.number().int().positive().describe('VQ codebook size').default(256),
  tokenizerImages: z.number().int().positive().describe('renders the image tokenizer learns from').default(1500),
  steps: z.number().int().positive().describe('optimizer steps (default: ~25 minutes on 2 cores at ~3.3 steps/s)').default(5000),
  batch: z.number().int().positive().default(32),
  lr: z.number().positive().default(2e-3),
  warmup: z.number().int().nonnegative().default(60),
  weightDecay: z.number().nonnegative().default(0.01),
  maxGradNorm: z.number().positive().default(1),
  threads: z.number().int().positive().describe('libtorch intra-op threads').default(2),
  checkpointEvery: z.number().int().positive().default(100),
  mix: z.partialRecord(z.enum(PRETRAIN_TASKS), z.number().nonnegative()).default(DEFAULT_MIX).describe('task weights; a task left out has weight 0'),
  emptyCaptions: z.number().min(0).max(1).describe('share of caption examples showing an empty scene').default(0),
  unconditionalImages: z.number().min(0).max(1).describe('share of text-to-image examples after an empty caption, for classifier-free guidance (./mix.ts MixerOptions.unconditionalImages)').default(0),
  judgeReading: z.enum(JUDGE_READING_PAIRS).describe("judge-format reasoning that reads its descriptions, and how its pairs are drawn (./mix.ts MixerOptions.judgeReading)").default('off'),
  init: z.boolean().describe('continue from a checkpoint (`--init DIR`) instead of from scratch').default(false),
  checks: z.strictObject({
    wordings: z.number().min(0).max(1).describe("share of instruction checks asked in a fresh wording of the instruction's rule").default(0),
    wordingsOf: z.enum(['all', 'concepts']).describe('which rules get fresh wordings: every rule, or rules over concepts alone').default('all'),
    opening: z.enum(CHECK_OPENINGS).describe("what an instruction check's answer says before the caption's cues").default('cues'),
    knowledge: z.number().min(0).max(1).describe('share of instruction checks whose rule is one the knowledge corpus states over any of its concepts, OOD ones included (world/wordings.ts knowledgeCheckInstruction)').default(0),
    long: z.number().min(0).max(1).describe('share of instruction checks asked in a longer sentence of unfamiliar framing (world/long-wordings.ts longWording)').default(0),
  }).describe('how the instruction checks are taught (./mix.ts CheckStyle)').default({ wordings: 0, wordingsOf: 'all', opening: 'cues', knowledge: 0, long: 0 }),
  repromptCarried: z.number().min(0).max(1).describe("share of reprompt-format examples whose answer carries what their reasoning recalls (./reprompts.ts carriedReprompt)").default(0),
  imageGuidance: z.number().positive().optional().describe('classifier-free guidance scale the pretrained generator draws with, saved with it (SeerMini.imageGuidance); absent: as the checkpoint it continues, or 1'),
  judgeDescriptions: z.enum(JUDGE_DESCRIPTIONS).optional().describe("how the pretrained model judges, saved with it (SeerMini.judgeDescriptions): 'read' once it has learned the caption checks; absent: as the checkpoint it continues, or 'written'"),
});
export type PretrainRecipe = z.infer<typeof pretrainRecipeSchema>;

/** What every continuation of a base shares (`--init DIR`): a quarter of the default learning rate, a short warm-up, a fresh AdamW, 10% empty scenes in captions. */
const CONTINUATION = { init: true, lr: 5e-4, warmup: 30, emptyCaptions: 0.1 } as const;
/** The judge-reading continuations' mixture from v8 on: half of the steps on the judge format. */
const JUDGE_FOCUS_MIX = { t2i: 0.25, caption: 0.08, vqa: 0.04, knowledge: 0.02, judge_format: 0.5, reprompt_format: 0.06, caption_reading: 0.05 };
/** The caption-checks focus mixture (v17's, and every instruction-check continuation of it): 45% caption checks. */
const CHECKS_FOCUS_MIX = { t2i: 0.3, caption: 0.08, vqa: 0.03, knowledge: 0.02, judge_format: 0.07, reprompt_format: 0.05, caption_check: 0.45 };
/** A 1000-step continuation of a caption-checks base at the focus mixture, its instruction checks taught as `checks` says. */
function checksFocus(name: string, checks?: z.input<typeof pretrainRecipeSchema>['checks']): z.input<typeof pretrainRecipeSchema> {
  return { name, ...CONTINUATION, steps: 1000, judgeReading: 'contrast', judgeDescriptions: 'read', mix: CHECKS_FOCUS_MIX, ...(checks ? { checks } : {}) };
}
/** `mix` with `share` of the steps on `task` and the other tasks in their proportions. */
function withShare(mix: Readonly<Record<string, number>>, task: string, share: number): Record<string, number> {
  const rest = Object.entries(mix).filter(([t]) => t !== task);
  const restTotal = rest.reduce((sum, [, w]) => sum + w, 0);
  return Object.fromEntries([...rest.map(([t, w]) => [t, (w * (1 - share)) / restTotal] as const), [task, share] as const]);
}
/** A 1500-step continuation of a caption-checks base with `caption` of the steps on captioning, the rest in the caption-checks focus mixture's proportions. */
function captionFocus(name: string, caption: number): z.input<typeof pretrainRecipeSchema> {
  return { ...checksFocus(name), steps: 1500, mix: withShare(CHECKS_FOCUS_MIX, 'caption', caption) };
}
/**
 * A 1500-step continuation of a caption-focus base with a quarter of the steps on the base model's
 * reprompt format (its prompts over all 24 subjects, ./mix.ts pretrainPrompt), the rest in the
 * caption-focus proportions: the v19 reprompter loses a test subject in 21 of 120 test prompts
 * and a held-out training subject in 8 of 200 (docs/model.md), a copying the RL stages inherit.
 */
function repromptFocus(name: string, reprompt: number): z.input<typeof pretrainRecipeSchema> {
  return { ...checksFocus(name), steps: 1500, mix: withShare(withShare(CHECKS_FOCUS_MIX, 'caption', 0.3), 'reprompt_format', reprompt) };
}
/** A 1000-step `reprompt-carried` continuation with half of the instruction checks in fresh wordings and `knowledge` of them over the knowledge corpus's rules. */
function carriedWordings(name: string, knowledge: number, long = 0): z.input<typeof pretrainRecipeSchema> {
  return { ...repromptFocus(name, 0.12), steps: 1000, repromptCarried: 0.25, checks: { wordings: 0.5, knowledge, ...(long > 0 ? { long } : {}) } };
}
/** The judge-focus mixture with a fifth of the steps on the subject-match task (./mix.ts subjectMatchCase). */
const JUDGE_MATCH_MIX = { t2i: 0.25, caption: 0.07, vqa: 0.03, knowledge: 0.02, judge_format: 0.35, reprompt_format: 0.05, caption_reading: 0.03, subject_match: 0.2 };

export const RECIPES: Record<'default' | 'tiny' | 'grounding' | 'reading' | 'judge-reading' | 'judge-reading-focus' | 'judge-reading-independent' | 'judge-reading-compared' | 'judge-reading-interleaved' | 'judge-reading-match' | 'judge-reading-compared-match' | 'judge-reading-balanced' | 'pair-questions' | 'caption-checks' | 'caption-checks-focus' | 'check-wordings' | 'check-wordings-concepts' | 'check-wordings-most' | 'check-keywords' | 'check-recall' | 'caption-focus' | 'caption-focus-most' | 'reprompt-focus' | 'reprompt-light' | 'reprompt-carried' | 'reprompt-carried-half' | 'carried-wordings' | 'knowledge-checks' | 'knowledge-checks-most' | 'long-wordings' | 'long-wordings-most' | 'carried-long-wordings' | 'guidance', z.input<typeof pretrainRecipeSchema>> = {
  default: { name: 'default' },
  tiny: { name: 'tiny', dModel: 48, nLayers: 2, nHeads: 2, imageCodes: 64, tokenizerImages: 200, steps: 40, batch: 12, lr: 3e-3, warmup: 5, checkpointEvery: 20 },
  /**
   * Continued pretraining of a base (`--init DIR`) that grounds the judge format: a larger share
   * of judge-format and caption examples (descriptions of both images, verdicts still random) and
   * empty scenes in captions, at a lower learning rate so the generator keeps what it knows.
   */
  grounding: {
    name: 'grounding', ...CONTINUATION, steps: 1500,
    mix: { t2i: 0.4, caption: 0.15, vqa: 0.08, knowledge: 0.05, judge_format: 0.22, reprompt_format: 0.1 },
  },
  /**
   * Continued pretraining of a grounded base (`--init DIR`, v5) that adds caption reading
   * (./mix.ts `readingCase`): whether one caption follows an instruction and keeps the subject.
   * The judge-format verdicts stay random; the other tasks keep their skills.
   */
  reading: {
    name: 'reading', ...CONTINUATION, steps: 1200,
    mix: { t2i: 0.4, caption: 0.12, vqa: 0.06, knowledge: 0.04, judge_format: 0.12, reprompt_format: 0.08, caption_reading: 0.18 },
  },
  /**
   * Continued pretraining of a reading base (`--init DIR`, v6) in which the judge format reads its
   * descriptions (./mix.ts `MixerOptions.judgeReading`): each image's subject and instruction
   * answered right, the verdict still random — so the evaluation skill is latent in the judge's
   * own reasoning and RLVR has one step to take, making the verdict follow it.
   */
  'judge-reading': {
    name: 'judge-reading', ...CONTINUATION, steps: 1200, judgeReading: 'contrast',
    mix: { t2i: 0.38, caption: 0.12, vqa: 0.05, knowledge: 0.03, judge_format: 0.28, reprompt_format: 0.08, caption_reading: 0.06 },
  },
  /**
   * More of the same on the judge-reading base (`--init DIR`, v7), with half of the steps on the
   * judge format: after v7's 1200 steps its reading was still weak (teacher-forced 0.72 against a
   * base rate of 0.60, greedy reading on validation no better than chance; docs/model.md).
   */
  'judge-reading-focus': {
    name: 'judge-reading-focus', ...CONTINUATION, steps: 1800, judgeReading: 'contrast',
    mix: JUDGE_FOCUS_MIX,
  },
  /**
   * The reading judge format with independent pairs (`--init DIR`, v8): v8 read by position —
   * "a: … yes. b: … no." whatever the captions — because its contrast pairs made b's answers
   * predictable from a's. Each image is now drawn on its own, so only the descriptions tell.
   */
  'judge-reading-independent': {
    name: 'judge-reading-independent', ...CONTINUATION, steps: 1000, judgeReading: 'independent',
    mix: JUDGE_FOCUS_MIX,
  },
  /**
   * Independent pairs whose readings copy the prompt's subject beside the image's (`--init DIR`,
   * v6): v9 copied the image's subject right and still matched it against the prompt wrongly, so
   * the match now compares two neighbouring words.
   */
  'judge-reading-compared': {
    name: 'judge-reading-compared', ...CONTINUATION, steps: 1000, judgeReading: 'compared',
    mix: JUDGE_FOCUS_MIX,
  },
  /**
   * Compared readings, each right after its own description (`--init DIR`, v6): v10 read "is the
   * prompt's subject named anywhere in the descriptions?", right only while one is in view.
   */
  'judge-reading-interleaved': {
    name: 'judge-reading-interleaved', ...CONTINUATION, steps: 1000, judgeReading: 'interleaved',
    mix: JUDGE_FOCUS_MIX,
  },
  /**
   * The interleaved judge format beside the subject-match task (`--init DIR`, v11): 400 steps of
   * that task alone taught the match (0.99 on another subject) but not inside the judge format,
   * which then answered "no" for every subject; the two together should share one rule.
   */
  'judge-reading-match': {
    name: 'judge-reading-match', ...CONTINUATION, steps: 1000, judgeReading: 'interleaved',
    mix: JUDGE_MATCH_MIX,
  },
  /**
   * The compared judge format (both descriptions first, then the readings: the shape of the
   * captioned opening, `--judge-descriptions captioned`) beside the subject-match task (`--init
   * DIR`, v10): v12's own descriptions named the prompt's subject for swapped images, which
   * captions made without the prompt in view do not.
   */
  'judge-reading-compared-match': {
    name: 'judge-reading-compared-match', ...CONTINUATION, steps: 1000, judgeReading: 'compared',
    mix: JUDGE_MATCH_MIX,
  },
  /**
   * The compared judge format over subject-balanced pairs, beside the subject-match task
   * (`--init DIR`, v13): v13's reading still said "subject yes" for most other subjects.
   */
  'judge-reading-balanced': {
    name: 'judge-reading-balanced', ...CONTINUATION, steps: 1000, judgeReading: 'balanced',
    mix: JUDGE_MATCH_MIX,
  },
  /**
   * Multi-image questions (`--init DIR`, the v5 base): "which image shows a snail / has horns /
   * looks scary?" answered a or b (./mix.ts `pairQuestionCase`), a fifth of the steps. Measured
   * (docs/seer.md): even cross-entropy on Stage 1's own pairs, with perfect descriptions, does not
   * teach the judge's verdict to compare subjects — the comparison has to be latent. The judge
   * format's verdicts stay random.
   */
  'pair-questions': {
    name: 'pair-questions', ...CONTINUATION, steps: 1000,
    mix: { t2i: 0.4, caption: 0.1, vqa: 0.06, knowledge: 0.04, judge_format: 0.1, reprompt_format: 0.1, pair_question: 0.2 },
  },
  /**
   * The caption checks (`--init DIR`, the v5 base): 30% of the steps on "does the image show
   * the subject of the prompt?" and "does the image correctly follows the instruction?" about one
   * caption (./mix.ts `captionCheckCase`, balanced), which the judge's 'read' opening asks about
   * its own captions; judge-format examples carry the world's reading lines after the two
   * descriptions (the shape of that opening), their verdicts still random.
   */
  'caption-checks': {
    name: 'caption-checks', ...CONTINUATION, steps: 1500, judgeReading: 'contrast', judgeDescriptions: 'read',
    mix: { t2i: 0.35, caption: 0.1, vqa: 0.04, knowledge: 0.03, judge_format: 0.1, reprompt_format: 0.08, caption_check: 0.3 },
  },
  /**
   * More caption checks on a caption-checks base (`--init DIR`, v16): after its 1500 steps the
   * subject check copied both subjects right and still answered "yes" for another subject about
   * half of the time (docs/model.md).
   */
  'caption-checks-focus': checksFocus('caption-checks-focus'),
  /**
   * More caption checks on a caption-checks base (`--init DIR`, v17), half of the instruction
   * checks in a fresh wording of the rule: the v17 check read never-seen paraphrases of its
   * training instructions right 0.68 of the time against 0.94 for their texts (docs/model.md).
   */
  'check-wordings': checksFocus('check-wordings', { wordings: 0.5 }),
  /** `check-wordings` with fresh wordings for rules over concepts alone (a material's, a style's … instruction keeps its text). */
  'check-wordings-concepts': checksFocus('check-wordings-concepts', { wordings: 0.5, wordingsOf: 'concepts' }),
  /** `check-wordings` with four instruction checks in five in a fresh wording. */
  'check-wordings-most': checksFocus('check-wordings-most', { wordings: 0.8 }),
  /** `check-wordings-most` with the instruction's words for what it asks copied first ("asks cheerful. it has …, yes"). */
  'check-keywords': checksFocus('check-keywords', { wordings: 0.8, opening: 'keywords' }),
  /** `check-wordings-most` with the rule recalled first ("wants two of …. it has …, yes"). */
  'check-recall': checksFocus('check-recall', { wordings: 0.8, opening: 'recall' }),
  /**
   * More captioning on a caption-checks base (`--init DIR`, v17): its captions read material,
   * colour, accessory and face well below what its 64 image codes hold (docs/model.md, "Captions"),
   * and the read judge can only be as right as its captions.
   */
  'caption-focus': captionFocus('caption-focus', 0.3),
  /** `caption-focus` with half of the steps on captions. */
  'caption-focus-most': captionFocus('caption-focus-most', 0.5),
  /** `caption-focus` with a quarter of the steps on the reprompt format (copying the prompt's subject). */
  'reprompt-focus': repromptFocus('reprompt-focus', 0.25),
  /**
   * `reprompt-focus` with an eighth of the steps on the reprompt format: its quarter cost the judge's
   * reading, an eighth keeps it and gets two thirds of the copying. One block from v19 is the shipped
   * base, v20 (docs/model.md).
   */
  'reprompt-light': repromptFocus('reprompt-light', 0.12),
  /**
   * `reprompt-light` (`--init DIR`, v20) with a quarter of its reprompt examples carrying what their
   * reasoning recalls (./reprompts.ts carriedReprompt): v20's answers apply a right recall about one time
   * in ten, too rarely for Stage 2 to amplify (docs/seer.md).
   */
  'reprompt-carried': { ...repromptFocus('reprompt-carried', 0.12), repromptCarried: 0.25 },
  /** `reprompt-carried` with half of the reprompt examples carrying their recall. */
  'reprompt-carried-half': { ...repromptFocus('reprompt-carried-half', 0.12), repromptCarried: 0.5 },
  /**
   * `reprompt-carried` for 1000 steps on a reprompt-carried base (`--init DIR`, v21) with half of
   * the instruction checks in a fresh wording of their rule (`check-wordings`' share): v21's judge
   * reads instructions RL never trained on at 0.83 against 0.90 (docs/seer.md). One block from v21
   * is v22 (docs/model.md).
   */
  'carried-wordings': carriedWordings('carried-wordings', 0),
  /**
   * `carried-wordings` on a carried-wordings base (`--init DIR`, v22) with a third of the
   * instruction checks over rules the knowledge corpus states, any concept's (./mix.ts CheckStyle
   * `knowledge`): v22's judge reads instructions over concepts no check example links to a caption
   * worse than those it was taught to check (docs/seer.md).
   */
  'knowledge-checks': carriedWordings('knowledge-checks', 0.33),
  /** `knowledge-checks` with two thirds of the instruction checks over the corpus's rules; one block from v22 is v23, `checkpoints/seer-mini-v23` (docs/model.md). */
  'knowledge-checks-most': carriedWordings('knowledge-checks-most', 0.67),
  /**
   * `knowledge-checks-most` on a v23 base (`--init DIR`) with a third of the instruction checks
   * asked in longer sentences of unfamiliar framing (./mix.ts CheckStyle `long`): v23's check reads
   * paraphrased instructions far worse than their own texts (docs/seer.md).
   */
  'long-wordings': carriedWordings('long-wordings', 0.67, 0.33),
  /** `long-wordings` with two thirds of the instruction checks in long sentences. */
  'long-wordings-most': carriedWordings('long-wordings-most', 0.67, 0.67),
  /**
   * `carried-wordings` on a v22 base (`--init DIR`) with a third of the instruction checks in long
   * sentences and none over the corpus's rules: on 240 validation rows v22's judge reads the
   * held-out instructions best and v23's worst, and the long sentences lifted v23's (docs/seer.md).
   */
  'carried-long-wordings': carriedWordings('carried-long-wordings', 0, 0.33),
  /**
   * `knowledge-checks-most` on a v23 base (`--init DIR`) with a fifth of the text-to-image examples
   * after an empty caption, so its generator can draw with classifier-free guidance
   * (SeerMini.imageGuidance): v23's elaborations comply 0.54 of the time on validation, and
   * guidance without this training does not help. Saved to draw at scale 2, the scale validation
   * chose among 1, 1.5, 2, 3 and 4 on this block's weights. One block from v23 is the shipped base,
   * v24 (docs/seer.md, "Classifier-free guidance for the generator").
   */
  guidance: { ...carriedWordings('guidance', 0.67), unconditionalImages: 0.2, imageGuidance: 2 },
};

export interface PretrainOptions {
  recipe: z.input<typeof pretrainRecipeSchema>;
  outDir: string;
  /** Checkpoint to start from (weights and tokenizers), for recipes with `init: true`. */
  initFrom?: string;
  seed?: number;
  resume?: boolean;
  quiet?: boolean;
  /** Stop after this many steps of this invocation (tests use it to simulate a kill). */
  stopAfter?: number;
}

const stateSchema = z.object({ step: z.number().int().nonnegative() });

export async function pretrain(options: PretrainOptions): Promise<{ model: SeerMini; steps: number; seconds: number; finalLoss: number }> {
  const recipe = pretrainRecipeSchema.parse(options.recipe);
  const seed = options.seed ?? 0;
  const modelDir = join(options.outDir, 'model');
  const stateDir = join(options.outDir, 'train-state');
  engine.setThreads(recipe.threads);
  engine.seed(seed);
  ensureDir(options.outDir);
  let model: SeerMini;
  let startStep = 0;
  const resuming = options.resume && existsSync(join(stateDir, 'state.json'));
  if (resuming) {
    model = loadSeerMini(modelDir).model;
    startStep = stateSchema.parse(JSON.parse(readFileSync(join(stateDir, 'state.json'), 'utf8'))).step;
  } else if (recipe.init) {
    if (!options.initFrom) throw new SeerError('bad_input', `recipe "${recipe.name}" continues a checkpoint: pass --init DIR`);
    model = loadSeerMini(options.initFrom).model;
    writeJson(join(options.outDir, 'config.json'), { recipe, seed, init: options.initFrom });
    writeFileAtomic(join(options.outDir, 'metrics.jsonl'), '');
  } else {
    if (options.initFrom) throw new SeerError('bad_input', `recipe "${recipe.name}" trains from scratch: --init is only for recipes that continue a checkpoint`);
    const text = buildTextTokenizer(seed);
    const image = buildImageTokenizer(seed, { images: recipe.tokenizerImages, codes: recipe.imageCodes });
    const transformer = new Transformer({
      textVocab: text.size, imageVocab: image.size, dModel: recipe.dModel, nLayers: recipe.nLayers, nHeads: recipe.nHeads,
      contextLength: recipe.contextLength, seed,
    });
    model = new SeerMini(transformer, text, image);
    writeJson(join(options.outDir, 'config.json'), { recipe, seed });
    writeFileAtomic(join(options.outDir, 'metrics.jsonl'), '');
  }
  if (recipe.judgeDescriptions) model.judgeDescriptions = recipe.judgeDescriptions;
  if (recipe.imageGuidance !== undefined) model.imageGuidance = recipe.imageGuidance;
  const params = model.transformer.parameters.map((p) => p.tensor);
  const optimizer = engine.adamW([{ params, lr: recipe.lr, weightDecay: recipe.weightDecay }], [0.9, 0.95]);
  if (resuming && existsSync(join(stateDir, 'optimizer.bin'))) optimizer.load(readFileSync(join(stateDir, 'optimizer.bin')));

  const tasks = Object.entries(recipe.mix) as [PretrainTask, number][];
  const progress = startProgress(`pretrain ${recipe.name}`, recipe.steps, { quiet: options.quiet ?? false });
  progress.tick(startStep);
  const started = Date.now();
  let finalLoss = Number.NaN;
  let ran = 0;
  for (let step = startStep; step < recipe.steps; step++) {
    const rng = new Rng(seed).fork(`pretrain-step-${step}`);
    const task = pickTask(tasks, rng);
    const mixer = new PretrainMixer(rng.fork('mix'), recipe.mix, { emptyCaptions: recipe.emptyCaptions, unconditionalImages: recipe.unconditionalImages, judgeReading: recipe.judgeReading, checks: recipe.checks, repromptCarried: recipe.repromptCarried });
    const examples = Array.from({ length: recipe.batch }, () => mixer.make(task));
    const { contexts, targets } = tokenize(model, examples);
    // A sequence longer than the context (rare: a reading judge example with long captions, ~1 in
    // 700) is redrawn; the v2–v6 mixtures never produce one, so their batches are unchanged.
    for (let i = 0; i < examples.length; i++) {
      for (let tries = 0; contexts[i]!.length + targets[i]!.length > recipe.contextLength; tries++) {
        if (tries === 20) throw new SeerError('bad_input', `task "${task}" keeps drawing sequences longer than the context (${recipe.contextLength} tokens)`);
        const redrawn = tokenize(model, [mixer.make(task)]);
        contexts[i] = redrawn.contexts[0]!;
        targets[i] = redrawn.targets[0]!;
      }
    }
    const lr = step < recipe.warmup ? (recipe.lr * (step + 1)) / recipe.warmup : recipe.lr * 0.5 * (1 + Math.cos((Math.PI * (step - recipe.warmup)) / Math.max(1, recipe.steps - recipe.warmup)));
    optimizer.setLr(0, Math.max(lr, recipe.lr * 0.02));
    const loss = tidy(() => {
      for (const p of params) p.zeroGrad();
      const l = model.lossOn(contexts, targets);
      l.backward();
      return l.item();
    });
    const gradNorm = engine.clipGradNorm(params, recipe.maxGradNorm);
    optimizer.step();
    finalLoss = loss;
    appendFileSync(join(options.outDir, 'metrics.jsonl'), `${JSON.stringify({ step: step + 1, task, loss, grad_norm: gradNorm, lr })}\n`);
    progress.tick(1, { task, loss });
    ran++;
    const last = step + 1 === recipe.steps;
    if ((step + 1) % recipe.checkpointEvery === 0 || last || (options.stopAfter !== undefined && ran >= options.stopAfter)) {
      saveSeerMini(modelDir, model, { recipe: recipe.name, seed, step: step + 1 });
      writeFileAtomic(join(stateDir, 'optimizer.bin'), optimizer.save());
      writeJson(join(stateDir, 'state.json'), { step: step + 1 });
    }
    if (options.stopAfter !== undefined && ran >= options.stopAfter) break;
  }
  progress.stop();
  return { model, steps: startStep + ran, seconds: (Date.now() - started) / 1000, finalLoss };
}

function pickTask(tasks: [PretrainTask, number][], rng: Rng): PretrainTask {
  let r = rng.next() * tasks.reduce((s, [, w]) => s + w, 0);
  for (const [task, w] of tasks) {
    r -= w;
    if (r <= 0) return task;
  }
  return 't2i';
}

/** Render and tokenize a batch: context ids and target ids per example. */
export function tokenize(model: SeerMini, examples: readonly PretrainExample[]): { contexts: number[][]; targets: number[][] } {
  const contexts: number[][] = [];
  const targets: number[][] = [];
  for (const ex of examples) {
    const codes = ex.images.map((ref) => model.image.encode(renderSpec(ref.spec, { seed: ref.seed, size: model.image.imageSize })));
    contexts.push(model.encode(ex.context, codes));
    const target = model.encode(ex.target, codes);
    // An image target ends at its codes: the context already holds <img>, the target holds codes + </img>.
    targets.push(ex.target.length === 1 && 'image' in ex.target[0]! ? target.slice(1) : target);
    if (ex.target.length === 1 && 'image' in ex.target[0]!) contexts[contexts.length - 1]!.push(model.imgOpen);
  }
  return { contexts, targets };
}

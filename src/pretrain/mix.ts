/**
 * The pretraining mixture of SEER-Mini, standing in for Harmon's pretraining (paper §4.1.1):
 * text-to-image on concrete captions, captioning, POPE-style yes/no questions, the knowledge
 * corpus as plain language modelling, and examples that make the judge and reprompt *formats*
 * familiar without teaching SEER's skills:
 *   - judge-format examples reason in the model's own words — "a shows <caption of image a>. b shows
 *     <caption of image b>. the instruction wants <what the knowledge corpus says it means>." — and
 *     then give a verdict drawn at random. So the zero-shot judge is near chance, but the latent
 *     skill RLVR should activate is in place: the verdict can read the model's own descriptions and
 *     recall, instead of learning to compare 64-code images from one bit per rollout (half of
 *     the pairs are a case's elaboration vs one of its hard negatives, so the descriptions are of
 *     the pairs a judge will face; the verdict stays uninformative);
 *   - reprompt-format examples mostly concatenate the instruction (Type I) or keep only the prompt
 *     (Type III), the failure modes of the paper's Appendix A.4.3, often after reasoning that does
 *     recall what the instruction means (`baseReprompt`, ./reprompts.ts).
 * Images are described by (spec, seed); the pretraining layer renders and tokenizes them.
 *
 * Splits: only training instruction texts appear here; OOD instruction texts, test prompts and
 * validation prompts never do (the knowledge corpus may say what any concept means, and captions and
 * composed prompts may use any subject and prompt word — the base model's world knowledge).
 */
import type { Rng } from '../core/rng.ts';
import { article, captionOf } from '../world/grammar.ts';
import { CONCEPT_WORDS, cuePhrase, knowledgeCorpus } from '../world/knowledge.ts';
import { CONCEPTS, cueCount, cueMatches, type Concept } from '../world/concepts.ts';
import { elaborate, evaluateRule } from '../world/rules.ts';
import { TRAIN_INSTRUCTIONS, type Instruction } from '../world/instructions.ts';
import { longWording } from '../world/long-wordings.ts';
import { freshWording, knowledgeCheckInstruction, ruleKeywords, ruleRecall } from '../world/wordings.ts';
import { TEST_PROMPTS, TRAIN_PROMPTS, VALIDATION_PROMPTS, type PromptItem } from '../world/prompts.ts';
import {
  ACCESSORIES, BACKGROUNDS, COLOURS, EYES, MATERIALS, MOUTHS, STYLES, SUBJECTS, defaultSpec, randomSpec, type SceneSpec, type Subject,
} from '../world/spec.ts';
import { ACCESSORY_WORDS, BACKGROUND_WORDS, EYES_WORDS, MATERIAL_WORDS, MOUTH_WORDS, STYLE_WORDS } from '../world/grammar.ts';
import { alignmentContext, captionContext, pairQuestionContext, describeImage, describePair, generateContext, checkAnswer, instructionCheckContext, judgeContext, questionContext, readingLine, repromptContext, subjectCheckContext, thinkAnswer, type Segment } from '../model/templates.ts';
import { hardNegativeSpecs, keepsSubject } from '../data/negatives.ts';
import { baseReprompt, carriedReprompt, instructionRecall, ruleCues } from './reprompts.ts';

export type PretrainTask = 't2i' | 'caption' | 'vqa' | 'knowledge' | 'judge_format' | 'reprompt_format' | 'caption_reading' | 'subject_match' | 'pair_question' | 'caption_check';

/** Every task, in the order recipes list them. */
export const PRETRAIN_TASKS = ['t2i', 'caption', 'vqa', 'knowledge', 'judge_format', 'reprompt_format', 'caption_reading', 'subject_match', 'pair_question', 'caption_check'] as const satisfies readonly PretrainTask[];
/** The tasks RL may replay (src/seer/replay.ts): drawing, the base model's reprompt format, and yes/no questions about an image. */
export const REPLAY_TASKS = ['t2i', 'reprompt_format', 'vqa'] as const satisfies readonly PretrainTask[];

export interface ImageRef {
  spec: SceneSpec;
  seed: number;
}

/** One training sequence: a context and a target; the loss is on the target only. */
export interface PretrainExample {
  task: PretrainTask;
  context: Segment[];
  target: Segment[];
  images: ImageRef[];
}

export const DEFAULT_MIX: Record<PretrainTask, number> = {
  t2i: 0.6, caption: 0.1, vqa: 0.08, knowledge: 0.07, judge_format: 0.05, reprompt_format: 0.1, caption_reading: 0, subject_match: 0, pair_question: 0, caption_check: 0,
};

/** Instruction texts pretraining may show: the training ones only. */
const INSTRUCTIONS = TRAIN_INSTRUCTIONS;

/** Words a prompt may wrap its subject in (world vocabulary, as any language model knows it). */
const PROMPT_ADJECTIVES = ['', '', 'small', 'tiny', 'big', 'old', 'vintage', 'antique', 'new'];
const PROMPT_PLACES = ['', 'by the river', 'on the street', 'in the park', 'near the road', 'in the meadow', 'in the kitchen', 'on the shelf', 'at home', 'by the window', 'in the garden', 'on the table'];
/** Held-out prompts a composed phrase must never equal: the test's and the validation's. */
const HELD_OUT_PROMPT_TEXTS = new Set([...TEST_PROMPTS, ...VALIDATION_PROMPTS].map((p) => p.text));

/**
 * A prompt for a format example: a quarter of the time a training prompt, otherwise a phrase
 * composed from any subject and the world's prompt words — never a test or validation prompt. Measured:
 * with the 60 training prompts alone, the base reprompter never learned to copy an unseen prompt and
 * replaced the subject in 120 of 120 test cases ("a boat standing by the river" for "a snail at
 * home"); with half composed phrases for only the last 1000 steps, in 118 of 120.
 */
export function pretrainPrompt(rng: Rng): PromptItem {
  if (rng.bool(0.25)) return rng.pick(TRAIN_PROMPTS);
  for (;;) {
    const subject = rng.pick(SUBJECTS);
    const words = [rng.pick(PROMPT_ADJECTIVES), subject, rng.pick(PROMPT_PLACES)].filter(Boolean).join(' ');
    const text = `${article(words)} ${words}`;
    if (!HELD_OUT_PROMPT_TEXTS.has(text)) return { text, subject };
  }
}

export interface MixerOptions {
  /**
   * Share of caption examples whose image is an empty scene ("an empty scene"). 0 in the v4 base,
   * whose captioner therefore never says a subject is missing (measured: 0 of 39 subject-lost
   * renders); the grounding continuation uses it so the judge can describe a lost subject.
   */
  emptyCaptions?: number;
  /**
   * Share of text-to-image examples drawn after an empty caption ("draw:" and nothing), so the
   * generator learns the unconditional image distribution that classifier-free guidance pushes
   * away from (SeerMini.imageGuidance). 0 in the v2–v23 bases.
   */
  unconditionalImages?: number;
  /**
   * Judge-format reasoning that also *reads* its descriptions (`readingLine`): after describing
   * both images (and recalling the instruction), "a: subject yes, instruction no. b: …" — the
   * world's answers for the described scenes, so the reading is right — then the verdict, still
   * drawn at random. Off in the v2–v6 bases. The pairs: 'contrast' (v7, v8) — three times in four
   * a case's elaboration against one of its hard negatives (data/negatives.ts), so one image reads
   * yes and the other no, which a model can learn without reading (measured: v8 wrote "a: … yes.
   * b: … no." whatever the captions said); 'independent' — each image drawn on its own (the
   * elaboration, a hard negative or a random scene), so b's answers say nothing about a's, and
   * each reading names the subject it read first ("a: snail, subject yes, …"): v8 never learned
   * the subject check as one step (teacher-forced 0.57–0.76 against base rates of 0.65–0.71);
   * 'compared' — independent pairs whose readings also copy the prompt's subject beside the
   * image's ("a: cup, prompt snail, subject no, …"): v9 (independent) copied the image's
   * subject right and still matched it against the prompt wrongly ("a: swing, subject yes" for a
   * bridge prompt; teacher-forced subject slots 0.75–0.81 against base rates of 0.65–0.71);
   * 'interleaved' — compared readings, each right after its own description ("the instruction
   * wants …. a shows …. a: cup, prompt snail, subject no, …. b shows …. b: …"): v10 answered "is
   * the prompt's subject named anywhere in the descriptions?" (teacher-forced, 0.17 right when the
   * image shows another subject), which is right only while one description is in view;
   * 'balanced' — compared readings over images whose subject is balanced as the subject-match
   * task's (half the prompt's, 40% another, 10% none): in the other pairs only a quarter of the
   * subject slots show another subject, so "yes" is right two times in three.
   */
  judgeReading?: JudgeReadingPairs;
  /** How the caption checks' instruction question is taught (`CheckStyle`). */
  checks?: CheckStyle;
  /**
   * Share of reprompt-format examples whose answer carries what their reasoning recalls
   * (`carriedReprompt`) instead of the base model's gap (`baseReprompt`). 0 in the v4–v20 bases,
   * whose answers apply a recalled cue about one time in ten.
   */
  repromptCarried?: number;
}

/** How a reading judge example draws its two images (`MixerOptions.judgeReading`). */
export type JudgeReadingPairs = 'off' | 'contrast' | 'independent' | 'compared' | 'interleaved' | 'balanced';
export const JUDGE_READING_PAIRS = ['off', 'contrast', 'independent', 'compared', 'interleaved', 'balanced'] as const satisfies readonly JudgeReadingPairs[];

export class PretrainMixer {
  private readonly rng: Rng;
  private readonly weights: [PretrainTask, number][];
  private readonly corpus: string[];
  private readonly emptyCaptions: number;
  private readonly unconditionalImages: number;
  private readonly judgeReading: JudgeReadingPairs;
  private readonly checks: CheckStyle;
  private readonly repromptCarried: number;

  constructor(rng: Rng, mix: Partial<Record<PretrainTask, number>> = DEFAULT_MIX, options: MixerOptions = {}) {
    this.rng = rng;
    this.weights = Object.entries(mix) as [PretrainTask, number][];
    this.corpus = knowledgeCorpus(rng.fork('corpus'), 16);
    this.emptyCaptions = options.emptyCaptions ?? 0;
    this.unconditionalImages = options.unconditionalImages ?? 0;
    this.judgeReading = options.judgeReading ?? 'off';
    this.checks = options.checks ?? {};
    this.repromptCarried = options.repromptCarried ?? 0;
  }

  next(): PretrainExample {
    let r = this.rng.next() * this.weights.reduce((s, [, w]) => s + w, 0);
    for (const [task, w] of this.weights) {
      r -= w;
      if (r <= 0) return this.make(task);
    }
    return this.make('t2i');
  }

  make(task: PretrainTask): PretrainExample {
    const rng = this.rng;
    const image = (): ImageRef => ({ spec: randomSpec(rng, { pChange: 0.45 }), seed: rng.int(1 << 30) });
    switch (task) {
      case 't2i': {
        const ref = image();
        // Sometimes the caption carries prompt filler words the generator must learn to ignore.
        const filler = rng.bool(0.2) ? ` ${pretrainPrompt(rng).text.split(' ').slice(2).join(' ')}` : '';
        const unconditional = this.unconditionalImages > 0 && rng.bool(this.unconditionalImages);
        return { task, context: [{ text: generateContext(unconditional ? '' : captionOf(ref.spec) + filler) }], target: [{ image: 0 }], images: [ref] };
      }
      case 'caption': {
        const ref = image();
        if (this.emptyCaptions > 0 && rng.bool(this.emptyCaptions)) ref.spec = { ...ref.spec, subject: null };
        return { task, context: captionContext(), target: [{ text: `${captionOf(ref.spec)} <eos>` }], images: [ref] };
      }
      case 'vqa': {
        const ref = image();
        const { question, yes } = yesNoQuestion(ref.spec, rng);
        return { task, context: questionContext(question), target: [{ text: `${yes ? 'yes' : 'no'} <eos>` }], images: [ref] };
      }
      case 'knowledge':
        return { task, context: [{ text: '<bos>' }], target: [{ text: `${rng.pick(this.corpus)} <eos>` }], images: [] };
      case 'judge_format': {
        const prompt = pretrainPrompt(rng);
        const ins = rng.pick(INSTRUCTIONS);
        if (this.judgeReading !== 'off') return readingJudgeExample(rng, ins, prompt, this.judgeReading);
        const refs = judgePair(rng, ins, prompt);
        const verdict = rng.bool() ? 'a' : 'b';
        const describe = describePair(captionOf(refs[0]!.spec), captionOf(refs[1]!.spec));
        if (rng.bool(0.5)) {
          return { task, context: alignmentContext(prompt.text), target: [{ text: `${thinkAnswer(describe, verdict)} <eos>` }], images: refs };
        }
        const think = `${describe} ${instructionRecall(rng, ins)}`;
        return { task, context: judgeContext(ins.text, prompt.text), target: [{ text: `${thinkAnswer(think, verdict)} <eos>` }], images: refs };
      }
      case 'caption_reading': {
        const prompt = pretrainPrompt(rng);
        const ins = rng.pick(INSTRUCTIONS);
        const { spec, yes } = readingCase(rng, ins, prompt);
        return { task, context: [{ text: readingContext(ins.text, prompt.text, captionOf(spec), instructionRecall(rng, ins)) }], target: [{ text: `${yes ? 'yes' : 'no'} <eos>` }], images: [] };
      }
      case 'subject_match': {
        const prompt = pretrainPrompt(rng);
        const { context, yes } = subjectMatchCase(rng, prompt);
        return { task, context: [{ text: context }], target: [{ text: yes ? 'yes' : 'no' }], images: [] };
      }
      case 'caption_check': {
        // No draw when the share is 0, so the bases made before it see the same data.
        const knowledge = (this.checks.knowledge ?? 0) > 0 && rng.bool(this.checks.knowledge);
        const { context, answer } = captionCheckCase(rng, knowledge ? knowledgeCheckInstruction(rng) : rng.pick(INSTRUCTIONS), pretrainPrompt(rng), this.checks);
        return { task, context: [{ text: context }], target: [{ text: `${answer} <eos>` }], images: [] };
      }
      case 'pair_question': {
        const { question, refs, answer } = pairQuestionCase(rng);
        return { task, context: pairQuestionContext(question), target: [{ text: `${answer} <eos>` }], images: refs };
      }
      case 'reprompt_format': {
        const prompt = pretrainPrompt(rng);
        const ins = rng.pick(INSTRUCTIONS);
        // No draw when the share is 0, so the bases made before it see the same data.
        const carried = this.repromptCarried > 0 && rng.bool(this.repromptCarried);
        const { think, answer } = carried ? carriedReprompt(rng, ins, prompt) : baseReprompt(rng, ins, prompt);
        return { task, context: [{ text: repromptContext(ins.text, prompt.text) }], target: [{ text: `${thinkAnswer(think, answer)} <eos>` }], images: [] };
      }
    }
  }
}

/**
 * The two images of a judge-format example: half of the time two random scenes, half of the time
 * the case's elaboration and one of its hard negatives (data/negatives.ts' kinds, built here from
 * specs), in random order. Only the descriptions are taught; the verdict stays random.
 */
function judgePair(rng: Rng, ins: Instruction, prompt: PromptItem): [ImageRef, ImageRef] {
  const random = (): ImageRef => ({ spec: randomSpec(rng, { pChange: 0.45 }), seed: rng.int(1 << 30) });
  const plain = defaultSpec(prompt.subject);
  const reference = rng.bool(0.5) ? null : elaborate(ins.rule, plain, rng);
  if (!reference) return [random(), random()];
  const others = SUBJECTS.filter((s) => s !== prompt.subject);
  const negative = rng.pick<SceneSpec>([plain, { ...reference, subject: rng.pick(others) }, { ...reference, subject: null }, randomSpec(rng, { pChange: 0.45 })]);
  const pair: [ImageRef, ImageRef] = [{ spec: reference, seed: rng.int(1 << 30) }, { spec: negative, seed: rng.int(1 << 30) }];
  return rng.bool() ? pair : [pair[1], pair[0]];
}

/**
 * A judge-format example whose reasoning reads its descriptions (`MixerOptions.judgeReading`):
 * half of the time phase 1's question (the prompt only: the reading checks the subject), half of
 * the time the instruction's (describe, recall, then subject and instruction for each image).
 * The verdict is drawn at random, so the zero-shot judge stays near chance.
 */
function readingJudgeExample(rng: Rng, ins: Instruction, prompt: PromptItem, pairs: Exclude<JudgeReadingPairs, 'off'>): PretrainExample {
  const draw = pairs === 'balanced' ? balancedReadingImage : readingImage;
  const refs = pairs === 'contrast' ? readingPair(rng, ins, prompt) : [draw(rng, ins, prompt), draw(rng, ins, prompt)] as [ImageRef, ImageRef];
  const verdict = rng.bool() ? 'a' : 'b';
  const [captionA, captionB] = [captionOf(refs[0].spec), captionOf(refs[1].spec)];
  const kept = (ref: ImageRef) => ref.spec.subject === prompt.subject;
  const named = (ref: ImageRef) => (pairs === 'contrast' ? undefined : { shown: ref.spec.subject ?? 'empty', ...(pairs === 'independent' ? {} : { wanted: prompt.subject }) });
  const read = (image: 'a' | 'b', ref: ImageRef, follows: boolean | null) => readingLine(image, kept(ref), follows, named(ref));
  // 'interleaved': each reading right after its own description (the recall first), so while it
  // reads one image the only description before it is that image's.
  const reason = (recall: string, followsA: boolean | null, followsB: boolean | null) =>
    pairs === 'interleaved'
      ? `${recall ? `${recall} ` : ''}${describeImage('a', captionA)} ${read('a', refs[0], followsA)} ${describeImage('b', captionB)} ${read('b', refs[1], followsB)}`
      : `${describePair(captionA, captionB)}${recall ? ` ${recall}` : ''} ${read('a', refs[0], followsA)} ${read('b', refs[1], followsB)}`;
  if (rng.bool(0.5)) {
    const think = reason('', null, null);
    return { task: 'judge_format', context: alignmentContext(prompt.text), target: [{ text: `${thinkAnswer(think, verdict)} <eos>` }], images: refs };
  }
  const follows = (ref: ImageRef) => evaluateRule(ins.rule, ref.spec).satisfied;
  const recall = instructionRecall(rng, ins);
  const think = reason(recall, follows(refs[0]), follows(refs[1]));
  return { task: 'judge_format', context: judgeContext(ins.text, prompt.text), target: [{ text: `${thinkAnswer(think, verdict)} <eos>` }], images: refs };
}

/**
 * The pair of a reading judge example: three times in four the case's elaboration and one of its
 * hard negatives (every kind of data/negatives.ts, over training instructions), in random order;
 * otherwise two random scenes.
 */
function readingPair(rng: Rng, ins: Instruction, prompt: PromptItem): [ImageRef, ImageRef] {
  const random = (): ImageRef => ({ spec: randomSpec(rng, { pChange: 0.45 }), seed: rng.int(1 << 30) });
  const reference = rng.bool(0.75) ? elaborate(ins.rule, defaultSpec(prompt.subject), rng) : null;
  const negatives = reference ? hardNegativeSpecs(ins, prompt.subject, reference, rng, { subjects: SUBJECTS, instructions: INSTRUCTIONS }) : [];
  if (!reference || negatives.length === 0) return [random(), random()];
  const pair: [ImageRef, ImageRef] = [{ spec: reference, seed: rng.int(1 << 30) }, { spec: rng.pick(negatives).spec, seed: rng.int(1 << 30) }];
  return rng.bool() ? pair : [pair[1], pair[0]];
}

/** One image of an 'independent' reading pair: the case's elaboration (40%), one of its hard negatives (45%) or a random scene. */
function readingImage(rng: Rng, ins: Instruction, prompt: PromptItem): ImageRef {
  const seed = rng.int(1 << 30);
  const r = rng.next();
  const reference = r < 0.85 ? elaborate(ins.rule, defaultSpec(prompt.subject), rng) : null;
  if (reference && r < 0.4) return { spec: reference, seed };
  const negatives = reference ? hardNegativeSpecs(ins, prompt.subject, reference, rng, { subjects: SUBJECTS, instructions: INSTRUCTIONS }) : [];
  return { spec: negatives.length ? rng.pick(negatives).spec : randomSpec(rng, { pChange: 0.45 }), seed };
}

/**
 * One image of a 'balanced' reading pair: the subject slot balanced as the subject-match task's is
 * (the prompt's subject half of the time, another 40%, none 10%), and the scene the case's
 * elaboration half of the time (mostly "instruction yes"), else a random one.
 */
function balancedReadingImage(rng: Rng, ins: Instruction, prompt: PromptItem): ImageRef {
  const seed = rng.int(1 << 30);
  const subject = balancedSubject(rng, prompt);
  const scene = (rng.bool() ? elaborate(ins.rule, defaultSpec(prompt.subject), rng) : null) ?? randomSpec(rng, { pChange: 0.45 });
  return { spec: { ...scene, subject }, seed };
}

/**
 * The caption-reading task (beyond the paper; text only, no image): one scene's caption against an
 * instruction and a prompt — does it follow the instruction while keeping the prompt's subject?
 * The caption is, half of the time, the case's elaboration, otherwise one of the hard negatives'
 * kinds (plain, subject swapped, subject lost, another concept, a random scene); the answer is the
 * world's rule, so it is right. It teaches the understanding a judge needs to *read* descriptions
 * ("a shows …. the instruction wants …."), one caption at a time — never which of two images
 * wins: judge-format verdicts stay random, so the zero-shot pairwise judge stays near chance.
 */
export function readingCase(rng: Rng, ins: Instruction, prompt: PromptItem): { spec: SceneSpec; yes: boolean } {
  const plain = defaultSpec(prompt.subject);
  const reference = elaborate(ins.rule, plain, rng) ?? plain; // (a rule no spec can satisfy: the label below says no)
  const others = SUBJECTS.filter((s) => s !== prompt.subject);
  const otherRule = rng.pick(INSTRUCTIONS.filter((i) => i.text !== ins.text)).rule;
  const spec = rng.bool(0.5) ? reference : rng.pick<SceneSpec>([plain, { ...reference, subject: rng.pick(others) }, { ...reference, subject: null }, elaborate(otherRule, plain, rng) ?? plain, randomSpec(rng, { pChange: 0.45 })]);
  return { spec, yes: spec.subject === prompt.subject && evaluateRule(ins.rule, spec).satisfied };
}

/** The caption-reading question: the judge's description and recall sentences, then yes or no. */
export function readingContext(instruction: string, prompt: string, caption: string, recall: string): string {
  return `<user> instruction: ${instruction} prompt: ${prompt} a shows ${caption}. ${recall} does a correctly follows the instruction while keeping the subject recognizable? <assistant>`;
}

/**
 * The subject-match task (beyond the paper; text only): the reading line's subject check on its
 * own — "<user> prompt: P <assistant> <think> a shows CAPTION. a: SHOWN, prompt WANTED, subject"
 * → yes / no. The described scene shows the prompt's subject half of the time, another subject
 * 40% of the time and nothing 10%, so "is the prompt's subject named in view?" is no shortcut:
 * only the match of the two words answers it (the judge-reading bases v9–v11 never learned it
 * inside the judge format, docs/model.md).
 */
export function subjectMatchCase(rng: Rng, prompt: PromptItem): { context: string; yes: boolean; shown: Subject | null } {
  const shown = balancedSubject(rng, prompt);
  const spec = { ...randomSpec(rng, { pChange: 0.45 }), subject: shown };
  const image = rng.bool() ? 'a' : 'b';
  const line = readingLine(image, shown === prompt.subject, null, { shown: shown ?? 'empty', wanted: prompt.subject }).replace(/ (yes|no)\.$/, '');
  return { context: `<user> prompt: ${prompt.text} <assistant> <think> ${describeImage(image, captionOf(spec))} ${line}`, yes: shown === prompt.subject, shown };
}

/**
 * The caption checks (beyond the paper; text only): one of two yes/no questions about one
 * described scene, each balanced so that no shortcut answers it —
 *  - subject: does the caption show the prompt's subject? (the prompt's subject half of the time,
 *    another 40%, an empty scene 10%, over random scenes: `balancedSubject`);
 *  - instruction: does it follow the instruction? (half of the time the case's elaboration, a
 *    fifth of those with another subject, since the instruction's rule does not read the subject;
 *    otherwise one of its misses — the plain picture, another concept's elaboration, the
 *    elaboration with one cue undone, a random scene). The answer is the world's rule.
 * The answer is reasoned in a few words before the yes or no (`checkAnswer`): the subject check
 * names the described subject and the prompt's side by side ("swing, prompt bridge, no"), the
 * instruction check lists the described cues its rule reads ("it has snow, blue, yes"; "it has no change, no"), so each
 * decision is a comparison of neighbouring words. Measured (docs/model.md): asked for a bare yes or
 * no, a 1000-step continuation answered "yes" for another subject 0.65 of the time and for another
 * concept 0.77 — the v9–v13 shortcut again.
 * The judge's 'read' opening (`SeerMini.judgeOpenings`) asks the same questions about the model's
 * own caption of each image; judge-format verdicts stay random, so nothing here says which of two
 * images wins.
 */
export function captionCheckCase(rng: Rng, ins: Instruction, prompt: PromptItem, style: CheckStyle = {}): { context: string; answer: string; yes: boolean; question: 'subject' | 'instruction'; kind: string } {
  if (rng.bool()) {
    const shown = balancedSubject(rng, prompt);
    const spec = { ...randomSpec(rng, { pChange: 0.45 }), subject: shown };
    const kind = shown === prompt.subject ? 'same' : shown === null ? 'empty' : 'other';
    const yes = shown === prompt.subject;
    return { context: subjectCheckContext(prompt.text, captionOf(spec)), answer: checkAnswer([shown ?? 'empty', `prompt ${prompt.subject}`], yes), yes, question: 'subject', kind };
  }
  const plain = defaultSpec(prompt.subject);
  const reference = elaborate(ins.rule, plain, rng);
  const others = SUBJECTS.filter((s) => s !== prompt.subject);
  const misses = reference ? hardNegativeSpecs(ins, prompt.subject, reference, rng, { subjects: SUBJECTS, instructions: INSTRUCTIONS }).filter((n) => keepsSubject(n.kind)) : []; // the misses of the instruction alone
  const pick = ((): { spec: SceneSpec; kind: string } => {
    if (reference && rng.bool()) return rng.bool(0.2) ? { spec: { ...reference, subject: rng.pick(others) }, kind: 'follows, other subject' } : { spec: reference, kind: 'follows' };
    if (misses.length > 0 && rng.bool(0.8)) return rng.pick(misses);
    return { spec: randomSpec(rng, { pChange: 0.45 }), kind: 'random' };
  })();
  const yes = evaluateRule(ins.rule, pick.spec).satisfied;
  const cues = ruleCues(ins.rule).filter((cue) => cueMatches(pick.spec, cue)).map(cuePhrase).filter((phrase) => phrase !== ''); // (a plain slot has no phrase)
  const worded = (style.wordings ?? 0) > 0 && rng.bool(style.wordings) ? (freshWording(rng, ins.rule, { conceptsOnly: style.wordingsOf === 'concepts' }) ?? ins.text) : ins.text;
  const text = (style.long ?? 0) > 0 && rng.bool(style.long) ? (longWording(rng, ins.rule) ?? worded) : worded;
  const listed = `it has ${cues.length ? [...new Set(cues)].join(', ') : 'no change'}`;
  const opening = style.opening === 'recall' ? `wants ${ruleRecall(ins.rule)}. ` : style.opening === 'keywords' ? `asks ${ruleKeywords(ins.rule, text).join(', ')}. ` : '';
  return { context: instructionCheckContext(text, captionOf(pick.spec)), answer: checkAnswer([`${opening}${listed}`], yes), yes, question: 'instruction', kind: pick.kind };
}

/**
 * How the instruction check is taught (`MixerOptions.checks`; all off in the v16 and v17 bases):
 * `wordings` — the share of instruction checks whose instruction is a fresh wording of its rule
 * (world/wordings.ts `freshWording`), so the check reads the instruction's words instead of
 * recognising a memorised text; `wordingsOf` — every rule, or rules over concepts alone (a slot
 * value's instruction keeps its text); `opening` — what the answer says before it lists the
 * caption's cues: nothing ('cues', "it has yellow, at sunset, yes"), the rule recalled in
 * descriptor words ('recall', "wants two of a smile, yellow, …. it has …"), or the instruction's
 * own words for what it asks ('keywords', "asks cheerful. it has …": world/wordings.ts `ruleKeywords`);
 * `knowledge` — the share of instruction checks (drawn before the subject-or-instruction draw,
 * which does not read it) whose instruction is a rule the knowledge corpus
 * states over any of its concepts, OOD ones included, in a fresh wording (world/wordings.ts
 * `knowledgeCheckInstruction`), so the check links every concept the corpus describes to a caption;
 * `long` — the share of instruction checks (drawn last, so a recipe without it draws what it drew
 * before) whose text is then a longer sentence in unfamiliar framing (world/long-wordings.ts
 * `longWording`), so the check reads sentences of other shapes than the templates'.
 */
export const CHECK_OPENINGS = ['cues', 'recall', 'keywords'] as const;
export interface CheckStyle {
  wordings?: number;
  wordingsOf?: 'all' | 'concepts';
  opening?: (typeof CHECK_OPENINGS)[number];
  knowledge?: number;
  long?: number;
}

/** The subject a balanced example shows: the prompt's half of the time, another one 40%, none 10%. */
function balancedSubject(rng: Rng, prompt: PromptItem): Subject | null {
  const r = rng.next();
  return r < 0.5 ? prompt.subject : r < 0.9 ? rng.pick(SUBJECTS.filter((s) => s !== prompt.subject)) : null;
}

/**
 * A multi-image question (beyond the paper; general understanding, not SEER's judge): "which image
 * shows a snail?", "which image has horns?", "which image looks scary?" over two scenes of which
 * exactly one does. Half of the time the other scene is the same one with only the asked-about part
 * changed (the subject swapped or gone, the cue's slot changed, the concept's cues removed), the
 * shape of the judge's hard negatives; otherwise another random scene. A real UMM answers such
 * questions before any judge training; SEER-Mini learns them here, so a judge's verdict has a
 * comparison of two images to reuse — its own verdicts stay random in pretraining.
 */
export function pairQuestionCase(rng: Rng): { question: string; refs: [ImageRef, ImageRef]; answer: 'a' | 'b' } {
  // A draw whose "no" scene happens to answer the question too (a random scene with the cue) is
  // drawn again; the subject question always has an answer, so it is the last resort.
  for (let tries = 0; ; tries++) {
    const drawn = tries < 10 ? pairQuestionDraw(rng, rng.int(3)) : pairQuestionDraw(rng, 0);
    if (drawn.answers(drawn.yes) && !drawn.answers(drawn.no)) {
      const refs: [ImageRef, ImageRef] = [{ spec: drawn.yes, seed: rng.int(1 << 30) }, { spec: drawn.no, seed: rng.int(1 << 30) }];
      return rng.bool() ? { question: drawn.question, refs, answer: 'a' } : { question: drawn.question, refs: [refs[1], refs[0]], answer: 'b' };
    }
  }
}

/** One candidate of `pairQuestionCase`: kind 0 asks for a subject, 1 for a cue, 2 for a concept; `answers` is the world's truth. */
function pairQuestionDraw(rng: Rng, kind: number): { question: string; yes: SceneSpec; no: SceneSpec; answers: (spec: SceneSpec) => boolean } {
  const scene = randomSpec(rng, { pChange: 0.45 });
  const similar = rng.bool();
  if (kind === 0) {
    const subject = rng.pick(SUBJECTS);
    const yes = { ...scene, subject };
    const other = rng.bool(0.75) ? rng.pick(SUBJECTS.filter((s) => s !== subject)) : null;
    const no = similar ? { ...yes, subject: other } : { ...randomSpec(rng, { pChange: 0.45 }), subject: other };
    return { question: `which image shows a ${subject}?`, yes, no, answers: (spec) => spec.subject === subject };
  }
  const concept = rng.pick(Object.keys(CONCEPTS) as Concept[]);
  const plain = defaultSpec(rng.pick(SUBJECTS));
  const no = similar ? plain : randomSpec(rng, { pChange: 0.45 });
  const named = CONCEPTS[concept].filter((c) => cuePhrase(c) !== ''); // (a cue whose value has no words cannot be asked for)
  if (kind === 1 && named.length > 0) {
    const cue = rng.pick(named);
    const yes = { ...(similar ? plain : scene), [cue.attr]: cue.value } as SceneSpec;
    return { question: `which image has ${cuePhrase(cue)}?`, yes, no, answers: (spec) => cueMatches(spec, cue) };
  }
  const yes = elaborate({ kind: 'cues', concept, atLeast: 1 }, similar ? plain : scene, rng) ?? plain;
  return { question: `which image looks ${rng.pick(CONCEPT_WORDS[concept])}?`, yes, no, answers: (spec) => cueCount(spec, concept) > 0 };
}

/** A POPE-style question about one slot, answered yes half of the time. */
export function yesNoQuestion(spec: SceneSpec, rng: Rng): { question: string; yes: boolean } {
  const yes = rng.bool();
  const pickOther = <T>(values: readonly T[], current: T): T => rng.pick(values.filter((v) => v !== current));
  const kind = rng.int(7);
  const subject = spec.subject ?? 'object';
  switch (kind) {
    case 0: {
      const name = yes ? subject : pickOther(SUBJECTS, spec.subject);
      return { question: `is there a ${name}?`, yes };
    }
    case 1: {
      const v = yes ? spec.colour : pickOther(COLOURS, spec.colour);
      return { question: `is it ${v}?`, yes };
    }
    case 2: {
      const v = yes ? spec.material : pickOther(MATERIALS, spec.material);
      return { question: `is it ${MATERIAL_WORDS[v] || 'plain'}?`, yes };
    }
    case 3: {
      const v = yes ? spec.accessory : pickOther(ACCESSORIES, spec.accessory);
      return { question: `does it have ${ACCESSORY_WORDS[v] || 'no accessory'}?`, yes };
    }
    case 4: {
      const v = yes ? spec.eyes : pickOther(EYES, spec.eyes);
      const m = yes ? spec.mouth : pickOther(MOUTHS, spec.mouth);
      return rng.bool()
        ? { question: `does it have ${EYES_WORDS[v] || 'no eyes'}?`, yes }
        : { question: `does it have ${MOUTH_WORDS[m] || 'no mouth'}?`, yes };
    }
    case 5: {
      const v = yes ? spec.style : pickOther(STYLES, spec.style);
      return { question: `is it ${STYLE_WORDS[v] || 'a normal picture'}?`, yes };
    }
    default: {
      const v = yes ? spec.background : pickOther(BACKGROUNDS, spec.background);
      return { question: `is it ${BACKGROUND_WORDS[v] || 'on a plain background'}?`, yes };
    }
  }
}

/**
 * The UMM's modes as text templates (mirroring the paper's Appendix A.3) and the parsers of their
 * outputs. Parsing never throws: garbage gives a typed failure, which is what the format reward
 * and the failure-type counts need.
 *
 * Departure: the paper's templates are long natural-language system prompts for a 1.5B model; ours
 * keep their structure and wording in miniature, because SEER-Mini's context is short.
 */

export const JUDGE_QUESTION =
  'which image correctly follows the instruction while keeping the subject recognizable and having better quality? answer a or b.';
export const REPROMPT_QUESTION = 'think about the instruction, then rewrite the prompt so the image follows it.';
export const CAPTION_QUESTION = 'describe the image.';

/** Text segments with image slots; the model layer swaps each image for `<img> codes </img>`. */
export type Segment = { text: string } | { image: number };

export function judgeContext(instruction: string, prompt: string): Segment[] {
  return [
    { text: `<user> instruction: ${instruction} prompt: ${prompt} image a:` },
    { image: 0 },
    { text: 'image b:' },
    { image: 1 },
    { text: `${JUDGE_QUESTION} <assistant>` },
  ];
}

/** Phase-1 judging (basic alignment): no instruction, only "which image shows the prompt?". */
export function alignmentContext(prompt: string): Segment[] {
  return [
    { text: `<user> prompt: ${prompt} image a:` },
    { image: 0 },
    { text: 'image b:' },
    { image: 1 },
    { text: 'which image shows the prompt better? answer a or b. <assistant>' },
  ];
}

export function repromptContext(instruction: string, prompt: string): string {
  return `<user> instruction: ${instruction} prompt: ${prompt} ${REPROMPT_QUESTION} <assistant>`;
}

export function generateContext(caption: string): string {
  return `<user> draw: ${caption} <assistant>`;
}

export function captionContext(): Segment[] {
  return [{ text: '<user>' }, { image: 0 }, { text: `${CAPTION_QUESTION} <assistant>` }];
}

export function questionContext(question: string): Segment[] {
  return [{ text: '<user>' }, { image: 0 }, { text: `question: ${question} <assistant>` }];
}

/** A question about two images, answered a or b (multi-image understanding, pretraining's `pair_question`). */
export function pairQuestionContext(question: string): Segment[] {
  return [{ text: '<user> image a:' }, { image: 0 }, { text: 'image b:' }, { image: 1 }, { text: `question: ${question} answer a or b. <assistant>` }];
}

/** How a judge's reasoning describes the two images (pretraining's judge format, and the captioned opening). */
export function describePair(captionA: string, captionB: string): string {
  return `${describeImage('a', captionA)} ${describeImage('b', captionB)}`;
}

/** One image's description in a judge's reasoning ("a shows a red fox."). */
export function describeImage(image: 'a' | 'b', caption: string): string {
  return `${image} shows ${caption}.`;
}

/**
 * The judge's reading of one description (pretraining's judge format with `judgeReading`, beyond
 * the paper): does the image keep the prompt's subject, and — when there is an instruction — does
 * it follow it? "a: subject yes, instruction no."; with the subject named first ("a: snail,
 * subject yes, …"; "empty" for an empty scene), which splits the subject check into a copy
 * from the description and a match against the prompt; or with the prompt's subject copied beside
 * it ("a: cup, prompt snail, subject no, …"), so the match compares two neighbouring words
 * instead of a word with the prompt far back in the context. The answers are the world's rule
 * applied to the described scene, so they are right; the verdict after them stays random in
 * pretraining.
 */
export function readingLine(image: 'a' | 'b', subjectKept: boolean, followsInstruction: boolean | null, named?: { shown: string; wanted?: string }, evidence?: string): string {
  const yesNo = (v: boolean) => (v ? 'yes' : 'no');
  const subjects = named === undefined ? '' : named.wanted === undefined ? `${named.shown}, ` : `${named.shown}, prompt ${named.wanted}, `;
  const head = `${image}: ${subjects}subject ${yesNo(subjectKept)}`;
  return followsInstruction === null ? `${head}.` : `${head}, instruction ${yesNo(followsInstruction)}${evidence ? `, ${evidence}` : ''}.`;
}

/** The two reading lines a judge writes after describing both images ("a: … b: …"), or null when its reasoning carries none. */
export function parseReadings(think: string): { a: { subject: boolean; instruction: boolean | null }; b: { subject: boolean; instruction: boolean | null } } | null {
  const one = (image: 'a' | 'b') => {
    const m = new RegExp(`(?:^|\\.\\s)${image}: (?:[a-z]+, (?:prompt [a-z]+, )?)?subject (yes|no)(?:, instruction (yes|no)(?:, it has [^.]*)?)?\\.`).exec(think);
    return m ? { subject: m[1] === 'yes', instruction: m[2] === undefined ? null : m[2] === 'yes' } : null;
  };
  const a = one('a');
  const b = one('b');
  return a && b ? { a, b } : null;
}

/** The verdict two reading lines imply: the only image read as keeping the subject and following the instruction (where asked), else a tie. */
export function readingVerdict(readings: ReturnType<typeof parseReadings>): 'A' | 'B' | 'tie' {
  if (!readings) return 'tie';
  const ok = (r: { subject: boolean; instruction: boolean | null }) => r.subject && r.instruction !== false;
  const [a, b] = [ok(readings.a), ok(readings.b)];
  return a === b ? 'tie' : a ? 'A' : 'B';
}

/**
 * The opening of a judge's reasoning when its descriptions are captions (`judgeDescriptions:
 * 'captioned'`): the model continues it with its recall of the instruction and its verdict.
 */
export function captionedOpening(captionA: string, captionB: string): string {
  return `<think> ${describePair(captionA, captionB)}`;
}

/**
 * Where a judge's descriptions of the two images come from. 'written': it writes them in its own
 * reasoning, after the prompt and instruction (the paper's CoT judge). 'captioned' (beyond the
 * paper): each image is first captioned alone in the caption mode — the same model, no prompt in
 * context to prime it — and the reasoning opens with those captions (`captionedOpening`); the
 * model writes the rest, its recall of the instruction and its verdict. Measured on validation
 * (docs/seer.md): a perfect reader of the captions reaches 0.80, of the written descriptions 0.63.
 * 'read' (beyond the paper): the captions, then the model's own answers to two text-only questions
 * about each caption — does it show the prompt's subject, does it follow the instruction
 * (`subjectCheckContext`, `instructionCheckContext`; pretraining's `caption_check` task) — so the
 * reasoning carries the model's reading of each image and RLVR has to make the verdict follow it.
 * 'read-cues': the same, each instruction answer with the cues its check listed ("instruction no,
 * it has snow"), so that when neither image complies the reasoning still says which holds more of
 * the instruction (measured with graded pairs in Stage 1, docs/seer.md: the verdict did not learn
 * to use them).
 */
export type JudgeDescriptions = 'written' | 'captioned' | 'read' | 'read-cues';
export const JUDGE_DESCRIPTIONS = ['written', 'captioned', 'read', 'read-cues'] as const satisfies readonly JudgeDescriptions[];

/**
 * Text-only questions about one described image (beyond the paper): pretraining's `caption_check`
 * task, and the judge's 'read' opening (`SeerMini.judgeOpenings`), where the model answers them
 * about its own caption of each image. Answered "yes" or "no".
 */
export function subjectCheckContext(prompt: string, caption: string): string {
  return `<user> prompt: ${prompt} image shows ${caption}. does the image show the subject of the prompt? <assistant>`;
}

export function instructionCheckContext(instruction: string, caption: string): string {
  return `<user> instruction: ${instruction} image shows ${caption}. does the image correctly follows the instruction? <assistant>`;
}

/** A caption check's answer: a few words of reasoning, then yes or no ("swing, prompt bridge, no"). */
export function checkAnswer(reasons: readonly string[], yes: boolean): string {
  return `${[...reasons, yes ? 'yes' : 'no'].join(', ')}`;
}

/** A caption check's answer split into its reasons and the yes or no it ends with (null when it ends with neither; then it is all reasons). */
export function splitCheckAnswer(text: string): { reasons: string; yes: boolean | null } {
  const answer = text.replace(/<eos>/g, '').trim();
  const last = /(?:^|,?\s+|,)(yes|no)\W*$/.exec(answer);
  return last ? { reasons: answer.slice(0, last.index), yes: last[1] === 'yes' } : { reasons: answer, yes: null };
}

/** The yes or no a caption check's answer ends with, or null when it ends with neither. */
export function parseCheckAnswer(text: string): boolean | null {
  return splitCheckAnswer(text).yes;
}

/** One image's answers to the caption checks: subject kept, and (with an instruction) instruction followed, with the cues the check listed ("it has snow, blue"). */
export interface ImageReading {
  subject: boolean;
  instruction: boolean | null;
  evidence?: string;
}

/**
 * The opening of a judge's reasoning with `judgeDescriptions: 'read'`: both captions, then the
 * model's own answers to the caption checks ("a: subject yes, instruction no. b: …"), with
 * `cues` the cues its instruction check listed ("a: subject yes, instruction no, it has snow.");
 * the model writes the rest and its verdict.
 */
export function readOpening(captionA: string, captionB: string, a: ImageReading, b: ImageReading, options: { cues?: boolean } = {}): string {
  const line = (image: 'a' | 'b', r: ImageReading) => readingLine(image, r.subject, r.instruction, undefined, options.cues ? r.evidence : undefined);
  return `${captionedOpening(captionA, captionB)} ${line('a', a)} ${line('b', b)}`;
}

export function thinkAnswer(think: string, answer: string): string {
  return `<think> ${think} </think> <answer> ${answer} </answer>`;
}

export type ParseFailure = { ok: false; reason: 'no_think' | 'no_answer' | 'empty_answer' | 'bad_verdict' | 'trailing_text' };
export type JudgeParse = { ok: true; think: string; verdict: 'A' | 'B' } | ParseFailure;
export type RepromptParse = { ok: true; think: string; reprompt: string } | ParseFailure;

const FORMAT = /^\s*<think>([\s\S]*?)<\/think>\s*<answer>([\s\S]*?)<\/answer>\s*(?:<eos>)?\s*$/;

/** The paper's format check: `<think>…</think>\s*<answer>…</answer>` and nothing else. */
export function hasValidFormat(text: string): boolean {
  const m = FORMAT.exec(text);
  return m !== null && (m[2] ?? '').trim() !== '';
}

function parseThinkAnswer(text: string): { ok: true; think: string; answer: string } | ParseFailure {
  if (!/<think>[\s\S]*?<\/think>/.test(text)) return { ok: false, reason: 'no_think' };
  if (!/<answer>[\s\S]*?<\/answer>/.test(text)) return { ok: false, reason: 'no_answer' };
  const m = FORMAT.exec(text);
  if (!m) return { ok: false, reason: 'trailing_text' };
  const answer = (m[2] ?? '').trim();
  if (answer === '') return { ok: false, reason: 'empty_answer' };
  return { ok: true, think: (m[1] ?? '').trim(), answer };
}

/** The model's reasoning up to the answer slot, `<think> … </think> <answer>`: where a verdict is scored. */
export function thinkPrefix(output: string): string {
  const m = /<think>([\s\S]*?)<\/think>/.exec(output);
  return `<think> ${(m?.[1] ?? '').trim()} </think> <answer>`;
}

export function parseJudgeOutput(text: string): JudgeParse {
  const parsed = parseThinkAnswer(text);
  if (!parsed.ok) return parsed;
  const word = parsed.answer.toLowerCase().replace(/[^a-z]/g, '');
  if (word === 'a' || word === 'imagea') return { ok: true, think: parsed.think, verdict: 'A' };
  if (word === 'b' || word === 'imageb') return { ok: true, think: parsed.think, verdict: 'B' };
  return { ok: false, reason: 'bad_verdict' };
}

export function parseRepromptOutput(text: string): RepromptParse {
  const parsed = parseThinkAnswer(text);
  if (!parsed.ok) return parsed;
  return { ok: true, think: parsed.think, reprompt: parsed.answer };
}

/**
 * The cue phrases a reasoning recalls from the knowledge corpus, in the shapes pretraining taught
 * (src/pretrain/reprompts.ts: `baseReprompt`, `instructionRecall`): "that means stone or ice.",
 * "something cute often has a smile or big eyes.", "the instruction wants something royal: a crown
 * or purple." Empty when the reasoning recalls nothing; a part that names cues to avoid ("nothing
 * crude like …") is left out.
 */
export function recalledPhrases(think: string): string[] {
  const phrases: string[] = [];
  for (const m of think.toLowerCase().matchAll(/(?:that means|often has|wants [^:.]*:)\s+([^.]*)\./g)) {
    // "…: a crown or purple, and something wintry: snow" lists two parts; "nothing crude like mud" names cues to avoid.
    for (const part of (m[1] ?? '').replace(/,? and something [^:.]*:\s*/g, ', ').split(/,? or |, and |, /)) {
      const phrase = part.trim();
      if (phrase !== '' && !/^(nothing|something) /.test(phrase) && !phrases.includes(phrase)) phrases.push(phrase);
    }
  }
  return phrases;
}

/** Whether `text` says `phrase` as whole words ("a stone cat" says "stone", not "one"). */
export function saysPhrase(text: string, phrase: string): boolean {
  const escaped = phrase.toLowerCase().replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\s+/g, '\\s+');
  return new RegExp(`(?:^|[^a-z])${escaped}(?:$|[^a-z])`).test(text.toLowerCase());
}

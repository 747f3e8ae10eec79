/**
 * An instruction in other words, and what its rule wants in words.
 *
 * - `freshWording` writes a new instruction text for a rule ("Give it a menacing look." for "at
 *   least two scary cues"; "Make it adorable, yet eye-catching." for one cue of each; "Build it
 *   from ice." for the ice material), from the concept words of the knowledge corpus
 *   (`CONCEPT_WORDS`) and the descriptor words of the generator's captions. Pretraining's caption
 *   checks use it so that the check reads the instruction's words instead of recognising one of
 *   sixty memorised texts (measured, docs/model.md: the v17 check right 0.94 of the time on the
 *   training texts and 0.68 on their never-read paraphrases). No wording is any instruction's
 *   paraphrase, so the paraphrases stay a probe of unread wordings, nor an out-of-distribution
 *   instruction's text.
 * - `knowledgeCheckInstruction` is a rule the knowledge corpus states — two cues of any of its
 *   concepts, the out-of-distribution ones included, or one cue of each of two — in a fresh
 *   wording: what a check grounded in the corpus asks (the `knowledge` share of pretraining's
 *   caption checks). The OOD instruction texts stay unseen; their concepts, which the corpus has
 *   always described, become ones the model can check a caption against, as a pretrained UMM
 *   checks "futuristic" (docs/model.md, "Checks from the knowledge corpus").
 * - `ruleRecall` says what a rule wants in the generator's descriptor words ("two of red eyes,
 *   fangs, horns …"; "ice"; "one of … and one of …") — the concept → cue links the knowledge
 *   corpus states, in the order a check can then compare with a caption.
 *
 * Beyond the paper: the paper's judge is a pretrained UMM that already reads instructions it has
 * never seen; SEER-Mini has to be taught to.
 */
import type { Rng } from '../core/rng.ts';
import { CONCEPTS, type Concept, type Cue } from './concepts.ts';
import type { Attribute } from './spec.ts';
import { ALL_INSTRUCTIONS, OOD_INSTRUCTIONS, type Instruction } from './instructions.ts';
import { article } from './grammar.ts';
import { CONCEPT_WORDS, cuePhrase } from './knowledge.ts';
import { all, cues, elaborate, type Rule } from './rules.ts';
import { defaultSpec } from './spec.ts';

/** Concept words that are noun phrases ("a lullaby", "impending danger") take the "like …" templates. */
export const isNoun = (word: string) => word.startsWith('a ') || word === 'impending danger';
/** A descriptor phrase with its article ("a pencil sketch"; "surveillance footage" takes none). */
export const withArticle = (phrase: string) => (phrase.endsWith('footage') ? phrase : `${article(phrase)} ${phrase}`);
/** A material's descriptor as a noun ("wood" for the caption's "wooden"). */
export const materialWord = (phrase: string) => (phrase === 'wooden' ? 'wood' : phrase);
const ONE_NOUN: readonly ((word: string) => string)[] = [
  (w) => `Make this image feel like ${w}.`,
  (w) => `Make it look like ${w}.`,
  (w) => `Make this picture feel like ${w}.`,
];
const ONE_CONCEPT: readonly ((word: string) => string)[] = [
  (w) => `Make it look ${w}.`,
  (w) => `Give it ${article(w)} ${w} look.`,
  (w) => `Make it appear ${w}.`,
  (w) => `Make this image feel ${w}.`,
  (w) => `Make this picture look ${w}.`,
];
const TWO_CONCEPTS: readonly ((first: string, second: string) => string)[] = [
  (a, b) => `Make it ${a}, yet ${b}.`,
  (a, b) => `Make it look ${a} but ${b}.`,
  (a, b) => `Make it ${a} and still ${b}.`,
  (a, b) => `Make this image feel ${a}, yet ${b}.`,
];
const AVOIDING: readonly ((wanted: string, avoided: string) => string)[] = [
  (a, b) => `Make it look ${a} and not ${b}.`,
  (a, b) => `Make it ${a}, never ${b}.`,
];

/** Templates for one slot value, by slot, over its descriptor phrase ("stone", "a halo", "pencil sketch"). */
const ONE_SLOT: Partial<Record<Attribute, readonly ((phrase: string) => string)[]>> = {
  material: [(p) => `Make it out of ${materialWord(p)}.`, (p) => `Turn it into ${withArticle(p)} figure.`, (p) => `Give it a body of ${materialWord(p)}.`, (p) => `Build it from ${materialWord(p)}.`],
  style: [(p) => `Show it as ${withArticle(p)}.`, (p) => `Render it as ${withArticle(p)}.`, (p) => `Make it look like ${withArticle(p)}.`],
  accessory: [(p) => `Give it ${p}.`, (p) => `Add ${p} to it.`, (p) => `Put ${p} on it.`],
  eyes: [(p) => `Give it ${p}.`, (p) => `Add ${p} to it.`, (p) => `Put ${p} on it.`],
  mouth: [(p) => `Give it ${p}.`, (p) => `Add ${p} to it.`, (p) => `Put ${p} on it.`],
  blush: [(p) => `Give it ${p}.`, (p) => `Add ${p} to it.`, (p) => `Put ${p} on it.`],
  colour: [(p) => `Paint it ${p}.`, (p) => `Make it ${p}.`, (p) => `Colour it ${p}.`],
  background: [(p) => `Show it ${p}.`, (p) => `Set it ${p}.`],
};

/**
 * A new text for a rule: one slot value (a material, a style, an accessory, a colour …), at least
 * two cues of one concept, one cue of each of two concepts (or a material and a concept), cues of
 * one concept and none of another; null for any other rule (none among the training instructions
 * but "simple and plain, yet eye-catching"). `conceptsOnly`: null for a rule with a slot value.
 */
export function freshWording(rng: Rng, rule: Rule, options: { conceptsOnly?: boolean } = {}): string | null {
  if (options.conceptsOnly && !readsConceptsOnly(rule)) return null;
  return drawAllowed(() => drawWording(rng, rule), (text) => !UNWRITTEN.has(text));
}

/** The first of up to twenty draws that is null or allowed; null if none is. */
export function drawAllowed(draw: () => string | null, allowed: (text: string) => boolean): string | null {
  for (let tries = 0; tries < 20; tries++) {
    const text = draw();
    if (text === null || allowed(text)) return text;
  }
  return null;
}

/** A rule over concepts alone (no slot value): what `conceptsOnly` rewords. */
function readsConceptsOnly(rule: Rule): boolean {
  return rule.kind === 'all' ? rule.of.every(readsConceptsOnly) : rule.kind !== 'is';
}

/**
 * Never written here: every instruction's paraphrases, so they stay wordings no pretraining task
 * shows, and the OOD instructions' texts, so the test's texts stay unseen ("Make this image feel
 * mysterious." is a template's wording of a knowledge rule). No training rule's wording is an OOD
 * text, so adding them changed no wording drawn before.
 */
export const UNWRITTEN: ReadonlySet<string> = new Set([...ALL_INSTRUCTIONS.flatMap((ins) => ins.paraphrases), ...OOD_INSTRUCTIONS.map((ins) => ins.text)]);

const ALL_CONCEPTS = Object.keys(CONCEPTS) as Concept[];

/**
 * A check's instruction from the knowledge corpus: two cues of one of its concepts (any of the
 * forty, the OOD ones included) 70% of the time, otherwise one cue of each of two concepts that
 * some scene satisfies together, in a fresh wording. Its id is `knowledge`, its split `id`: it is
 * no instruction of the world and no RL step sees it.
 */
export function knowledgeCheckInstruction(rng: Rng): Instruction {
  for (;;) {
    const single = rng.bool(0.7);
    const first = rng.pick(ALL_CONCEPTS);
    const second = rng.pick(ALL_CONCEPTS.filter((c) => c !== first));
    const rule = single ? cues(first, 2) : all(cues(first), cues(second));
    if (elaborate(rule, defaultSpec('cat'), rng) === null) continue; // no scene follows it (two cues on one slot)
    const text = freshWording(rng, rule);
    if (text === null) continue;
    return { id: 'knowledge', text, paraphrases: [], category: single ? 'attribute' : 'constraint', difficulty: 'hard', split: 'id', rule };
  }
}

function drawWording(rng: Rng, rule: Rule): string | null {
  if (rule.kind === 'is') {
    const templates = ONE_SLOT[rule.attr];
    const phrase = rule.values.length === 1 ? cuePhrase({ attr: rule.attr, value: rule.values[0]! } as Cue) : '';
    return templates && phrase ? rng.pick(templates)(phrase) : null;
  }
  if (rule.kind === 'cues' && rule.atLeast === 2) {
    const w = rng.pick(CONCEPT_WORDS[rule.concept]);
    return isNoun(w) ? rng.pick(ONE_NOUN)(w) : rng.pick(ONE_CONCEPT)(w);
  }
  if (rule.kind !== 'all' || rule.of.length !== 2) return null;
  const [first, second] = rule.of.map((part) => partWord(rng, part)) as [string | null, string | null];
  if (first === null || second === null) return null;
  if (rule.of[1]!.kind === 'none') return rng.pick(AVOIDING)(first, second);
  return rng.pick(TWO_CONCEPTS)(first, second);
}

/** One part of a two-part rule in a word: a concept's (one cue of it, or none of it) or a material's; null otherwise. */
function partWord(rng: Rng, part: Rule): string | null {
  if (part.kind === 'cues' || part.kind === 'none') {
    const w = rng.pick(CONCEPT_WORDS[part.concept]);
    return isNoun(w) ? `like ${w}` : w;
  }
  if (part.kind === 'is' && part.attr === 'material' && part.values.length === 1) return cuePhrase({ attr: 'material', value: part.values[0]! } as Cue) || null;
  return null;
}

const COUNT_WORDS = ['none', 'one', 'two', 'three'];

/** What a rule wants, in descriptor words: "ice"; "red or brown"; "two of …"; parts joined by "and". */
export function ruleRecall(rule: Rule): string {
  const phrase = (attr: string, value: unknown) => cuePhrase({ attr, value } as Parameters<typeof cuePhrase>[0]) || `plain ${attr}`;
  switch (rule.kind) {
    case 'is':
      return rule.values.map((value) => phrase(rule.attr, value)).join(' or ');
    case 'cues':
      return `${COUNT_WORDS[rule.atLeast] ?? String(rule.atLeast)} of ${CONCEPTS[rule.concept].map((cue) => phrase(cue.attr, cue.value)).join(', ')}`;
    case 'none':
      return `none of ${CONCEPTS[rule.concept].map((cue) => phrase(cue.attr, cue.value)).join(', ')}`;
    case 'all':
      return rule.of.map(ruleRecall).join(' and ');
  }
}

/**
 * The words of an instruction text that name what its rule asks for, one per part of the rule:
 * the concept word or descriptor word the text uses ("cheerful", "red", "top hat"), or, when the
 * text names it otherwise ("rough granite" for stone), the part's own descriptor or concept word.
 */
export function ruleKeywords(rule: Rule, text: string): string[] {
  const lower = text.toLowerCase();
  const found = (words: readonly string[]) => words.find((w) => new RegExp(`\\b${w.replace(/^an? /, '')}\\b`).test(lower));
  switch (rule.kind) {
    case 'is': {
      const phrases = rule.values.map((value) => cuePhrase({ attr: rule.attr, value } as Cue)).filter((p) => p !== '');
      const forms = phrases.flatMap((p) => [p, materialWord(p)]);
      return [found(forms)?.replace(/^an? /, '') ?? phrases[0]?.replace(/^an? /, '') ?? `plain ${rule.attr}`];
    }
    case 'cues':
    case 'none':
      return [found(CONCEPT_WORDS[rule.concept]) ?? CONCEPT_WORDS[rule.concept][0]!];
    case 'all':
      return rule.of.flatMap((part) => ruleKeywords(part, text));
  }
}

/**
 * Instructions in longer, unfamiliar sentences: a rule worded the way a person writes a request —
 * with framing words around the concept ("Transform it so that it looks eerie and haunted."), two
 * or three of a concept's words at once ("Give it a cold, icy feeling."), a second part joined by
 * more than a comma ("Keep it cute, but let it also feel menacing."), a slot value named inside a
 * longer phrase ("Turn the object into a figure made entirely of ice.").
 *
 * Why: the template wordings of ./wordings.ts taught the check to read short sentences it had not
 * seen, yet v23's check still decides 0.73 of validation's judgements when the instructions are
 * paraphrased against 0.88 with their own texts (docs/seer.md) — its reading of a sentence
 * longer or framed otherwise than the templates is what loses. Pretraining's caption checks use
 * these for a share of their instructions (`CheckStyle.long`).
 *
 * Like every fresh wording, none is any instruction's paraphrase (they stay the probe of unread
 * wordings) nor an OOD instruction's text; stricter here, none has the same words as one in any
 * order ("Make it look high-tech and futuristic." is the OOD text with its two words swapped).
 * Beyond the paper: its judge is a pretrained UMM that has read sentences of every shape.
 */
import type { Rng } from '../core/rng.ts';
import type { Concept, Cue } from './concepts.ts';
import { CONCEPT_WORDS, cuePhrase } from './knowledge.ts';
import type { Rule } from './rules.ts';
import type { Attribute } from './spec.ts';
import { article } from './grammar.ts';
import { UNWRITTEN, drawAllowed, isNoun, materialWord, withArticle } from './wordings.ts';

/** Two of a concept's adjectives at once: "cold and icy", "a cold, icy feeling". */
const TWO_WORDS: readonly ((a: string, b: string) => string)[] = [
  (a, b) => `Make it look ${a} and ${b}.`,
  (a, b) => `Give it ${article(a)} ${a}, ${b} feeling.`,
  (a, b) => `Give it ${article(a)} ${a}, ${b} aesthetic.`,
  (a, b) => `Transform it so that it looks ${a} and ${b}.`,
  (a, b) => `I want the whole scene to feel ${a}, almost ${b}.`,
  (a, b) => `Change the picture so that it looks ${a} and feels ${b}.`,
];
/** One adjective inside a longer frame. */
const ONE_WORD: readonly ((w: string) => string)[] = [
  (w) => `Change the picture so that anyone would call it ${w}.`,
  (w) => `Make the object appear as ${w} as possible.`,
  (w) => `Give the whole image ${article(w)} ${w} atmosphere.`,
  (w) => `Make this image convey something ${w}.`,
  (w) => `Transform the scene so it feels truly ${w}.`,
];
/** A noun phrase inside a longer frame. */
const ONE_NOUN: readonly ((n: string) => string)[] = [
  (n) => `Make the whole scene feel like ${n}.`,
  (n) => `Change the picture so it reminds you of ${n}.`,
  (n) => `Make this image evoke ${n}.`,
];
/** Two parts, each a phrase: "menacing", "made of ice", "like a lullaby". */
const TWO_PARTS: readonly ((a: string, b: string) => string)[] = [
  (a, b) => `Make the object look ${a}, yet undeniably ${b}.`,
  (a, b) => `Keep it ${a}, but let it also feel ${b}.`,
  (a, b) => `It should look ${a}; at the same time, make it ${b}.`,
  (a, b) => `Make it ${a}, while still looking ${b}.`,
  (a, b) => `Transform it to be ${a} and, surprisingly, ${b}.`,
];
/** A material first, then a concept: "Render it as cheap plastic, yet make it appear precious." */
const MATERIAL_THEN: readonly ((m: string, b: string) => string)[] = [
  (m, b) => `Render it in ${m}, yet make it appear ${b}.`,
  (m, b) => `Make it out of ${m}, but keep it looking ${b}.`,
  (m, b) => `Build the object from ${m} and still make it ${b}.`,
];
const AVOIDING: readonly ((a: string, b: string) => string)[] = [
  (a, b) => `Make it look ${a}, without anything ${b} about it.`,
  (a, b) => `Keep it ${a}, and make sure nothing about it is ${b}.`,
];
/** One slot value inside a longer phrase, by slot. */
const ONE_SLOT: Partial<Record<Attribute, readonly ((phrase: string) => string)[]>> = {
  material: [(p) => `Turn the object into a figure made entirely of ${p}.`, (p) => `Transform it so it looks like it is made of ${p}.`, (p) => `Change its material so the whole thing is ${p}.`],
  style: [(p) => `Present the whole picture as ${withArticle(p)}.`, (p) => `Change the picture so it looks like ${withArticle(p)}.`],
  accessory: [(p) => `Give the object ${p} to wear.`, (p) => `Make sure it wears ${p}.`],
  eyes: [(p) => `Change its eyes into ${p}.`, (p) => `Make sure it has ${p}.`],
  mouth: [(p) => `Change its mouth so it shows ${p}.`, (p) => `Make sure it has ${p}.`],
  blush: [(p) => `Add a touch of ${p} to its cheeks.`],
  colour: [(p) => `Change its whole colour to ${p}.`, (p) => `Repaint the object all in ${p}.`],
  background: [(p) => `Change the scene so it is ${p}.`, (p) => `Place the whole scene ${p}.`],
};

/**
 * A long wording of a rule, or null for a rule it has no frame for (a slot with several values,
 * three parts, a part that is a plain slot). Never an instruction's paraphrase, nor an OOD text
 * or its words in another order.
 */
export function longWording(rng: Rng, rule: Rule): string | null {
  return drawAllowed(() => drawLong(rng, rule), (text) => !UNWRITTEN_BAGS.has(wordBag(text)));
}

function drawLong(rng: Rng, rule: Rule): string | null {
  if (rule.kind === 'is') {
    const phrase = rule.values.length === 1 ? cuePhrase({ attr: rule.attr, value: rule.values[0]! } as Cue) : '';
    const templates = ONE_SLOT[rule.attr];
    return templates && phrase ? rng.pick(templates)(rule.attr === 'material' ? materialWord(phrase) : phrase) : null;
  }
  if (rule.kind === 'cues' && rule.atLeast === 2) return conceptSentence(rng, rule.concept);
  if (rule.kind !== 'all' || rule.of.length !== 2) return null;
  const [first, second] = rule.of as [Rule, Rule];
  const b = partPhrase(rng, second);
  if (b === null) return null;
  if (first.kind === 'is' && first.attr === 'material' && first.values.length === 1) {
    const m = cuePhrase({ attr: 'material', value: first.values[0]! } as Cue);
    return m && second.kind === 'cues' ? rng.pick(MATERIAL_THEN)(materialWord(m), b) : null;
  }
  const a = partPhrase(rng, first);
  if (a === null) return null;
  return second.kind === 'none' ? rng.pick(AVOIDING)(a, b) : rng.pick(TWO_PARTS)(a, b);
}

/** A whole sentence over one concept: two of its adjectives, or one in a longer frame. */
function conceptSentence(rng: Rng, concept: Concept): string {
  const words = CONCEPT_WORDS[concept];
  const adjectives = words.filter((w) => !isNoun(w));
  if (adjectives.length >= 2 && rng.bool(0.5)) {
    const [a, b] = rng.sample(adjectives, 2) as [string, string];
    return rng.pick(TWO_WORDS)(a, b);
  }
  const w = rng.pick(words);
  return isNoun(w) ? rng.pick(ONE_NOUN)(w) : rng.pick(ONE_WORD)(w);
}

/** One part of a two-part rule as a phrase: a concept's word ("like a lullaby" for a noun), a material ("made of ice"); null otherwise. */
function partPhrase(rng: Rng, part: Rule): string | null {
  if (part.kind === 'cues' || part.kind === 'none') {
    const w = rng.pick(CONCEPT_WORDS[part.concept]);
    return isNoun(w) ? `like ${w}` : w;
  }
  if (part.kind === 'is' && part.attr === 'material' && part.values.length === 1) {
    const m = cuePhrase({ attr: 'material', value: part.values[0]! } as Cue);
    return m ? `made of ${materialWord(m)}` : null;
  }
  return null;
}

/** A sentence's words, lower-cased and sorted: the same bag is the same words in any order. */
export function wordBag(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' -]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .sort()
    .join(' ');
}

/** Every instruction's paraphrases and the OOD texts (./wordings.ts UNWRITTEN), as word bags. */
const UNWRITTEN_BAGS: ReadonlySet<string> = new Set([...UNWRITTEN].map(wordBag));

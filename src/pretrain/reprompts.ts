/**
 * The base model's reprompt-format examples and the words they use for what an instruction means:
 * `baseReprompt` (the cognitive gap: a recall the answer mostly ignores), `carriedReprompt` (an
 * answer that carries its recall), `instructionRecall` (the judge format's "the instruction wants
 * …") and `ruleCues` (every cue a rule asks for). Split from ./mix.ts, which draws them.
 */
import type { Rng } from '../core/rng.ts';
import { CONCEPTS, cueMatches, type Concept, type Cue } from '../world/concepts.ts';
import { captionOf } from '../world/grammar.ts';
import type { Instruction } from '../world/instructions.ts';
import { CONCEPT_WORDS, cuePhrase } from '../world/knowledge.ts';
import type { PromptItem } from '../world/prompts.ts';
import { elaborate, ruleLeaves, type Rule } from '../world/rules.ts';
import { defaultSpec, type Attribute } from '../world/spec.ts';

/** What the instruction asks for, in the knowledge corpus' terms: "the instruction wants something cute: a smile or big eyes." */
export function instructionRecall(rng: Rng, ins: Instruction): string {
  const leaves = ins.rule.kind === 'all' ? ins.rule.of : [ins.rule];
  const parts = leaves.flatMap((leaf) => {
    const meaning = ruleMeaning(rng, leaf);
    const cues = meaning.cues.map(cuePhrase).join(' or ');
    if (cues === '') return meaning.word ? [`something ${meaning.word}`] : [];
    if (leaf.kind === 'none') return [`nothing ${meaning.word ?? ''} like ${cues}`.replace('  ', ' ')];
    return [meaning.word ? `something ${meaning.word}: ${cues}` : cues];
  });
  return parts.length ? `the instruction wants ${parts.join(', and ')}.` : '';
}

/**
 * A base model's reprompt (the cognitive gap of A.4.3): half of the time its reasoning recalls what
 * the instruction means (a knowledge-corpus-style sentence), but the answer mostly ignores it —
 * Type I, concatenation (45%), or Type III, the prompt alone (35%). The remaining 20% apply one
 * or two cues in the generator's caption language, half of the time from the instruction's
 * concepts and half from an unrelated one (Type II, misinterpretation). So the zero-shot reprompter mostly
 * fails as the paper's base model does, and RL has rare right answers to amplify.
 */
export function baseReprompt(rng: Rng, ins: Instruction, prompt: PromptItem): { think: string; answer: string } {
  const meaning = ruleMeaning(rng, ins.rule);
  const recall = meaning.cues.length ? (meaning.word ? `something ${meaning.word} often has ${meaning.cues.map(cuePhrase).join(' or ')}.` : `that means ${meaning.cues.map(cuePhrase).join(' or ')}.`) : '';
  const r = rng.next();
  if (r < 0.8) {
    const concatenate = r < 0.45;
    const answer = concatenate ? `${ins.text.toLowerCase().replace(/\.$/, '')} ${prompt.text}` : prompt.text;
    const opening = concatenate ? `the user wants ${prompt.text}.` : `the prompt is ${prompt.text}.`;
    return { think: rng.bool() && recall ? `${opening} ${recall}` : opening, answer };
  }
  const concept = rng.bool() ? null : rng.pick(Object.keys(CONCEPTS) as Concept[]);
  const cues = concept ? CONCEPTS[concept] : ruleCues(ins.rule);
  const plain = defaultSpec(prompt.subject);
  const spec = { ...plain };
  // One cue, or two on different slots half of the time: a Hard rule needs two cues or two
  // concepts, and RL can only amplify what the base model sometimes samples.
  const wanted = rng.bool() ? 2 : 1;
  for (const cue of rng.shuffle(cues)) {
    if ((Object.keys(spec) as Attribute[]).filter((a) => spec[a] !== plain[a]).length >= wanted) break;
    if (spec[cue.attr] !== plain[cue.attr]) continue;
    (spec as Record<Attribute, unknown>)[cue.attr] = cue.value;
  }
  return { think: `the user wants ${prompt.text}.${recall ? ` ${recall}` : ''}`, answer: captionOf(spec) };
}

/**
 * A reprompt whose answer carries what its reasoning recalls (`MixerOptions.repromptCarried`;
 * beyond the paper's base model, which shows the gap): the reasoning recalls, part by part of the
 * rule, the cues the oracle's minimal elaboration of the prompt applies — in `baseReprompt`'s
 * shapes, "that means stone." and "something scary often has fangs or horns." — and the answer
 * is that elaboration's caption: the prompt's subject kept, exactly the recalled cues applied.
 * A `none` part recalls nothing (the elaboration avoids its cues). Why: the base model's answers
 * ignore a right recall three times in four and apply a cue of another concept as often as one of
 * the instruction's, so Stage 2 finds a reprompt that follows its own reasoning too rarely to
 * amplify it (docs/seer.md).
 */
export function carriedReprompt(rng: Rng, ins: Instruction, prompt: PromptItem): { think: string; answer: string } {
  const plain = defaultSpec(prompt.subject);
  const spec = elaborate(ins.rule, plain, rng) ?? plain;
  const recalls = ruleLeaves(ins.rule).flatMap((part) => {
    if (part.kind === 'is') return [`that means ${cuePhrase({ attr: part.attr, value: spec[part.attr] } as Cue)}.`];
    if (part.kind !== 'cues') return [];
    const applied = CONCEPTS[part.concept].filter((cue) => cueMatches(spec, cue));
    return applied.length ? [`something ${rng.pick(CONCEPT_WORDS[part.concept])} often has ${applied.map(cuePhrase).join(' or ')}.`] : [];
  });
  return { think: [`the user wants ${prompt.text}.`, ...recalls].join(' '), answer: captionOf(spec) };
}

/** Every cue a rule asks for, over all its parts (the cues of `is` leaves and of `cues` concepts). */
export function ruleCues(rule: Rule): Cue[] {
  switch (rule.kind) {
    case 'is':
      return rule.values.map((value) => ({ attr: rule.attr, value }));
    case 'cues':
      return [...CONCEPTS[rule.concept]];
    case 'none':
      return [];
    case 'all':
      return rule.of.flatMap(ruleCues);
  }
}

/** The concept word and the concrete cues an instruction's rule is about (a `none` rule's are the cues to avoid). */
function ruleMeaning(rng: Rng, rule: Rule): { word: string | null; cues: Cue[] } {
  switch (rule.kind) {
    case 'is':
      return { word: null, cues: rule.values.map((value) => ({ attr: rule.attr, value })) };
    case 'cues':
    case 'none':
      return { word: rng.pick(CONCEPT_WORDS[rule.concept]), cues: rng.sample(CONCEPTS[rule.concept], Math.min(2, CONCEPTS[rule.concept].length)) };
    case 'all':
      return ruleMeaning(rng, rng.pick(rule.of));
  }
}

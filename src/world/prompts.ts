/**
 * User prompts of the VIE task: terse subject phrases ("a dog standing by the river"). Training
 * and test prompts use disjoint subjects *and* disjoint content words (paper A.1.5), so a
 * reprompter cannot memorise object–attribute pairs. Filler words are outside the descriptor
 * language: the generator ignores them and draws the subject's plain picture.
 */
import type { Rng } from '../core/rng.ts';
import { tokenize } from './grammar.ts';
import { SUBJECTS_TEST, SUBJECTS_TRAIN, type Subject } from './spec.ts';

const TRAIN_TEMPLATES = [
  (s: string) => `a ${s} standing by the river`,
  (s: string) => `a ${s} on the street`,
  (s: string) => `a small ${s} in the park`,
  (s: string) => `a ${s} near the road`,
  (s: string) => `a ${s} standing in the meadow`,
];
const TEST_TEMPLATES = [
  (s: string) => `a vintage ${s}`,
  (s: string) => `a ${s} in the kitchen`,
  (s: string) => `a tiny ${s} on the shelf`,
  (s: string) => `a ${s} at home`,
  (s: string) => `an antique ${s} by the window`,
];

/** Function words both splits may share. */
export const PROMPT_STOPWORDS = new Set(['a', 'an', 'the', 'in', 'on', 'by', 'at', 'near']);

export interface PromptItem {
  text: string;
  subject: Subject;
}

function pool(subjects: readonly Subject[], templates: readonly ((s: string) => string)[]): PromptItem[] {
  return subjects.flatMap((subject) => templates.map((t) => ({ text: t(subject), subject })));
}

export const TRAIN_PROMPTS: readonly PromptItem[] = pool(SUBJECTS_TRAIN, TRAIN_TEMPLATES);
export const TEST_PROMPTS: readonly PromptItem[] = pool(SUBJECTS_TEST, TEST_TEMPLATES);
/**
 * Validation prompts: training subjects in the test's wording ("a vintage dog"). Neither
 * pretraining nor RL ever shows them, so validation measures what the test measures — a reprompter
 * keeping a subject from a phrase it has never read — without touching a test subject. The VIE
 * build (data/vie.ts) takes them for the training subjects it holds out of RL, so the subject
 * itself is one RL never saw, too.
 */
export const VALIDATION_PROMPTS: readonly PromptItem[] = pool(SUBJECTS_TRAIN, TEST_TEMPLATES);

export function contentWords(prompts: readonly PromptItem[]): Set<string> {
  return new Set(prompts.flatMap((p) => tokenize(p.text)).filter((w) => !PROMPT_STOPWORDS.has(w)));
}

/** `k` prompts with distinct subjects where possible. */
export function samplePrompts(rng: Rng, prompts: readonly PromptItem[], k: number): PromptItem[] {
  const bySubject = new Map<Subject, PromptItem[]>();
  for (const p of prompts) bySubject.set(p.subject, [...(bySubject.get(p.subject) ?? []), p]);
  const subjects = rng.shuffle([...bySubject.keys()]);
  const out: PromptItem[] = [];
  for (let i = 0; out.length < k; i++) {
    const subject = subjects[i % subjects.length] as Subject;
    out.push(rng.pick(bySubject.get(subject) ?? []));
    if (i > 10 * k) break;
  }
  return out;
}

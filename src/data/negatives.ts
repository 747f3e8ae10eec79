/**
 * Hard negatives for the judge (Table 1 and Stage 1 phase 2): for an (instruction i, prompt p) and
 * a verified elaboration of it, the images a judge must reject because they do not "follow i while
 * keeping p" (the paper's Eq. 1: compliance AND subject consistency). One kind per failure a
 * reprompter can produce, so a judge cannot score by a shortcut such as "pick the image that is not
 * plain":
 *  - `plain`           the prompt's plain picture: the instruction ignored (Type III). The paper's
 *                      only phase-2 negative (A.1.4);
 *  - `subject-swapped` the instruction's cues on another subject;
 *  - `subject-lost`    the instruction's cues with no subject at all (what Stage 2 learned to write:
 *                      "a storm", "a halo on the shelf");
 *  - `wrong-concept`   another instruction's elaboration for the same subject (Type II);
 *  - `partial`         the elaboration with one cue undone so the rule fails (half of a Hard rule).
 * Departure: the paper's test negatives are human-curated; here they are constructed from specs
 * and then verified on the image by the oracle (see `vie.ts`).
 */
import type { Rng } from '../core/rng.ts';
import type { RgbImage } from '../image/image.ts';
import type { OracleJudge } from '../oracle/judge.ts';
import type { Rule } from '../world/rules.ts';
import type { Instruction } from '../world/instructions.ts';
import { elaborate, evaluateRule } from '../world/rules.ts';
import { defaultSpec, type Attribute, type SceneSpec, type Subject } from '../world/spec.ts';

export const NEGATIVE_KINDS = ['plain', 'subject-swapped', 'subject-lost', 'wrong-concept', 'partial'] as const;
export type NegativeKind = (typeof NEGATIVE_KINDS)[number];

export interface NegativeSpec {
  kind: NegativeKind;
  spec: SceneSpec;
}

/** True when `spec` fails "follow the instruction while keeping the subject". */
export function isNegative(ins: Instruction, subject: Subject, spec: SceneSpec): boolean {
  return spec.subject !== subject || !evaluateRule(ins.rule, spec).satisfied;
}

/**
 * The oracle's reading of drawn images, the one rule every judged case uses: a positive follows
 * the rule and keeps the subject (the oracle's `satisfied` already requires the subject); a
 * negative does not.
 */
export function oracleAccepts(oracle: OracleJudge, image: RgbImage, rule: Rule | null, subject: Subject): boolean {
  return oracle.assess([image], rule, subject)[0]!.satisfied;
}

/**
 * Every kind that can be built for this case (a kind is skipped when no spec of it fails the
 * rule, e.g. `partial` for a one-cue rule). `subjects` are the other subjects to swap in and
 * `instructions` the pool a wrong concept is drawn from (keep both inside the split being built).
 */
export function hardNegativeSpecs(ins: Instruction, subject: Subject, reference: SceneSpec, rng: Rng, pools: { subjects: readonly Subject[]; instructions: readonly Instruction[] }): NegativeSpec[] {
  const out: NegativeSpec[] = [];
  const add = (kind: NegativeKind, spec: SceneSpec | null) => {
    if (spec && isNegative(ins, subject, spec)) out.push({ kind, spec });
  };
  const plain = defaultSpec(subject);
  add('plain', plain);
  const others = pools.subjects.filter((s) => s !== subject);
  if (others.length > 0) add('subject-swapped', { ...reference, subject: rng.pick(others) });
  add('subject-lost', { ...reference, subject: null });
  add('wrong-concept', wrongConcept(ins, plain, rng, pools.instructions));
  add('partial', partial(ins, reference, plain, rng));
  return out;
}

/** Another instruction's elaboration of the plain picture that does not satisfy `ins`. */
function wrongConcept(ins: Instruction, plain: SceneSpec, rng: Rng, pool: readonly Instruction[]): SceneSpec | null {
  for (const other of rng.shuffle(pool.filter((o) => o.id !== ins.id && o.category !== ins.category))) {
    const spec = elaborate(other.rule, plain, rng);
    if (spec && !evaluateRule(ins.rule, spec).satisfied && changedSlots(spec, plain).length > 0) return spec;
  }
  return null;
}

/** The elaboration with one changed slot set back to the plain picture's value, if that breaks the rule. */
function partial(ins: Instruction, reference: SceneSpec, plain: SceneSpec, rng: Rng): SceneSpec | null {
  const changed = changedSlots(reference, plain);
  if (changed.length < 2) return null; // one cue undone would be the plain picture again
  for (const attr of rng.shuffle(changed)) {
    const spec = { ...reference, [attr]: plain[attr] } as SceneSpec;
    if (!evaluateRule(ins.rule, spec).satisfied) return spec;
  }
  return null;
}

/**
 * Which negatives of the `index`-th row to judge: `perCase` of its verified kinds, rotating through
 * the kinds from row to row so every kind is covered about equally at a fraction of the cost of all
 * (the plain one only, for an old-format file with just a quadruplet).
 */
export function negativesOf<N extends { kind: NegativeKind }>(negatives: readonly N[] | undefined, index: number, perCase: number): N[] {
  const list = negatives ?? [];
  const k = NEGATIVE_KINDS.length;
  const rank = (n: N) => (NEGATIVE_KINDS.indexOf(n.kind) - ((perCase * index) % k) + k) % k;
  return [...list].sort((a, b) => rank(a) - rank(b)).slice(0, perCase);
}

/** The kinds that keep the prompt's subject: they fail by the instruction alone (the others lose the subject). */
export function keepsSubject(kind: NegativeKind): boolean {
  return kind === 'plain' || kind === 'wrong-concept' || kind === 'partial';
}

/**
 * Pairs of a row's negatives in which one is better by the world's own order (A.2: the subject
 * first, then how much of the instruction is met): a kind that keeps the subject (plain, wrong
 * concept, partial) over one that loses it (subject swapped or lost), and the partial elaboration
 * over the plain picture. Beyond the paper (whose pairs are always positive vs negative): they
 * teach a judge what to prefer when neither image complies, which is most of what a reprompt is
 * judged on (the generator rarely meets a Hard rule in full). `count` of them for the `index`-th
 * row, rotating from row to row; each is [better, worse].
 */
export function gradedNegativePairs<N extends { kind: NegativeKind }>(negatives: readonly N[] | undefined, index: number, count: number): [N, N][] {
  const list = negatives ?? [];
  const keeps = list.filter((n) => keepsSubject(n.kind));
  const loses = list.filter((n) => !keepsSubject(n.kind));
  const partial = list.find((n) => n.kind === 'partial');
  const plain = list.find((n) => n.kind === 'plain');
  const pairs: [N, N][] = [...keeps.flatMap((k) => loses.map((l) => [k, l] as [N, N])), ...(partial && plain ? [[partial, plain] as [N, N]] : [])];
  if (pairs.length === 0) return [];
  return Array.from({ length: Math.min(count, pairs.length) }, (_, j) => pairs[(index * count + j) % pairs.length]!);
}

function changedSlots(spec: SceneSpec, plain: SceneSpec): Attribute[] {
  return (Object.keys(spec) as Attribute[]).filter((a) => a !== 'subject' && spec[a] !== plain[a]);
}

/**
 * Satisfaction rules: when does a SceneSpec follow a visual instruction? A rule is a small typed
 * tree (slot ∈ values, at least n cues of a concept, no cue of a concept, all of …). `evaluateRule`
 * gives a pass/fail and a graded score in [0, 1] (the oracle's compliance score);
 * `elaborate` writes a minimal concrete spec that satisfies the rule — the oracle-written
 * elaboration used as the upper bound of Table 2 and as the positive training images.
 */
import type { Rng } from '../core/rng.ts';
import { CONCEPTS, cueCount, type Concept, type Cue } from './concepts.ts';
import type { Attribute, SceneSpec } from './spec.ts';

export type Rule =
  | { kind: 'is'; attr: Attribute; values: readonly SceneSpec[Attribute][] }
  | { kind: 'cues'; concept: Concept; atLeast: number }
  | { kind: 'none'; concept: Concept }
  | { kind: 'all'; of: readonly Rule[] };

export const is = (attr: Attribute, ...values: (string | boolean)[]): Rule => ({
  kind: 'is',
  attr,
  values: values as SceneSpec[Attribute][],
});
export const cues = (concept: Concept, atLeast = 1): Rule => ({ kind: 'cues', concept, atLeast });
export const none = (concept: Concept): Rule => ({ kind: 'none', concept });
export const all = (...of: Rule[]): Rule => ({ kind: 'all', of });

export interface RuleResult {
  satisfied: boolean;
  /** Graded compliance in [0, 1]: fraction of the rule met (partial cue counts earn partial credit). */
  score: number;
}

export function evaluateRule(rule: Rule, spec: SceneSpec): RuleResult {
  switch (rule.kind) {
    case 'is': {
      const ok = rule.values.includes(spec[rule.attr]);
      return { satisfied: ok, score: ok ? 1 : 0 };
    }
    case 'cues': {
      const n = cueCount(spec, rule.concept);
      return { satisfied: n >= rule.atLeast, score: Math.min(n, rule.atLeast) / rule.atLeast };
    }
    case 'none': {
      const ok = cueCount(spec, rule.concept) === 0;
      return { satisfied: ok, score: ok ? 1 : 0 };
    }
    case 'all': {
      const parts = rule.of.map((r) => evaluateRule(r, spec));
      const anyFailedHard = parts.some((p, i) => rule.of[i]?.kind === 'none' && !p.satisfied);
      const score = anyFailedHard ? 0 : parts.reduce((s, p) => s + p.score, 0) / Math.max(1, parts.length);
      return { satisfied: parts.every((p) => p.satisfied), score };
    }
  }
}

/** The slots a rule reads; a reprompt that changes other slots is free decoration. */
export function ruleAttributes(rule: Rule): Set<Attribute> {
  const out = new Set<Attribute>();
  const visit = (r: Rule) => {
    if (r.kind === 'is') out.add(r.attr);
    else if (r.kind === 'cues' || r.kind === 'none') for (const cue of CONCEPTS[r.concept]) out.add(cue.attr);
    else r.of.forEach(visit);
  };
  visit(rule);
  return out;
}

/**
 * A minimal spec that satisfies `rule`, starting from `base` (the prompt's plain picture):
 * fixed slots first, then cues on slots not yet used, avoiding forbidden cues. Subject untouched.
 * Returns null when the greedy search cannot satisfy the rule (tests assert it never happens for
 * the shipped instructions).
 */
export function elaborate(rule: Rule, base: SceneSpec, rng: Rng): SceneSpec | null {
  for (let attempt = 0; attempt < 20; attempt++) {
    const spec = { ...base };
    const fixed = new Set<Attribute>(['subject']);
    const forbidden: Cue[] = [];
    const leaves = ruleLeaves(rule);
    for (const leaf of leaves) if (leaf.kind === 'none') forbidden.push(...CONCEPTS[leaf.concept]);
    for (const leaf of leaves) {
      if (leaf.kind !== 'is') continue;
      (spec as Record<Attribute, unknown>)[leaf.attr] = rng.pick(leaf.values);
      fixed.add(leaf.attr);
    }
    for (const leaf of leaves) {
      if (leaf.kind !== 'cues') continue;
      const options = rng
        .shuffle(CONCEPTS[leaf.concept])
        .filter((cue) => !forbidden.some((f) => f.attr === cue.attr && f.value === cue.value));
      let have = cueCount(spec, leaf.concept);
      for (const cue of options) {
        if (have >= leaf.atLeast) break;
        if (fixed.has(cue.attr)) continue;
        (spec as Record<Attribute, unknown>)[cue.attr] = cue.value;
        fixed.add(cue.attr);
        have = cueCount(spec, leaf.concept);
      }
    }
    if (evaluateRule(rule, spec).satisfied) return spec;
  }
  return null;
}

/** A rule's leaves: the parts of an `all`, or the rule itself. */
export function ruleLeaves(rule: Rule): Rule[] {
  return rule.kind === 'all' ? rule.of.flatMap(ruleLeaves) : [rule];
}

/** The concepts a rule reads, in order (its `cues` and `none` leaves'). */
export function ruleConcepts(rule: Rule): Concept[] {
  return ruleLeaves(rule).flatMap((leaf) => (leaf.kind === 'cues' || leaf.kind === 'none' ? [leaf.concept] : []));
}

/**
 * The failure taxonomy of the paper's Appendix A.4.3, applied to a reprompt's text through the
 * descriptor grammar (what the generator would actually read):
 *   Type I   naive concatenation — the reprompt repeats the instruction's wording;
 *   Type II  misinterpretation — it changes descriptors, but not into ones that satisfy the rule;
 *   Type III instruction neglect — it keeps the subject and changes nothing;
 * plus `format` (no valid <think>…</think><answer>…</answer>), `subject_lost`, and `ok`.
 */
import { parseCaption, tokenize } from '../world/grammar.ts';
import { findInstruction } from '../world/instructions.ts';
import { evaluateRule } from '../world/rules.ts';
import { defaultSpec, specsEqual } from '../world/spec.ts';

export type FailureType = 'ok' | 'format' | 'type1_concatenation' | 'type2_misinterpretation' | 'type3_neglect' | 'subject_lost';
export const FAILURE_TYPES: FailureType[] = ['ok', 'format', 'type1_concatenation', 'type2_misinterpretation', 'type3_neglect', 'subject_lost'];

const FUNCTION_WORDS = new Set(['a', 'an', 'the', 'it', 'is', 'so', 'of', 'to', 'this', 'on', 'in', 'and', 'yet', 'but', 'make', 'its', 'or', 'with', 'as']);

export function classifyReprompt(instruction: string, prompt: string, reprompt: string | null): FailureType {
  if (reprompt === null || reprompt.trim() === '') return 'format';
  const subject = parseCaption(prompt).spec.subject;
  const parsed = parseCaption(reprompt).spec;
  if (parsed.subject !== subject) return 'subject_lost';
  const ins = findInstruction(instruction);
  if (ins && evaluateRule(ins.rule, parsed).satisfied) return 'ok';
  const words = tokenize(instruction).filter((w) => !FUNCTION_WORDS.has(w));
  const said = new Set(tokenize(reprompt));
  if (words.length > 0 && words.filter((w) => said.has(w)).length / words.length >= 0.6) return 'type1_concatenation';
  if (subject && specsEqual(parsed, defaultSpec(subject))) return 'type3_neglect';
  return 'type2_misinterpretation';
}

export function countFailures(types: readonly FailureType[]): Record<FailureType, number> {
  const out = Object.fromEntries(FAILURE_TYPES.map((t) => [t, 0])) as Record<FailureType, number>;
  for (const t of types) out[t]++;
  return out;
}

/** The failure counts of a reprompter's outputs for `rows` (an output flagged `validFormat: false` counts as `format`, whatever it fell back to). */
export function repromptFailures(rows: readonly { instruction: string; prompt: string }[], outputs: readonly { reprompt: string; validFormat?: boolean }[]): Record<FailureType, number> {
  return countFailures(rows.map((r, i) => classifyReprompt(r.instruction, r.prompt, outputs[i]!.validFormat === false ? null : outputs[i]!.reprompt)));
}

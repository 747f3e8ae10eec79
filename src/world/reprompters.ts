/**
 * Reprompters that need only the world: naive concatenation (the paper's baseline, Type I by
 * construction) and the oracle's concrete elaboration (Table 2's upper bound: it knows every
 * instruction's rule and the descriptor language).
 */
import { Rng } from '../core/rng.ts';
import { captionOf, parseCaption } from './grammar.ts';
import { findInstruction } from './instructions.ts';
import { elaborate } from './rules.ts';
import { defaultSpec } from './spec.ts';
import { naivePrompt, type Reprompter, type RepromptRequest, type RepromptResult } from '../roles/roles.ts';

export class NaiveReprompter implements Reprompter {
  readonly name = 'naive';

  async reprompt(requests: readonly RepromptRequest[]): Promise<RepromptResult[]> {
    return requests.map((r) => ({ reprompt: naivePrompt(r) }));
  }
}

export class OracleReprompter implements Reprompter {
  readonly name = 'oracle';

  async reprompt(requests: readonly RepromptRequest[], options: { seed?: number } = {}): Promise<RepromptResult[]> {
    const rng = new Rng(options.seed ?? 0);
    return requests.map((r) => {
      const subject = parseCaption(r.prompt).spec.subject;
      const instruction = findInstruction(r.instruction);
      if (!instruction || !subject) return { reprompt: naivePrompt(r), reasoning: 'unknown instruction or subject: fell back to concatenation' };
      const spec = elaborate(instruction.rule, defaultSpec(subject), rng.fork(`${r.instruction}|${r.prompt}`));
      return spec
        ? { reprompt: captionOf(spec), reasoning: `rule of ${instruction.id}` }
        : { reprompt: naivePrompt(r), reasoning: 'no elaboration found' };
    });
  }
}

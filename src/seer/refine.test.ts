import { describe, expect, it } from 'vitest';
import { RendererSource } from '../data/image-source.ts';
import { OracleJudge, resolveQuery } from '../oracle/judge.ts';
import type { Reprompter } from '../roles/roles.ts';
import { parseCaption } from '../world/grammar.ts';
import { OracleReprompter } from '../world/reprompters.ts';
import { evaluateRule } from '../world/rules.ts';
import { draftRank, readingRank, readsRight, refineMany, type ImageReader } from './refine.ts';

const instruction = 'Make the object look scary, yet undeniably cute.';
const prompt = 'a cat';

/** A reader that knows the world: texts parsed back to a scene, images assessed by the oracle. */
const worldReader = (): ImageReader & { drawnReads: number } => {
  const oracle = new OracleJudge();
  const reader = {
    name: 'world',
    drawnReads: 0,
    checkTexts: async (items: readonly { instruction: string; prompt: string; text: string }[]) =>
      items.map((x) => {
        const { rule, subject } = resolveQuery(x.instruction, x.prompt);
        const spec = parseCaption(x.text).spec;
        return { subject: spec.subject === subject, instruction: rule ? spec.subject === subject && evaluateRule(rule, spec).satisfied : null };
      }),
    readImages: async (items: readonly { instruction: string; prompt: string; image: import('../image/image.ts').RgbImage }[]) =>
      items.map((x) => {
        reader.drawnReads++;
        const { rule, subject } = resolveQuery(x.instruction, x.prompt);
        const a = oracle.assess([x.image], rule, subject)[0]!;
        return { subject: a.subjectKept, instruction: a.satisfied, caption: a.subjectKept ? 'the subject' : 'another subject' };
      }),
  };
  return reader;
};

/** Round r's drafts, cycled over a request's draft slots. */
const scripted = (rounds: string[][]): Reprompter & { calls: number } => {
  const r = {
    name: 'scripted',
    calls: 0,
    reprompt: async (requests: readonly unknown[]) => {
      const drafts = rounds[Math.min(r.calls++, rounds.length - 1)]!;
      return requests.map((_, k) => ({ reprompt: drafts[k % drafts.length]!, reasoning: `draft ${k}` }));
    },
  };
  return r;
};

const good = async () => (await new OracleReprompter().reprompt([{ instruction, prompt }]))[0]!.reprompt;

describe('reading-guided inference (refineMany)', () => {
  it('orders readings subject first, then instruction; a draft by the check the last image failed', () => {
    expect(readingRank({ subject: true, instruction: false })).toBeGreaterThan(readingRank({ subject: false, instruction: true }));
    expect(readsRight({ subject: true, instruction: null })).toBe(true);
    expect(readsRight({ subject: true, instruction: false })).toBe(false);
    expect(draftRank({ subject: false, instruction: true }, 'instruction')).toBeGreaterThan(draftRank({ subject: true, instruction: false }, 'instruction'));
    expect(draftRank({ subject: false, instruction: true }, 'subject')).toBeLessThan(draftRank({ subject: true, instruction: false }, 'subject'));
  });

  it('draws the draft whose text reads best and stops once the image reads right', async () => {
    const elaboration = await good();
    const reader = worldReader();
    const [r] = await refineMany([{ instruction, prompt, seed: 3 }], { reprompter: scripted([[prompt, elaboration]]), generator: new RendererSource(), reader, judge: new OracleJudge(), drafts: 2, draws: 1, rounds: 3 });
    expect(r!.reprompt).toBe(elaboration);
    expect([r!.rounds, r!.candidates, reader.drawnReads]).toEqual([1, 1, 1]);
    expect(r!.preference).toBeGreaterThan(0.5);
  });

  it('later rounds skip texts already drawn, keep the best image reading, and stop when it reads right', async () => {
    const elaboration = await good();
    const swapped = elaboration.replace(/\bcat\b/, 'tree');
    const reprompter = scripted([[swapped], [swapped, prompt], [elaboration]]);
    const [r] = await refineMany([{ instruction, prompt, seed: 3 }], { reprompter, generator: new RendererSource(), reader: worldReader(), judge: new OracleJudge(), drafts: 2, draws: 1, rounds: 5 });
    expect(r!.trace).toHaveLength(3);
    expect(r!.trace[0]).toContain(`"${swapped}"`);
    expect(r!.trace[1]).toContain(`"${prompt}"`); // the swapped text again was skipped
    expect(r!.reprompt).toBe(elaboration);
    expect([r!.rounds, reprompter.calls]).toEqual([3, 3]);
  });

  it('with every draft drawn, keeps the best reading (best-of-N by reading)', async () => {
    const elaboration = await good();
    const swapped = elaboration.replace(/\bcat\b/, 'tree');
    const [r] = await refineMany([{ instruction, prompt, seed: 1 }], { reprompter: scripted([[prompt, swapped, elaboration, swapped]]), generator: new RendererSource(), reader: worldReader(), judge: new OracleJudge(), drafts: 4, draws: 4, rounds: 1 });
    expect(r!.reprompt).toBe(elaboration);
    expect(r!.candidates).toBe(3); // the repeated text is drawn once
  });
});

import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import { parseCaption } from '../world/grammar.ts';
import { OOD_INSTRUCTIONS, TRAIN_INSTRUCTIONS, findInstruction } from '../world/instructions.ts';
import { TEST_PROMPTS, TRAIN_PROMPTS, VALIDATION_PROMPTS } from '../world/prompts.ts';
import { captionOf } from '../world/grammar.ts';
import { generateContext, parseCheckAnswer, parseJudgeOutput, parseReadings } from '../model/templates.ts';
import { DEFAULT_MIX, PretrainMixer, captionCheckCase, pairQuestionCase, pretrainPrompt, readingCase, subjectMatchCase, type CheckStyle } from './mix.ts';
import { CONCEPT_WORDS } from '../world/knowledge.ts';
import { cueCount, type Concept } from '../world/concepts.ts';
import { evaluateRule } from '../world/rules.ts';
import { knowledgeCheckInstruction } from '../world/wordings.ts';
import { SUBJECTS } from '../world/spec.ts';

describe('pretraining mixture', () => {
  it('draws tasks in the mixture proportions', () => {
    const mixer = new PretrainMixer(new Rng(1));
    const counts: Record<string, number> = {};
    const n = 4000;
    for (let i = 0; i < n; i++) {
      const task = mixer.next().task;
      counts[task] = (counts[task] ?? 0) + 1;
    }
    for (const [task, w] of Object.entries(DEFAULT_MIX)) expect(Math.abs((counts[task] ?? 0) / n - w)).toBeLessThan(0.03);
  });

  it('shows empty scenes in captions only when asked to (the grounding continuation)', () => {
    const count = (emptyCaptions: number) => {
      const mixer = new PretrainMixer(new Rng(2), DEFAULT_MIX, { emptyCaptions });
      let empty = 0;
      for (let i = 0; i < 400; i++) {
        const ex = mixer.make('caption');
        if (ex.images[0]!.spec.subject === null) {
          expect((ex.target[0] as { text: string }).text).toMatch(/^an empty scene/);
          empty++;
        }
      }
      return empty;
    };
    expect(count(0)).toBe(0);
    expect(count(0.5)).toBeGreaterThan(150);
    expect(count(0.5)).toBeLessThan(250);
  });

  it('draws text-to-image examples after an empty caption only when asked to (classifier-free guidance), and the same examples otherwise', () => {
    const draw = (unconditionalImages: number) => {
      const mixer = new PretrainMixer(new Rng(4), DEFAULT_MIX, { unconditionalImages });
      return Array.from({ length: 400 }, () => mixer.make('t2i'));
    };
    const unconditional = (examples: ReturnType<typeof draw>) => examples.filter((ex) => (ex.context[0] as { text: string }).text === generateContext('')).length;
    expect(unconditional(draw(0))).toBe(0);
    const half = unconditional(draw(0.5));
    expect(half).toBeGreaterThan(150);
    expect(half).toBeLessThan(250);
    const plain = new PretrainMixer(new Rng(4), DEFAULT_MIX);
    expect(draw(0)).toEqual(Array.from({ length: 400 }, () => plain.make('t2i'))); // the option off draws what a mixer without it draws
  });

  it('the carried share replaces base reprompts only when set, and leaves the base mixture unchanged at 0', () => {
    const answers = (options: ConstructorParameters<typeof PretrainMixer>[2]) => {
      const mixer = new PretrainMixer(new Rng(5), { reprompt_format: 1 }, options);
      return Array.from({ length: 400 }, () => {
        const target = mixer.next().target.map((t) => ('text' in t ? t.text : '')).join('');
        return target.slice(target.indexOf('<answer>') + '<answer>'.length, target.indexOf('</answer>')).trim();
      });
    };
    expect(answers({ repromptCarried: 0 })).toEqual(answers({}));
    // A base reprompt applies a cue (answers in the generator's caption language) one time in five; a carried one always.
    const captions = (texts: string[]) => texts.filter((text) => captionOf(parseCaption(text).spec) === text).length / texts.length;
    expect(captions(answers({}))).toBeLessThan(0.3);
    expect(captions(answers({ repromptCarried: 1 }))).toBe(1);
    expect(captions(answers({ repromptCarried: 0.5 }))).toBeGreaterThan(0.5);
  });

  it('caption reading: a text-only yes/no that is the world\'s rule, about half yes, over every negative kind', () => {
    const rng = new Rng(11);
    let yes = 0;
    let lostSubject = 0;
    let swapped = 0;
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const ins = rng.pick(TRAIN_INSTRUCTIONS);
      const prompt = rng.pick(TRAIN_PROMPTS);
      const { spec, yes: answer } = readingCase(rng, ins, prompt);
      expect(answer).toBe(spec.subject === prompt.subject && evaluateRule(ins.rule, spec).satisfied);
      if (answer) yes++;
      if (spec.subject === null) lostSubject++;
      else if (spec.subject !== prompt.subject && SUBJECTS.includes(spec.subject)) swapped++;
    }
    expect(yes / n).toBeGreaterThan(0.4);
    expect(yes / n).toBeLessThan(0.65);
    expect(lostSubject).toBeGreaterThan(50);
    expect(swapped).toBeGreaterThan(50);
    const example = new PretrainMixer(new Rng(12), { caption_reading: 1 }).next();
    expect(example.task).toBe('caption_reading');
    expect(example.images).toEqual([]);
    expect((example.context[0] as { text: string }).text).toMatch(/ a shows .*\. the instruction wants .* does a correctly follows the instruction/);
    expect((example.target[0] as { text: string }).text).toMatch(/^(yes|no) <eos>$/);
  });

  it('subject match: the reading line\'s subject check alone, answered by the described subject, never guessable from the prompt', () => {
    const rng = new Rng(13);
    const kinds = { same: 0, other: 0, empty: 0 };
    const n = 1000;
    for (let i = 0; i < n; i++) {
      const prompt = pretrainPrompt(rng);
      const { context, yes } = subjectMatchCase(rng, prompt);
      const m = /^<user> prompt: (.*) <assistant> <think> (a|b) shows (.*)\. \2: ([a-z]+), prompt ([a-z]+), subject$/.exec(context);
      expect(m).not.toBeNull();
      const [, promptText, , caption, shown, wanted] = m!;
      expect(promptText).toBe(prompt.text);
      expect(wanted).toBe(prompt.subject);
      // The named subject is the described one, and the answer is whether it is the prompt's.
      expect(parseCaption(caption!).spec.subject ?? 'empty').toBe(shown);
      expect(yes).toBe(shown === prompt.subject);
      kinds[shown === 'empty' ? 'empty' : yes ? 'same' : 'other']++;
    }
    expect(kinds.same / n).toBeGreaterThan(0.45);
    expect(kinds.same / n).toBeLessThan(0.55);
    expect(kinds.other / n).toBeGreaterThan(0.35);
    expect(kinds.empty / n).toBeGreaterThan(0.06);
    const example = new PretrainMixer(new Rng(14), { subject_match: 1 }).next();
    expect(example.task).toBe('subject_match');
    expect(example.images).toEqual([]);
    expect((example.target[0] as { text: string }).text).toMatch(/^(yes|no)$/);
  });

  it('caption checks: each question answered by the world\'s rule on the described scene, yes about half of the time', () => {
    const rng = new Rng(15);
    const seen = { subject: { n: 0, yes: 0 }, instruction: { n: 0, yes: 0 } };
    const instructionKinds = new Set<string>();
    for (let i = 0; i < 2000; i++) {
      const ins = rng.pick(TRAIN_INSTRUCTIONS);
      const prompt = pretrainPrompt(rng);
      const c = captionCheckCase(rng, ins, prompt);
      seen[c.question].n++;
      if (c.yes) seen[c.question].yes++;
      if (c.question === 'subject') {
        const m = /^<user> prompt: (.*) image shows (.*)\. does the image show the subject of the prompt\? <assistant>$/.exec(c.context);
        expect(m?.[1]).toBe(prompt.text);
        const shown = parseCaption(m![2]!).spec.subject;
        expect(c.yes).toBe(shown === prompt.subject);
        expect(parseCheckAnswer(c.answer)).toBe(c.yes);
        expect(c.answer).toBe(`${shown ?? 'empty'}, prompt ${prompt.subject}, ${c.yes ? 'yes' : 'no'}`);
      } else {
        const m = /^<user> instruction: (.*) image shows (.*)\. does the image correctly follows the instruction\? <assistant>$/.exec(c.context);
        expect(m?.[1]).toBe(ins.text);
        // The caption is the scene's own (captionOf), so the rule read back from it gives the answer.
        expect(c.yes).toBe(evaluateRule(ins.rule, parseCaption(m![2]!).spec).satisfied);
        // The reasons list phrases the caption holds, and a yes needs at least one.
        const listed = /^it has (.*), (yes|no)$/.exec(c.answer);
        expect(listed).not.toBeNull();
        if (listed![1] !== 'no change') for (const phrase of listed![1]!.split(', ')) expect(m![2]).toContain(phrase);
        if (c.yes) expect(listed![1]).not.toBe('no change');
        instructionKinds.add(c.kind);
      }
    }
    for (const q of Object.values(seen)) {
      expect(q.n).toBeGreaterThan(900);
      expect(q.yes / q.n).toBeGreaterThan(0.4);
      expect(q.yes / q.n).toBeLessThan(0.6);
    }
    expect([...instructionKinds].sort()).toEqual(['follows', 'follows, other subject', 'partial', 'plain', 'random', 'wrong-concept']);
    const example = new PretrainMixer(new Rng(16), { caption_check: 1 }).next();
    expect(example.task).toBe('caption_check');
    expect(example.images).toEqual([]);
    expect((example.target[0] as { text: string }).text).toMatch(/, (yes|no) <eos>$/);
  });

  it('caption checks in fresh wordings and with the rule recalled first keep the same answer and case', () => {
    const styled = new Rng(31);
    let reworded = 0;
    let instruction = 0;
    for (let i = 0; i < 400; i++) {
      const ins = TRAIN_INSTRUCTIONS[i % TRAIN_INSTRUCTIONS.length]!;
      const prompt = TRAIN_PROMPTS[i % TRAIN_PROMPTS.length]!;
      const c = captionCheckCase(styled, ins, prompt, { wordings: 1, opening: 'recall' });
      if (c.question !== 'instruction') continue;
      instruction++;
      if (!c.context.includes(ins.text)) reworded++;
      expect(c.answer).toMatch(/^wants .+\. it has .+, (yes|no)$/);
      expect(parseCheckAnswer(c.answer)).toBe(c.yes);
      const keyed = captionCheckCase(new Rng(i), ins, prompt, { wordings: 1, opening: 'keywords' });
      if (keyed.question === 'instruction') expect(keyed.answer).toMatch(/^asks [a-z -]+(, [a-z -]+)*\. it has .+, (yes|no)$/);
    }
    expect(instruction).toBeGreaterThan(150);
    expect(reworded / instruction).toBeGreaterThan(0.3); // every concept-only rule is reworded (about half of the instructions)
    const example = new PretrainMixer(new Rng(16), { caption_check: 1 }, { checks: { opening: 'recall' } }).next();
    expect((example.target[0] as { text: string }).text).toMatch(/(^wants .+\. it has|^[a-z]+, prompt [a-z]+), .*(yes|no) <eos>$/);
  });

  it('caption checks from the knowledge corpus ask about any concept, the OOD ones too, and are answered by their rule', () => {
    const mixer = new PretrainMixer(new Rng(41), { caption_check: 1 }, { checks: { knowledge: 1 } });
    const asked = new Set<string>();
    let instruction = 0;
    for (let i = 0; i < 1500; i++) {
      const context = mixer.next().context.map((s) => ('text' in s ? s.text : '')).join(' ');
      const text = /instruction: (.*?) image shows/.exec(context)?.[1];
      if (text === undefined) continue;
      instruction++;
      const known = findInstruction(text); // a training instruction's own text at most, never an OOD text nor a paraphrase
      if (known) expect([known.split, known.text], text).toEqual(['id', text]);
      for (const concept of ['futuristic', 'mysterious', 'nostalgic', 'luxurious'] as const) if (CONCEPT_WORDS[concept].some((w) => text.includes(w))) asked.add(concept);
    }
    expect(instruction).toBeGreaterThan(600);
    expect([...asked].sort()).toEqual(['futuristic', 'luxurious', 'mysterious', 'nostalgic']);
    const rng = new Rng(42);
    for (let i = 0; i < 300; i++) {
      const ins = knowledgeCheckInstruction(rng);
      const c = captionCheckCase(rng, ins, TRAIN_PROMPTS[i % TRAIN_PROMPTS.length]!);
      if (c.question === 'instruction') expect(parseCheckAnswer(c.answer)).toBe(c.yes);
    }
  });

  it('pair questions: exactly one of the two images answers, by the world\'s truth, in either slot', () => {
    const rng = new Rng(21);
    const n = 1500;
    const seen = { subject: 0, cue: 0, concept: 0, a: 0, sameScene: 0 };
    for (let i = 0; i < n; i++) {
      const { question, refs, answer } = pairQuestionCase(rng);
      const [right, wrong] = answer === 'a' ? refs : [refs[1], refs[0]];
      const subject = /^which image shows a ([a-z]+)\?$/.exec(question)?.[1];
      const concept = /^which image looks (.+)\?$/.exec(question)?.[1];
      if (subject) {
        seen.subject++;
        expect(right.spec.subject).toBe(subject);
        expect(wrong.spec.subject).not.toBe(subject);
      } else if (concept) {
        seen.concept++;
        const c = (Object.keys(CONCEPT_WORDS) as Concept[]).filter((k) => CONCEPT_WORDS[k].includes(concept));
        expect(c.some((k) => cueCount(right.spec, k) > 0)).toBe(true);
        expect(c.some((k) => cueCount(wrong.spec, k) === 0)).toBe(true);
      } else {
        seen.cue++;
        expect(question).toMatch(/^which image has .+\?$/);
        expect(captionOf(right.spec)).not.toBe(captionOf(wrong.spec));
      }
      if (answer === 'a') seen.a++;
      if (Object.keys(right.spec).filter((k) => right.spec[k as keyof typeof right.spec] !== wrong.spec[k as keyof typeof wrong.spec]).length === 1) seen.sameScene++;
    }
    for (const kind of ['subject', 'cue', 'concept'] as const) expect(seen[kind] / n, kind).toBeGreaterThan(0.25);
    expect(seen.a / n).toBeGreaterThan(0.45);
    expect(seen.a / n).toBeLessThan(0.55);
    expect(seen.sameScene / n).toBeGreaterThan(0.2); // hard-negative-like pairs: one slot apart
    const example = new PretrainMixer(new Rng(22), { pair_question: 1 }).next();
    expect(example.task).toBe('pair_question');
    expect(example.images).toHaveLength(2);
    expect((example.target[0] as { text: string }).text).toMatch(/^(a|b) <eos>$/);
  });

  it('caption checks in long wordings are answered by their rule; a mixture without them draws what it drew before', () => {
    const rng = new Rng(43);
    let long = 0;
    for (let i = 0; i < 400; i++) {
      const ins = TRAIN_INSTRUCTIONS[i % TRAIN_INSTRUCTIONS.length]!;
      const c = captionCheckCase(rng, ins, TRAIN_PROMPTS[i % TRAIN_PROMPTS.length]!, { long: 1 });
      if (c.question !== 'instruction') continue;
      if (!c.context.includes(ins.text)) long++;
      expect(parseCheckAnswer(c.answer)).toBe(c.yes);
    }
    expect(long).toBeGreaterThan(150);
    const draw = (checks: CheckStyle) => {
      const mixer = new PretrainMixer(new Rng(44), { caption_check: 1 }, { checks });
      return Array.from({ length: 200 }, () => mixer.next().context.map((s) => ('text' in s ? s.text : '')).join(' '));
    };
    expect(draw({ wordings: 0.5, knowledge: 0.67, long: 0 })).toEqual(draw({ wordings: 0.5, knowledge: 0.67 }));
    expect(draw({ wordings: 0.5, knowledge: 0.67, long: 0.5 })).not.toEqual(draw({ wordings: 0.5, knowledge: 0.67 }));
  });

  it.each([
    ['the default mixture', {}],
    ['with every instruction check from the knowledge corpus', { checks: { wordings: 0.5, knowledge: 1 } }],
    ['with every instruction check in a long wording', { checks: { wordings: 0.5, knowledge: 0.67, long: 1 } }],
  ])('never shows an OOD instruction text or a test prompt (%s)', (_name, options) => {
    const mixer = new PretrainMixer(new Rng(3), { ...DEFAULT_MIX, caption_reading: 0.1, caption_check: 0.1 }, options);
    const text = Array.from({ length: 6000 }, () => mixer.next())
      .map((ex) => [...ex.context, ...ex.target].map((s) => ('text' in s ? s.text : '')).join(' '))
      .join('\n')
      .toLowerCase();
    for (const ins of OOD_INSTRUCTIONS) expect(text.includes(ins.text.toLowerCase()), ins.text).toBe(false);
    const shown = new Set([...text.matchAll(/prompt: (.*?) (?:think about|image a:| a shows)/g)].map((m) => m[1]));
    expect(shown.size).toBeGreaterThan(100);
    for (const p of [...TEST_PROMPTS, ...VALIDATION_PROMPTS]) expect(shown.has(p.text), p.text).toBe(false);
    expect(TRAIN_INSTRUCTIONS.some((ins) => text.includes(ins.text.toLowerCase()))).toBe(true);
  });

  it('judge-format reasoning describes each image in the generator\'s words and recalls the instruction, with a random verdict', () => {
    const mixer = new PretrainMixer(new Rng(5));
    let judged = 0;
    let recalled = 0;
    let a = 0;
    for (let i = 0; i < 1500; i++) {
      const ex = mixer.make('judge_format');
      const target = ex.target.map((s) => ('text' in s ? s.text : '')).join(' ').replace(' <eos>', '');
      const parsed = parseJudgeOutput(target);
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      expect(parsed.think).toContain(`a shows ${captionOf(ex.images[0]!.spec)}.`);
      expect(parsed.think).toContain(`b shows ${captionOf(ex.images[1]!.spec)}.`);
      if (parsed.think.includes('the instruction wants')) recalled++;
      if (parsed.verdict === 'A') a++;
      judged++;
    }
    expect(recalled / judged).toBeGreaterThan(0.4);
    expect(recalled / judged).toBeLessThan(0.6);
    expect(Math.abs(a / judged - 0.5)).toBeLessThan(0.05);
  });

  it.each(['contrast', 'independent', 'compared', 'interleaved', 'balanced'] as const)('judge reading (%s pairs): each image\'s subject and instruction answered by the world\'s rule, the verdict independent of them', (pairs) => {
    const mixer = new PretrainMixer(new Rng(6), { judge_format: 1 }, { judgeReading: pairs });
    const seen = { subjectNo: 0, instructionYes: 0, instructionNo: 0, withInstruction: 0, decided: 0, verdictFollows: 0 };
    const bOkGivenA = { ok: [0, 0], notOk: [0, 0] }; // [b ok, count] when a is ok / not ok
    const n = 1500;
    for (let i = 0; i < n; i++) {
      const ex = mixer.make('judge_format');
      const context = ex.context.map((s) => ('text' in s ? s.text : '')).join(' ');
      const prompt = /prompt: (.*?) image a:/.exec(context)![1]!;
      const instructionText = /instruction: (.*?) prompt:/.exec(context)?.[1];
      const parsed = parseJudgeOutput(ex.target.map((s) => ('text' in s ? s.text : '')).join(' ').replace(' <eos>', ''));
      expect(parsed.ok).toBe(true);
      if (!parsed.ok) continue;
      const readings = parseReadings(parsed.think);
      expect(readings).not.toBeNull();
      const ins = instructionText === undefined ? null : findInstruction(instructionText);
      if (instructionText !== undefined) {
        expect(TRAIN_INSTRUCTIONS).toContain(ins);
        seen.withInstruction++;
      }
      const ok = { a: true, b: true };
      for (const [k, image] of [['a', ex.images[0]!], ['b', ex.images[1]!]] as const) {
        const r = readings![k];
        // The subject answer is whether the described scene shows the prompt's subject.
        expect(r.subject).toBe(image.spec.subject === subjectOf(prompt));
        if (!r.subject) seen.subjectNo++;
        if (ins) {
          expect(r.instruction).toBe(evaluateRule(ins.rule, image.spec).satisfied);
          if (r.instruction) seen.instructionYes++;
          else seen.instructionNo++;
        } else expect(r.instruction).toBeNull();
        ok[k] = r.subject && r.instruction !== false;
        // Independent pairs name the subject each reading is about first ("a: snail, subject yes").
        if (pairs === 'independent') expect(parsed.think).toContain(`${k}: ${image.spec.subject ?? 'empty'}, subject`);
        // Compared readings copy the prompt's subject beside it ("a: cup, prompt snail, subject no").
        if (pairs === 'compared' || pairs === 'interleaved' || pairs === 'balanced') expect(parsed.think).toContain(`${k}: ${image.spec.subject ?? 'empty'}, prompt ${subjectOf(prompt)}, subject`);
      }
      // Interleaved readings follow their own description: "a shows …. a: …. b shows …. b: …".
      if (pairs === 'interleaved') expect(parsed.think).toMatch(/a shows [^.]*\. a: [^.]*\. b shows [^.]*\. b: [^.]*\.$/);
      const given = ok.a ? bOkGivenA.ok : bOkGivenA.notOk;
      given[0]! += ok.b ? 1 : 0;
      given[1]! += 1;
      if (ok.a !== ok.b) {
        seen.decided++;
        if ((parsed.verdict === 'A') === ok.a) seen.verdictFollows++;
      }
    }
    expect(seen.withInstruction / n).toBeGreaterThan(0.4);
    expect(seen.withInstruction / n).toBeLessThan(0.6);
    expect(seen.subjectNo).toBeGreaterThan(200);
    expect(seen.instructionYes).toBeGreaterThan(200);
    expect(seen.instructionNo).toBeGreaterThan(200);
    // The reading decides most pairs, yet the verdict is drawn at random: pretraining never teaches it.
    expect(seen.decided / n).toBeGreaterThan(0.4);
    expect(Math.abs(seen.verdictFollows / seen.decided - 0.5)).toBeLessThan(0.06);
    // Contrast pairs: b's reading is predictable from a's (one fine, one not); independent pairs: it is not.
    const dependence = bOkGivenA.ok[0]! / bOkGivenA.ok[1]! - bOkGivenA.notOk[0]! / bOkGivenA.notOk[1]!;
    // Balanced pairs: the subject slot says "no" as often as the subject-match task's (half of the time).
    if (pairs === 'balanced') expect(seen.subjectNo / (2 * n)).toBeGreaterThan(0.42);
    else expect(seen.subjectNo / (2 * n)).toBeLessThan(0.42);
    if (pairs === 'contrast') expect(dependence).toBeLessThan(-0.1);
    else expect(Math.abs(dependence)).toBeLessThan(0.08);
  });
});

/** The subject of a pretraining prompt: a training prompt's own, or a composed phrase's first subject word ("a tiny snail on the table"). */
function subjectOf(prompt: string): string | undefined {
  return TRAIN_PROMPTS.find((p) => p.text === prompt)?.subject ?? prompt.split(' ').find((w) => (SUBJECTS as readonly string[]).includes(w));
}

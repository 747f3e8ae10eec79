import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { checkAnswer, describePair, hasValidFormat, parseCheckAnswer, splitCheckAnswer, parseJudgeOutput, parseReadings, parseRepromptOutput, readOpening, readingLine, readingVerdict, recalledPhrases, saysPhrase, thinkAnswer } from './templates.ts';
import { baseReprompt, instructionRecall } from '../pretrain/reprompts.ts';
import { TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { TRAIN_PROMPTS } from '../world/prompts.ts';
import { Rng } from '../core/rng.ts';

describe('output parsing', () => {
  it('reads a well-formed verdict and reprompt', () => {
    expect(parseJudgeOutput(thinkAnswer('a has fangs and big eyes', 'a'))).toEqual({ ok: true, think: 'a has fangs and big eyes', verdict: 'A' });
    expect(parseJudgeOutput('<think>x</think>\n<answer> B </answer><eos>')).toMatchObject({ ok: true, verdict: 'B' });
    expect(parseRepromptOutput(thinkAnswer('scary and cute', 'a cat with fangs and big eyes'))).toEqual({
      ok: true, think: 'scary and cute', reprompt: 'a cat with fangs and big eyes',
    });
  });

  it('returns typed failures for malformed outputs', () => {
    expect(parseJudgeOutput('a')).toEqual({ ok: false, reason: 'no_think' });
    expect(parseJudgeOutput('<think>x</think>')).toEqual({ ok: false, reason: 'no_answer' });
    expect(parseJudgeOutput('<think>x</think><answer>c</answer>')).toEqual({ ok: false, reason: 'bad_verdict' });
    expect(parseRepromptOutput('<think>x</think><answer> </answer>')).toEqual({ ok: false, reason: 'empty_answer' });
    expect(parseRepromptOutput('<think>x</think><answer>y</answer> more')).toEqual({ ok: false, reason: 'trailing_text' });
    expect(hasValidFormat('<answer>y</answer><think>x</think>')).toBe(false);
  });

  it('never throws on random strings', () => {
    const pieces = fc.constantFrom('<think>', '</think>', '<answer>', '</answer>', 'a', 'b', ' ', 'cat', '<eos>', '\n');
    fc.assert(fc.property(fc.oneof(fc.string(), fc.array(pieces).map((p) => p.join(''))), (text) => {
      const j = parseJudgeOutput(text);
      const r = parseRepromptOutput(text);
      expect(typeof j.ok).toBe('boolean');
      expect(typeof r.ok).toBe('boolean');
      expect(hasValidFormat(text)).toBe(r.ok);
    }), { numRuns: 3000 });
  });
});

describe('judge reading lines', () => {
  it('round-trip through the reasoning they sit in, with or without the instruction answer', () => {
    const named = fc.constantFrom(undefined, { shown: 'fox' }, { shown: 'empty' }, { shown: 'fox', wanted: 'snail' }, { shown: 'empty', wanted: 'snail' });
    fc.assert(
      fc.property(fc.boolean(), fc.boolean(), fc.option(fc.boolean(), { nil: null }), fc.option(fc.boolean(), { nil: null }), named, named, (sa, sb, ia, ib, na, nb) => {
        const think = `${describePair('a red fox', 'an empty scene')} the instruction wants something cute: a smile. ${readingLine('a', sa, ia, na)} ${readingLine('b', sb, ib, nb)}`;
        expect(parseReadings(think)).toEqual({ a: { subject: sa, instruction: ia }, b: { subject: sb, instruction: ib } });
      }),
    );
  });

  it('are absent from reasoning that only describes, or reads one image', () => {
    expect(parseReadings(describePair('a red fox', 'a blue vase'))).toBeNull();
    expect(parseReadings(`a shows a red fox. ${readingLine('a', true, false)}`)).toBeNull();
    expect(readingLine('b', false, true)).toBe('b: subject no, instruction yes.');
    expect(readingLine('a', false, null, { shown: 'cup' })).toBe('a: cup, subject no.');
    expect(readingLine('a', false, true, { shown: 'cup', wanted: 'snail' })).toBe('a: cup, prompt snail, subject no, instruction yes.');
  });
});

describe('caption checks and the read opening', () => {
  it('a check answer ends with its yes or no, which parses back; anything else reads as neither', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom('swing', 'prompt bridge', 'it has snow', 'blue'), { maxLength: 3 }), fc.boolean(), (reasons, yes) => {
        expect(parseCheckAnswer(checkAnswer(reasons, yes))).toBe(yes);
      }),
    );
    expect(checkAnswer(['swing', 'prompt bridge'], false)).toBe('swing, prompt bridge, no');
    expect(parseCheckAnswer('it has snow, yes <eos>')).toBe(true);
    expect(parseCheckAnswer('it has snow, yesterday')).toBeNull();
    expect(parseCheckAnswer('no, it has snow')).toBeNull();
    expect(parseCheckAnswer('')).toBeNull();
  });

  it('the read opening carries both readings, and the verdict they imply is the only image read as right', () => {
    const yes = { subject: true, instruction: true };
    const swapped = { subject: false, instruction: true };
    const opening = readOpening('a red fox', 'a red owl', yes, swapped);
    expect(opening).toBe('<think> a shows a red fox. b shows a red owl. a: subject yes, instruction yes. b: subject no, instruction yes.');
    expect(readingVerdict(parseReadings(opening))).toBe('A');
    expect(readingVerdict(parseReadings(readOpening('x', 'y', swapped, yes)))).toBe('B');
    expect(readingVerdict(parseReadings(readOpening('x', 'y', yes, yes)))).toBe('tie');
    expect(readingVerdict(parseReadings(readOpening('x', 'y', { subject: true, instruction: null }, { subject: false, instruction: null })))).toBe('A');
    expect(readingVerdict(null)).toBe('tie');
    // With the cues the instruction check listed, the lines still parse.
    const withCues = { ...swapped, evidence: 'it has a golden crown, pixel art' };
    expect(readOpening('x', 'y', withCues, yes)).toBe(readOpening('x', 'y', swapped, yes)); // cues only when asked
    const graded = readOpening('x', 'y', withCues, { subject: true, instruction: false, evidence: 'it has no change' }, { cues: true });
    expect(graded).toBe('<think> a shows x. b shows y. a: subject no, instruction yes, it has a golden crown, pixel art. b: subject yes, instruction no, it has no change.');
    expect(parseReadings(graded)).toEqual({ a: { subject: false, instruction: true }, b: { subject: true, instruction: false } });
    expect(splitCheckAnswer('it has snow, blue, no <eos>').reasons).toBe('it has snow, blue');
    expect(splitCheckAnswer('swing, prompt bridge, yes').reasons).toBe('swing, prompt bridge');
  });
});

describe('recalled phrases (what a reasoning recalls from the knowledge corpus)', () => {
  it('reads the recall shapes pretraining teaches, and nothing from a reasoning that recalls nothing', () => {
    expect(recalledPhrases('the prompt is a snail at home. that means stone.')).toEqual(['stone']);
    expect(recalledPhrases('the user wants a cat. something cute often has a smile or big eyes.')).toEqual(['a smile', 'big eyes']);
    expect(recalledPhrases('the instruction wants something royal: a crown or purple, and something wintry: snow.')).toEqual(['a crown', 'purple', 'snow']);
    expect(recalledPhrases('the instruction wants something refined: a bow, and nothing crude like fangs.')).toEqual(['a bow']);
    expect(recalledPhrases('the user wants a storm.')).toEqual([]);
  });

  it('finds a recall in every base reprompt and instruction recall that names cues', () => {
    const rng = new Rng(3);
    let recalls = 0;
    for (let i = 0; i < 200; i++) {
      const { think } = baseReprompt(rng, rng.pick(TRAIN_INSTRUCTIONS), rng.pick(TRAIN_PROMPTS));
      if (/that means|often has/.test(think)) {
        recalls++;
        expect(recalledPhrases(think).length, think).toBeGreaterThan(0);
      }
      const wants = instructionRecall(rng, rng.pick(TRAIN_INSTRUCTIONS));
      if (wants.includes(':')) expect(recalledPhrases(wants).length, wants).toBeGreaterThan(0);
    }
    expect(recalls).toBeGreaterThan(40);
  });

  it('says a phrase only as whole words', () => {
    expect(saysPhrase('a gray stone cat, at night', 'stone')).toBe(true);
    expect(saysPhrase('a gray stone cat, at night', 'at night')).toBe(true);
    expect(saysPhrase('a gray stone cat', 'one')).toBe(false);
    expect(saysPhrase('a cat with big  eyes', 'big eyes')).toBe(true);
    expect(saysPhrase('a cat with eyes', 'big eyes')).toBe(false);
  });
});

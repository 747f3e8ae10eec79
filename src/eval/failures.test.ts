import { describe, expect, it } from 'vitest';
import { classifyReprompt, countFailures, repromptFailures } from './failures.ts';

const scaryCute = 'Make the object look scary, yet undeniably cute.';

describe('failure taxonomy (A.4.3)', () => {
  it('classifies each type', () => {
    expect(classifyReprompt(scaryCute, 'a cat', 'an orange cat with big eyes and fangs')).toBe('ok');
    expect(classifyReprompt(scaryCute, 'a cat', 'make the object look scary yet undeniably cute a cat')).toBe('type1_concatenation');
    expect(classifyReprompt(scaryCute, 'a cat', 'a cat')).toBe('type3_neglect');
    expect(classifyReprompt(scaryCute, 'a cat', 'a cat made of ice')).toBe('type2_misinterpretation');
    expect(classifyReprompt(scaryCute, 'a cat', 'a dog with fangs and big eyes')).toBe('subject_lost');
    expect(classifyReprompt(scaryCute, 'a cat', null)).toBe('format');
  });

  it('counts every type', () => {
    expect(countFailures(['ok', 'ok', 'format'])).toEqual({ ok: 2, format: 1, type1_concatenation: 0, type2_misinterpretation: 0, type3_neglect: 0, subject_lost: 0 });
  });

  it("counts a reprompter's outputs, an output that broke the format as `format` whatever text it fell back to", () => {
    const rows = [{ instruction: scaryCute, prompt: 'a cat' }, { instruction: scaryCute, prompt: 'a cat' }, { instruction: scaryCute, prompt: 'a cat' }];
    const outputs = [{ reprompt: 'an orange cat with big eyes and fangs' }, { reprompt: 'a cat', validFormat: true }, { reprompt: 'an orange cat with big eyes and fangs', validFormat: false }];
    expect(repromptFailures(rows, outputs)).toEqual({ ok: 1, format: 1, type1_concatenation: 0, type2_misinterpretation: 0, type3_neglect: 1, subject_lost: 0 });
  });
});

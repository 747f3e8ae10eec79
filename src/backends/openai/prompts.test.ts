import { describe, expect, it } from 'vitest';
import { judgeContent, parseRequestText, readReprompt, readVerdict, requestText } from './prompts.ts';

describe('chat prompts and answer parsing', () => {
  it('writes Instruction/Prompt lines that the server reads back, even from multi-line input', () => {
    const request = { instruction: 'Make it\nlook royal.', prompt: '  a dog  ' };
    expect(requestText(request)).toBe('Instruction: Make it look royal.\nPrompt: a dog');
    expect(parseRequestText(requestText(request))).toEqual({ instruction: 'Make it look royal.', prompt: 'a dog' });
    expect(parseRequestText('instruction:  x \nPROMPT: y')).toEqual({ instruction: 'x', prompt: 'y' });
    expect(parseRequestText('make the cat royal')).toBeNull();
    const parts = judgeContent(request, 'data:a', 'data:b');
    expect(parts.filter((p) => p.type === 'image_url').map((p) => (p.type === 'image_url' ? p.image_url.url : ''))).toEqual(['data:a', 'data:b']);
  });

  it('reads reprompts: strict format, answer tag only, plain text, empty', () => {
    expect(readReprompt('<think>ice</think><answer>a teapot of ice</answer>', 'naive')).toEqual({ reprompt: 'a teapot of ice', reasoning: 'ice', validFormat: true });
    expect(readReprompt('Sure! <answer>a teapot of ice', 'naive')).toMatchObject({ reprompt: 'a teapot of ice', validFormat: false });
    expect(readReprompt('<think>hmm</think> A crystal-clear ice teapot.', 'naive')).toEqual({ reprompt: 'A crystal-clear ice teapot.', reasoning: 'hmm', validFormat: false });
    expect(readReprompt('', 'naive')).toEqual({ reprompt: 'naive', validFormat: false });
  });

  it('reads verdicts: strict, lenient answer tags and bare final letters, ties otherwise', () => {
    expect(readVerdict('<think>B lacks a crown</think><answer>A</answer>')).toMatchObject({ verdict: 'A', validFormat: true });
    expect(readVerdict('<think>x</think> <answer> image b </answer>')).toMatchObject({ verdict: 'B', validFormat: true });
    expect(readVerdict('<think>x</think> <answer> tie </answer>')).toMatchObject({ verdict: 'tie', validFormat: false });
    expect(readVerdict('Image B has the crown.\nAnswer: B')).toMatchObject({ verdict: 'B', validFormat: false });
    expect(readVerdict('Both look fine to me.')).toMatchObject({ verdict: 'tie', validFormat: false });
    expect(readVerdict('A is a letter; I cannot decide')).toMatchObject({ verdict: 'tie' });
  });
});

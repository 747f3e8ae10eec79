/**
 * What seer says to a chat model and how it reads the answer, for the three roles: reprompt
 * (Table 2's external reprompters), pairwise judge (an external evaluator, A.1.2's automated check)
 * and describe. The wording follows the paper's A.3 templates (think, then answer in tags) at full
 * length, since external models are large; SEER-Mini's own miniature templates live in
 * model/templates.ts and `seer serve` maps these messages onto them.
 *
 * Parsing never throws: a strict `<think>…</think><answer>…</answer>` parse first, then lenient
 * fallbacks (an answer tag without think, a bare final "A"/"B"), flagged `validFormat: false`.
 */
import { parseJudgeOutput, parseRepromptOutput } from '../../model/templates.ts';
import type { JudgeAnswer, RepromptRequest, RepromptResult, Verdict } from '../../roles/roles.ts';
import type { ContentPart } from './wire.ts';

export const REPROMPT_SYSTEM = [
  'You rewrite prompts for a text-to-image model.',
  'The user gives a visual instruction and a terse prompt. Work out what the instruction asks for concretely',
  '(materials, colours, style, accessories, expressions, background) and rewrite the prompt so that an image',
  'generator that follows it literally will satisfy the instruction while keeping the subject recognizable.',
  'Reply exactly as: <think>your reasoning</think><answer>the rewritten prompt</answer>',
].join(' ');

export const JUDGE_SYSTEM = [
  'You are a strict evaluator of generated images.',
  'Given a visual instruction, a prompt and two images A and B, decide which image correctly follows the instruction',
  'while keeping the subject of the prompt recognizable and having better quality.',
  'Reply exactly as: <think>your reasoning</think><answer>A</answer> or <think>your reasoning</think><answer>B</answer>.',
].join(' ');

export const DESCRIBE_SYSTEM = 'You describe images briefly and answer questions about them in a few words.';

/** The user text both sides agree on: one `Instruction:` line and one `Prompt:` line. */
export function requestText(request: RepromptRequest): string {
  return `Instruction: ${oneLine(request.instruction)}\nPrompt: ${oneLine(request.prompt)}`;
}

export function judgeContent(request: RepromptRequest, imageA: string, imageB: string): ContentPart[] {
  return [
    { type: 'text', text: `${requestText(request)}\nImage A:` },
    { type: 'image_url', image_url: { url: imageA } },
    { type: 'text', text: 'Image B:' },
    { type: 'image_url', image_url: { url: imageB } },
    { type: 'text', text: 'Which image follows the instruction better? Answer A or B.' },
  ];
}

/** Reads `Instruction:` and `Prompt:` lines back (case-insensitive); null when either is missing. */
export function parseRequestText(text: string): RepromptRequest | null {
  const instruction = /^\s*instruction\s*:\s*(.+)$/im.exec(text)?.[1]?.trim();
  const prompt = /^\s*prompt\s*:\s*(.+)$/im.exec(text)?.[1]?.trim();
  return instruction && prompt ? { instruction, prompt } : null;
}

export function readReprompt(content: string, fallback: string): RepromptResult {
  const strict = parseRepromptOutput(content);
  if (strict.ok) return { reprompt: strict.reprompt, reasoning: strict.think, validFormat: true };
  const answer = /<answer>([\s\S]*?)(?:<\/answer>|$)/i.exec(content)?.[1]?.trim();
  const think = /<think>([\s\S]*?)<\/think>/i.exec(content)?.[1]?.trim();
  const bare = content.replace(/<think>[\s\S]*?<\/think>/gi, '').replace(/<\/?[a-z]+>/gi, '').trim();
  const reprompt = answer || bare || fallback;
  return { reprompt, ...(think ? { reasoning: think } : content.trim() ? { reasoning: content.trim() } : {}), validFormat: false };
}

export function readVerdict(content: string): JudgeAnswer & { validFormat: boolean } {
  const strict = parseJudgeOutput(content);
  if (strict.ok) return { verdict: strict.verdict, reasoning: strict.think, validFormat: true };
  const answer = /<answer>\s*(?:image\s*)?([ab]|tie)\b/i.exec(content)?.[1] ?? /(?:^|\n)\s*(?:answer\s*:\s*)?(?:image\s*)?([AB])\s*[.!]?\s*$/i.exec(content)?.[1];
  const verdict: Verdict = answer === undefined ? 'tie' : answer.toLowerCase() === 'a' ? 'A' : answer.toLowerCase() === 'b' ? 'B' : 'tie';
  return { verdict, reasoning: content.trim(), validFormat: false };
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * Janus-Pro's chat format for seer's roles, as the conversation objects transformers.js's
 * VLChatProcessor takes: role `<|User|>`, one `<image_placeholder>` per image (in order), and the
 * processor's `text_to_image` template for generation. The wording is the OpenAI backend's
 * (openai/prompts.ts), so an external chat model and Janus get the same task; Janus has no system
 * role, so the instructions lead the user turn; the processor's template adds the assistant turn.
 */
import type { ImageQuestion, JudgeQuery, RepromptRequest } from '../../roles/roles.ts';
import { DESCRIBE_SYSTEM, JUDGE_SYSTEM, REPROMPT_SYSTEM, requestText } from '../openai/prompts.ts';

export const USER = '<|User|>';
export const IMAGE_TAG = '<image_placeholder>';

export interface JanusMessage {
  role: string;
  content: string;
}

export function repromptConversation(request: RepromptRequest): JanusMessage[] {
  return [{ role: USER, content: `${REPROMPT_SYSTEM}\n\n${requestText(request)}` }];
}

export function judgeConversation(query: Pick<JudgeQuery, 'instruction' | 'prompt'>): JanusMessage[] {
  const text = [`${JUDGE_SYSTEM}\n`, requestText(query), `Image A: ${IMAGE_TAG}`, `Image B: ${IMAGE_TAG}`, 'Which image follows the instruction better? Answer A or B.'].join('\n');
  return [{ role: USER, content: text }];
}

export function describeConversation(query: Pick<ImageQuestion, 'question'>): JanusMessage[] {
  const question = query.question?.trim() ? query.question.trim() : 'Describe the image.';
  return [{ role: USER, content: `${IMAGE_TAG}\n${DESCRIBE_SYSTEM} ${question}` }];
}

/** For the processor's `text_to_image` chat template. */
export function generateConversation(prompt: string): JanusMessage[] {
  return [{ role: USER, content: prompt.trim() }];
}

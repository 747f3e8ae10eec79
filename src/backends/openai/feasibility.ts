/**
 * The VIE builder's automated check (paper A.1.2: "GPT-5 performed a semantic consistency check to
 * reject obviously low-quality or misaligned generations") over any OpenAI-compatible chat model
 * with image input: one yes/no question per candidate image. `seer data build --check-base-url …`.
 * An answer that starts with neither yes nor no counts as a rejection, and is counted.
 */
import type { AutoCheck } from '../../data/vie.ts';
import { type RgbImage, toDataUrl } from '../../image/image.ts';
import { requestText } from './prompts.ts';
import { OpenAIClient } from './models.ts';
import type { OpenAIConfigInput } from './config.ts';
import type { ChatMessage } from './wire.ts';

export const CHECK_SYSTEM = 'You check generated images. Answer only yes or no.';

export function checkQuestion(instruction: string, prompt: string): string {
  return `${requestText({ instruction, prompt })}\nDoes the image show the prompt's subject, recognizable, with the instruction carried out? Answer yes or no.`;
}

/** yes / no / null (neither) from the first word of an answer. */
export function readYesNo(answer: string): boolean | null {
  const word = /^[^a-z]*([a-z]+)/i.exec(answer.replace(/<think>[\s\S]*?<\/think>/gi, ''))?.[1]?.toLowerCase();
  return word === 'yes' ? true : word === 'no' ? false : null;
}

export class ChatFeasibilityCheck implements AutoCheck {
  readonly name: string;
  readonly client: OpenAIClient;
  /** Answers that were neither yes nor no in the last `check` call. */
  unclear = 0;

  constructor(source: OpenAIClient | OpenAIConfigInput) {
    this.client = source instanceof OpenAIClient ? source : new OpenAIClient(source);
    this.name = `openai:${this.client.config.model}`;
  }

  async check(items: readonly { instruction: string; prompt: string; image: RgbImage }[]): Promise<boolean[]> {
    const message = (item: (typeof items)[number]): ChatMessage[] => [
      { role: 'system', content: CHECK_SYSTEM },
      { role: 'user', content: [{ type: 'image_url', image_url: { url: toDataUrl(item.image) } }, { type: 'text', text: checkQuestion(item.instruction, item.prompt) }] },
    ];
    const answers = (await this.client.chatEach(items, message)).map((a) => readYesNo(a.content));
    this.unclear = answers.filter((a) => a === null).length;
    return answers.map((a) => a === true);
  }
}

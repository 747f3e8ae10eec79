/**
 * Builds SEER-Mini's tokenizers from the world: the text tokenizer from every kind of text the
 * world produces (captions, instructions, prompts, knowledge, mode templates), the image tokenizer
 * (k-means VQ) from renders.
 */
import { Rng } from '../core/rng.ts';
import { captionOf } from '../world/grammar.ts';
import { ALL_INSTRUCTIONS } from '../world/instructions.ts';
import { knowledgeCorpus } from '../world/knowledge.ts';
import { TEST_PROMPTS, TRAIN_PROMPTS } from '../world/prompts.ts';
import { renderSpec } from '../world/render.ts';
import { randomSpec } from '../world/spec.ts';
import { TextTokenizer } from '../model/text-tokenizer.ts';
import { ImageTokenizer } from '../model/image-tokenizer.ts';
import { alignmentContext, captionContext, judgeContext, questionContext, repromptContext, generateContext, thinkAnswer } from '../model/templates.ts';
import { PretrainMixer } from './mix.ts';

export function buildTextTokenizer(seed: number): TextTokenizer {
  const rng = new Rng(seed).fork('text-tokenizer');
  const corpus: string[] = [];
  for (let i = 0; i < 4000; i++) corpus.push(captionOf(randomSpec(rng, { pChange: 0.6 })));
  for (const ins of ALL_INSTRUCTIONS) corpus.push(ins.text, ...ins.paraphrases);
  for (const p of [...TRAIN_PROMPTS, ...TEST_PROMPTS]) corpus.push(p.text);
  corpus.push(...knowledgeCorpus(rng, 30));
  const segText = (segments: { text: string }[] | unknown[]) => (segments as { text?: string }[]).map((s) => s.text ?? '').join(' ');
  corpus.push(segText(judgeContext('x', 'y')), segText(alignmentContext('y')), segText(captionContext()), segText(questionContext('is it?')));
  corpus.push(repromptContext('x', 'y'), generateContext('x'), thinkAnswer('a b', 'yes no'));
  const mixer = new PretrainMixer(rng.fork('mix'));
  for (let i = 0; i < 3000; i++) {
    const ex = mixer.next();
    corpus.push(segText(ex.context), segText(ex.target));
  }
  return TextTokenizer.train(corpus, 1);
}

export function buildImageTokenizer(seed: number, options: { images?: number; codes?: number; iterations?: number } = {}): ImageTokenizer {
  const rng = new Rng(seed).fork('image-tokenizer');
  const images = Array.from({ length: options.images ?? 1500 }, () => renderSpec(randomSpec(rng, { pChange: rng.bool() ? 0.3 : 0.6 }), { seed: rng.int(1 << 30) }));
  return ImageTokenizer.train(images, { codes: options.codes ?? 256, iterations: options.iterations ?? 10, seed });
}

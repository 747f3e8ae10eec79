/**
 * SEER-Mini's text tokenizer: a word-level vocabulary trained on the VIE world's text (captions,
 * instructions, prompts, knowledge corpus, mode templates), with a character fallback so that no
 * input is ever lost or crashes: an unknown word becomes a run of character tokens (`^x` starts a
 * word, `~x` continues it) and decodes back to itself. Lower-cases its input (the world is
 * case-insensitive). Special tokens structure the modes (<think>, <answer>, <img> …).
 */
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';

export const SPECIAL_TOKENS = [
  '<pad>', '<bos>', '<eos>', '<unk>', '<img>', '</img>', '<think>', '</think>', '<answer>', '</answer>',
  '<user>', '<assistant>', '<system>',
] as const;
export type SpecialToken = (typeof SPECIAL_TOKENS)[number];

const CHARS = 'abcdefghijklmnopqrstuvwxyz0123456789-\''.split('');
const PUNCT = [',', '.', ':', ';', '?', '!', '"', '(', ')', '/', '+', '=', '&', '*', '#', '%', '$'];
const SPECIAL_RE = /(<\/?[a-z]+>)/;

export const textTokenizerSchema = z.object({ kind: z.literal('word+char'), version: z.literal(1), words: z.array(z.string()) });

export class TextTokenizer {
  readonly vocab: readonly string[];
  private readonly index: Map<string, number>;

  private constructor(vocab: string[]) {
    this.vocab = vocab;
    this.index = new Map(vocab.map((t, i) => [t, i]));
  }

  /** Build from a corpus: every word seen at least `minCount` times gets its own token. */
  static train(corpus: Iterable<string>, minCount = 1): TextTokenizer {
    const counts = new Map<string, number>();
    for (const text of corpus) for (const piece of pieces(text)) if (!isSpecial(piece)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
    const words = [...counts.entries()]
      .filter(([w, n]) => n >= minCount && !PUNCT.includes(w))
      .map(([w]) => w)
      .sort();
    return TextTokenizer.fromWords(words);
  }

  static fromWords(words: readonly string[]): TextTokenizer {
    const vocab = [...SPECIAL_TOKENS, ...PUNCT, ...CHARS.map((c) => `^${c}`), ...CHARS.map((c) => `~${c}`)];
    const seen = new Set(vocab);
    for (const w of words) if (!seen.has(w)) {
      vocab.push(w);
      seen.add(w);
    }
    return new TextTokenizer(vocab);
  }

  static fromJSON(value: unknown): TextTokenizer {
    const parsed = textTokenizerSchema.safeParse(value);
    if (!parsed.success) throw new SeerError('bad_file', `text tokenizer: ${parsed.error.issues[0]?.message ?? 'invalid'}`);
    return TextTokenizer.fromWords(parsed.data.words);
  }

  toJSON(): z.infer<typeof textTokenizerSchema> {
    const firstWord = SPECIAL_TOKENS.length + PUNCT.length + 2 * CHARS.length;
    return { kind: 'word+char', version: 1, words: this.vocab.slice(firstWord) };
  }

  get size(): number {
    return this.vocab.length;
  }

  id(token: SpecialToken | string): number {
    const i = this.index.get(token);
    if (i === undefined) throw new SeerError('model', `token "${token}" is not in the vocabulary`);
    return i;
  }

  has(word: string): boolean {
    return this.index.has(word);
  }

  encode(text: string): number[] {
    const out: number[] = [];
    for (const piece of pieces(text)) {
      const known = this.index.get(piece);
      if (known !== undefined) {
        out.push(known);
        continue;
      }
      let first = true;
      for (const ch of piece) {
        const id = this.index.get(`${first ? '^' : '~'}${ch}`);
        if (id === undefined) continue; // characters outside the alphabet are dropped
        out.push(id);
        first = false;
      }
      if (first) out.push(this.id('<unk>'));
    }
    return out;
  }

  decode(ids: readonly number[], options: { keepSpecial?: boolean } = {}): string {
    let text = '';
    for (const id of ids) {
      const token = this.vocab[id];
      if (token === undefined) continue;
      if (isSpecial(token)) {
        if (options.keepSpecial) text += token;
        continue;
      }
      if (token.startsWith('~') && token.length === 2) text += token.slice(1);
      else if (token.startsWith('^') && token.length === 2) text += (needsSpace(text) ? ' ' : '') + token.slice(1);
      else if (PUNCT.includes(token)) text += token;
      else text += (needsSpace(text) ? ' ' : '') + token;
    }
    return text;
  }
}

function needsSpace(text: string): boolean {
  return text.length > 0 && !/[\s(>/"]$/.test(text);
}

function isSpecial(token: string): boolean {
  return (SPECIAL_TOKENS as readonly string[]).includes(token);
}

/** Split text into special tokens, words and punctuation marks. */
export function pieces(text: string): string[] {
  const out: string[] = [];
  for (const part of text.split(SPECIAL_RE)) {
    if (!part) continue;
    if (isSpecial(part)) {
      out.push(part);
      continue;
    }
    const matches = part.toLowerCase().match(/[a-z0-9'-]+|[^\sa-z0-9'-]/g) ?? [];
    for (const m of matches) if (/^[a-z0-9'-]+$/.test(m) || PUNCT.includes(m)) out.push(m);
  }
  return out;
}

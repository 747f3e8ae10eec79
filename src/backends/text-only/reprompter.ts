/**
 * The disjoint text-only reprompter (Table 2's PromptEnhancer / BeautifulPrompt analogue): it
 * retrieves the knowledge-corpus sentences that share words with the instruction and lets a trigram
 * LM trained on the corpus write an elaboration after the prompt. It reads the same knowledge as
 * SEER-Mini but never sees an image, so its fluent phrases ("a crimson glowing gaze") are often
 * words the generator never learned — the paper's representation mismatch (§3.4.3).
 */
import { Rng } from '../../core/rng.ts';
import { tokenize } from '../../world/grammar.ts';
import { knowledgeCorpus } from '../../world/knowledge.ts';
import type { Reprompter, RepromptRequest, RepromptResult } from '../../roles/roles.ts';
import { TrigramLm } from './ngram.ts';

const STOP = new Set(['a', 'an', 'the', 'it', 'make', 'this', 'image', 'look', 'object', 'so', 'is', 'of', 'and', 'yet', 'but', 'more', 'feel', 'like', 'give', 'to', 'its', 'be', 'in', 'on', 'with', 'as', 'out', 'from']);

export class TextOnlyReprompter implements Reprompter {
  readonly name = 'text-only';
  private readonly corpus: string[];
  private readonly lm: TrigramLm;
  private readonly maxWords: number;

  constructor(options: { corpusSeed?: number; maxWords?: number } = {}) {
    this.corpus = knowledgeCorpus(new Rng(options.corpusSeed ?? 11), 24);
    this.lm = new TrigramLm(this.corpus);
    this.maxWords = options.maxWords ?? 40;
  }

  async reprompt(requests: readonly RepromptRequest[], options: { seed?: number } = {}): Promise<RepromptResult[]> {
    const rng = new Rng(options.seed ?? 0);
    return requests.map((request, i) => {
      const r = rng.fork(i);
      const keys = tokenize(request.instruction).filter((w) => !STOP.has(w));
      const scored = this.corpus
        .map((sentence) => ({ sentence, overlap: tokenize(sentence).filter((w) => keys.includes(w)).length }))
        .filter((s) => s.overlap > 0)
        .sort((a, b) => b.overlap - a.overlap);
      const retrieved = scored.slice(0, 3).map((s) => s.sentence);
      const parts = [request.prompt.trim()];
      // Each retrieved sentence seeds the LM with its opening words; the LM writes the rest, so the
      // output recombines the corpus's concrete and eloquent phrases fluently.
      for (const sentence of retrieved) {
        const opening = tokenize(sentence).slice(0, 3);
        parts.push([...opening, ...this.lm.continue(opening.join(' '), r, 20)].join(' '));
      }
      if (retrieved.length === 0) parts.push(request.instruction.trim().toLowerCase());
      const words = parts.join('. ').split(/\s+/).slice(0, this.maxWords);
      return { reprompt: words.join(' '), reasoning: `retrieved ${retrieved.length} knowledge sentences for: ${keys.join(' ')}` };
    });
  }
}

/**
 * A word trigram language model with interpolated add-k smoothing: the "small LM trained on the
 * text corpus only" behind the disjoint text-only reprompter (the PromptEnhancer / BeautifulPrompt
 * analogue of Table 2). It never sees an image, so it cannot know which words the generator draws.
 */
import type { Rng } from '../../core/rng.ts';
import { tokenize } from '../../world/grammar.ts';

const START = '<s>';
const END = '</s>';

export class TrigramLm {
  private readonly uni = new Map<string, number>();
  private readonly bi = new Map<string, Map<string, number>>();
  private readonly tri = new Map<string, Map<string, number>>();
  private total = 0;

  constructor(sentences: Iterable<string>) {
    for (const sentence of sentences) {
      const words = [START, START, ...tokenize(sentence), END];
      for (let i = 2; i < words.length; i++) {
        const w = words[i] as string;
        this.uni.set(w, (this.uni.get(w) ?? 0) + 1);
        this.total++;
        bump(this.bi, words[i - 1] as string, w);
        bump(this.tri, `${words[i - 2]} ${words[i - 1]}`, w);
      }
    }
  }

  /** Interpolated probability of `word` after (a, b). */
  probability(a: string, b: string, word: string): number {
    const uni = ((this.uni.get(word) ?? 0) + 0.1) / (this.total + 0.1 * (this.uni.size + 1));
    const biCounts = this.bi.get(b);
    const bi = biCounts ? (biCounts.get(word) ?? 0) / sum(biCounts) : 0;
    const triCounts = this.tri.get(`${a} ${b}`);
    const tri = triCounts ? (triCounts.get(word) ?? 0) / sum(triCounts) : 0;
    return 0.6 * tri + 0.3 * bi + 0.1 * uni;
  }

  /** Continue `prefix` by sampling up to `maxWords` words (stops at end of sentence). */
  continue(prefix: string, rng: Rng, maxWords = 24, temperature = 0.8): string[] {
    const words = [START, START, ...tokenize(prefix)];
    const out: string[] = [];
    for (let i = 0; i < maxWords; i++) {
      const a = words[words.length - 2] as string;
      const b = words[words.length - 1] as string;
      const candidates = new Set<string>([...(this.tri.get(`${a} ${b}`)?.keys() ?? []), ...(this.bi.get(b)?.keys() ?? [])]);
      if (candidates.size === 0) break;
      const list = [...candidates];
      const weights = list.map((w) => this.probability(a, b, w) ** (1 / temperature));
      let r = rng.next() * weights.reduce((s, x) => s + x, 0);
      let choice = list[list.length - 1] as string;
      for (let k = 0; k < list.length; k++) {
        r -= weights[k] as number;
        if (r <= 0) {
          choice = list[k] as string;
          break;
        }
      }
      if (choice === END) break;
      out.push(choice);
      words.push(choice);
    }
    return out;
  }
}

function bump(table: Map<string, Map<string, number>>, key: string, word: string): void {
  let row = table.get(key);
  if (!row) {
    row = new Map();
    table.set(key, row);
  }
  row.set(word, (row.get(word) ?? 0) + 1);
}

function sum(row: Map<string, number>): number {
  let s = 0;
  for (const v of row.values()) s += v;
  return s;
}

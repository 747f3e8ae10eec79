/**
 * Stage 2 draws, for each of the G completions of a prompt, the naive image of that prompt with
 * the same image seed — G identical draws — and the same reprompt twice gives the same image too.
 * `memoiseImages` wraps a *frozen* generator (its weights must not change while the cache lives:
 * Stage 2's base generator never does) so that each distinct (prompt, seed) is drawn once per call
 * and reused across calls (least recently used entries are dropped beyond `maxEntries`).
 * SEER-Mini's draw depends only on (prompt, seed), not on the batch (src/model/umm.ts), so the
 * images are the ones the unwrapped generator returns. Rows that share a key share the image
 * object; callers only read images.
 */
import type { RgbImage } from '../image/image.ts';

export type GenerateImages = (prompts: readonly string[], seeds: readonly number[]) => Promise<RgbImage[]>;

export interface MemoisedGenerator extends GenerateImages {
  /** Images served from the cache or from an earlier row of the same call, and images drawn. */
  stats(): { hits: number; draws: number };
}

export function memoiseImages(generate: GenerateImages, options: { maxEntries?: number } = {}): MemoisedGenerator {
  const maxEntries = options.maxEntries ?? 4096;
  const cache = new Map<string, RgbImage>(); // insertion order = recency
  let hits = 0;
  let draws = 0;
  const memoised = async (prompts: readonly string[], seeds: readonly number[]): Promise<RgbImage[]> => {
    if (seeds.length !== prompts.length) throw new RangeError(`memoiseImages: ${prompts.length} prompts but ${seeds.length} seeds`);
    const keys = prompts.map((p, i) => `${seeds[i]}\u0000${p}`);
    const missing = [...new Set(keys.filter((k) => !cache.has(k)))];
    if (missing.length > 0) {
      const at = missing.map((k) => keys.indexOf(k));
      const drawn = await generate(at.map((i) => prompts[i] as string), at.map((i) => seeds[i] as number));
      missing.forEach((k, j) => cache.set(k, drawn[j] as RgbImage));
      draws += missing.length;
    }
    hits += keys.length - missing.length;
    const out = keys.map((k) => {
      const image = cache.get(k) as RgbImage;
      cache.delete(k);
      cache.set(k, image);
      return image;
    });
    for (const k of cache.keys()) {
      if (cache.size <= maxEntries) break;
      cache.delete(k);
    }
    return out;
  };
  return Object.assign(memoised, { stats: () => ({ hits, draws }) });
}

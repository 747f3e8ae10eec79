/**
 * Seeded randomness. Every random choice in seer flows from an explicit seed through an `Rng`,
 * so the same config and seed give the same numbers. Built on pure-rand's xoroshiro128+.
 * `fork(label)` derives an independent stream for a named sub-task, so adding randomness in one
 * place does not shift the numbers drawn elsewhere.
 */
import { xoroshiro128plus, xoroshiro128plusFromState } from 'pure-rand/generator/xoroshiro128plus';

type Generator = ReturnType<typeof xoroshiro128plus>;

export class Rng {
  private generator: Generator;
  readonly seed: number;

  constructor(seed: number) {
    this.seed = seed >>> 0;
    // pure-rand seeds xoroshiro's state almost directly from the seed, so nearby seeds give nearly
    // equal first draws; expanding the seed with splitmix32 decorrelates them.
    let x = this.seed;
    const words = Array.from({ length: 4 }, (): number => {
      x = (x + 0x9e3779b9) | 0;
      let z = x;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) | 0;
    });
    if (!words.some((w) => w !== 0)) words[0] = 1; // xoroshiro needs a non-zero state
    this.generator = xoroshiro128plusFromState(words);
  }

  /** Uniform float in [0, 1) with 32 bits of resolution. */
  next(): number {
    return (this.generator.next() >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** Uniform float in [lo, hi). */
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  /** Standard normal via Box–Muller. */
  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  bool(p = 0.5): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[this.int(items.length)] as T;
  }

  /** Fisher–Yates shuffle into a new array. */
  shuffle<T>(items: readonly T[]): T[] {
    const out = items.slice();
    for (let i = out.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      [out[i], out[j]] = [out[j] as T, out[i] as T];
    }
    return out;
  }

  /** `k` distinct items in random order. */
  sample<T>(items: readonly T[], k: number): T[] {
    return this.shuffle(items).slice(0, k);
  }

  /** The generator's state, for exact resume (see `Rng.fromState`). */
  state(): { seed: number; words: number[] } {
    return { seed: this.seed, words: [...(this.generator.getState?.() ?? [])] };
  }

  static fromState(state: { seed: number; words: readonly number[] }): Rng {
    const rng = new Rng(state.seed);
    rng.generator = xoroshiro128plusFromState(state.words);
    return rng;
  }

  /** An independent stream derived from this seed and a label. */
  fork(label: string | number): Rng {
    return new Rng(hashSeed(this.seed, String(label)));
  }
}

/** FNV-1a over the seed and a label: a stable 32-bit seed for a named sub-stream. */
export function hashSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ (seed >>> 0);
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

import { describe, expect, it } from 'vitest';
import { Rng, hashSeed } from './rng.ts';

describe('Rng', () => {
  it('gives decorrelated first draws for nearby seeds and forks', () => {
    const firsts = Array.from({ length: 200 }, (_, i) => new Rng(i).next());
    const mean = firsts.reduce((a, b) => a + b, 0) / firsts.length;
    expect(mean).toBeGreaterThan(0.4);
    expect(mean).toBeLessThan(0.6);
    const forks = Array.from({ length: 200 }, (_, i) => new Rng(0).fork(`step-${i}`).next());
    expect(new Set(forks.map((x) => Math.floor(x * 10))).size).toBe(10);
  });

  it('is reproducible and resumes exactly from its state', () => {
    const a = new Rng(42);
    a.next();
    const state = a.state();
    const b = Rng.fromState(state);
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(Array.from({ length: 5 }, () => a.next()));
    expect(hashSeed(1, 'x')).toBe(hashSeed(1, 'x'));
  });

  it('samples, shuffles and picks within range', () => {
    const rng = new Rng(3);
    const shuffled = rng.shuffle([1, 2, 3, 4, 5]);
    expect([...shuffled].sort()).toEqual([1, 2, 3, 4, 5]);
    for (let i = 0; i < 100; i++) expect(rng.int(7)).toBeLessThan(7);
    expect(() => rng.pick([])).toThrow(RangeError);
  });
});

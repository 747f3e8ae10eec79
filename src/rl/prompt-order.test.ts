import { describe, expect, it } from 'vitest';
import { promptsForStep } from './trainer.ts';

describe('promptsForStep', () => {
  const prompts = Array.from({ length: 12 }, (_, i) => ({ id: `p${i}`, block: `b${Math.floor(i / 2)}` }));

  it('keeps prompts of one block in the same step and covers every prompt once per epoch', () => {
    const seen: string[] = [];
    for (let step = 0; step < 3; step++) {
      const batch = promptsForStep(prompts, 4, 7, step);
      for (let k = 0; k < 4; k += 2) expect(batch[k]!.block).toBe(batch[k + 1]!.block);
      seen.push(...batch.map((p) => p.id));
    }
    expect([...seen].sort()).toEqual(prompts.map((p) => p.id).sort());
  });

  it('is a seeded permutation: same seed same batches, another seed another order', () => {
    expect(promptsForStep(prompts, 4, 7, 1)).toEqual(promptsForStep(prompts, 4, 7, 1));
    const a = [0, 1, 2].flatMap((s) => promptsForStep(prompts, 4, 7, s).map((p) => p.id));
    const b = [0, 1, 2].flatMap((s) => promptsForStep(prompts, 4, 8, s).map((p) => p.id));
    expect(a).not.toEqual(b);
  });

  it('without blocks, shuffles single prompts', () => {
    const plain = prompts.map(({ id }) => ({ id }));
    const batch = [0, 1, 2].flatMap((s) => promptsForStep(plain, 4, 7, s).map((p) => Number(p.id.slice(1))));
    const pairsTogether = [0, 2, 4, 6, 8, 10].every((k) => Math.floor(batch[k]! / 2) === Math.floor(batch[k + 1]! / 2));
    expect(pairsTogether).toBe(false);
  });
});

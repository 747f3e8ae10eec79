/**
 * Shared conformance suites: every implementation of a role runs the same behavioural checks
 * (call these from a `*.test.ts` beside the implementation).
 */
import { describe, expect, it } from 'vitest';
import { naivePrompt, type ImageGenerator, type PairwiseJudge, type Reprompter, type UnifiedModel } from './roles.ts';
import { renderSpec } from './render.ts';
import { defaultSpec } from './spec.ts';

export function reprompterConformance(make: () => Reprompter | Promise<Reprompter>): void {
  it('returns one non-empty reprompt per request, in order', async () => {
    const reprompter = await make();
    const requests = [
      { instruction: 'Make the object look scary, yet undeniably cute.', prompt: 'a cat' },
      { instruction: 'Transform it so it is carved entirely out of ice.', prompt: 'a vintage teapot' },
      { instruction: 'Make it glow like nothing ever seen.', prompt: 'a tiny robot on the shelf' },
    ];
    const out = await reprompter.reprompt(requests, { seed: 1 });
    expect(out).toHaveLength(3);
    for (const r of out) expect(r.reprompt.trim().length).toBeGreaterThan(0);
    expect(typeof reprompter.name).toBe('string');
  });

  it('is deterministic for a seed', async () => {
    const reprompter = await make();
    const requests = [{ instruction: 'Make it look royal.', prompt: 'a dog on the street' }];
    expect(await reprompter.reprompt(requests, { seed: 7 })).toEqual(await reprompter.reprompt(requests, { seed: 7 }));
  });

  it('handles an empty batch', async () => {
    expect(await (await make()).reprompt([])).toEqual([]);
  });
}

export function judgeConformance(make: () => PairwiseJudge | Promise<PairwiseJudge>): void {
  const cat = renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 1 });
  const plain = renderSpec(defaultSpec('cat'), { seed: 2 });
  it('answers A, B or tie for each query, in order', async () => {
    const judge = await make();
    const q = { instruction: "Place a golden crown on the object's head.", prompt: 'a cat' };
    const out = await judge.judge([{ ...q, imageA: cat, imageB: plain }, { ...q, imageA: plain, imageB: cat }]);
    expect(out).toHaveLength(2);
    for (const a of out) expect(['A', 'B', 'tie']).toContain(a.verdict);
    for (const a of out) if (a.probabilityA !== undefined) expect(a.probabilityA).toBeGreaterThanOrEqual(0);
  });

  it('handles an empty batch', async () => {
    expect(await (await make()).judge([])).toEqual([]);
  });
}

export function generatorConformance(make: () => ImageGenerator | Promise<ImageGenerator>, size = 32): void {
  it('returns one image per prompt, of the declared size, deterministic per seed', async () => {
    const generator = await make();
    const a = await generator.generate(['a red cat', 'a blue fish at night'], [1, 2]);
    const b = await generator.generate(['a red cat', 'a blue fish at night'], [1, 2]);
    expect(a).toHaveLength(2);
    for (const im of a) expect(im.data.length).toBe(size * size * 3);
    expect(Buffer.from(a[0]!.data).equals(Buffer.from(b[0]!.data))).toBe(true);
  });
}

/**
 * A `UnifiedModel` runs the three role suites above, then checks understanding (`describe`) and
 * that the roles compose into the paper's inference loop: reprompt → generate → judge against the
 * naive prompt's image drawn with the same seed.
 */
export function unifiedModelConformance(make: () => UnifiedModel | Promise<UnifiedModel>, options: { imageSize?: number } = {}): void {
  const size = options.imageSize ?? 32;
  describe('as a Reprompter', () => reprompterConformance(make));
  describe('as a PairwiseJudge', () => judgeConformance(make));
  describe('as an ImageGenerator', () => generatorConformance(make, size));

  const cat = renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 3 });
  it('describes images and answers questions about them: one text per query, in order, deterministic for a seed', async () => {
    const model = await make();
    const queries = [{ image: cat }, { image: cat, question: 'is there a crown?' }];
    const a = await model.describe(queries, { seed: 5 });
    expect(a).toHaveLength(2);
    for (const text of a) expect(typeof text).toBe('string');
    expect(a[0]!.trim().length).toBeGreaterThan(0);
    expect(await model.describe(queries, { seed: 5 })).toEqual(a);
    expect(await model.describe([])).toEqual([]);
  });

  it('composes the inference loop: reprompt, generate with the same seed as naive, judge the pair', async () => {
    const model = await make();
    const request = { instruction: "Place a golden crown on the object's head.", prompt: 'a cat' };
    const [reprompted] = await model.reprompt([request], { seed: 2 });
    const [mine, naive] = await model.generate([reprompted!.reprompt, naivePrompt(request)], [9, 9]);
    expect(mine!.width).toBe(size);
    expect(naive!.height).toBe(size);
    const [answer] = await model.judge([{ ...request, imageA: mine!, imageB: naive! }]);
    expect(['A', 'B', 'tie']).toContain(answer!.verdict);
  });
}

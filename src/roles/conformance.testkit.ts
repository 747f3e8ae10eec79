/**
 * Shared conformance suites: every implementation of a role runs the same behavioural checks
 * (call these from a `*.test.ts` beside the implementation).
 *
 * Judges: every judge must answer in order, give probabilities in [0, 1] and be deterministic (all
 * of ours decode greedily). Swap consistency — judge(b, a) is the mirror of judge(a, b) — is
 * checked for judges that declare it (`swapConsistent: true`, e.g. the oracle, which reads
 * attributes). Learned judges have position bias, so they declare `false`; that bias is why every
 * caller judges through src/roles/blind.ts, never with a fixed order.
 */
import { describe, expect, it } from 'vitest';
import { judgeBlind } from './blind.ts';
import { naivePrompt, type ImageGenerator, type JudgeAnswer, type JudgeQuery, type PairwiseJudge, type Reprompter, type UnifiedModel } from './roles.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';

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

export interface JudgeConformanceOptions {
  /** The judge answers a swapped pair as the mirror image of the pair (verdict A ↔ B, P(A) → 1 − P(A)). */
  swapConsistent: boolean;
}

const MIRROR = { A: 'B', B: 'A', tie: 'tie' } as const;

export function judgeConformance(make: () => PairwiseJudge | Promise<PairwiseJudge>, options: JudgeConformanceOptions): void {
  const crown = renderSpec({ ...defaultSpec('cat'), accessory: 'crown' }, { seed: 1 });
  const plain = renderSpec(defaultSpec('cat'), { seed: 2 });
  const plainAgain = renderSpec(defaultSpec('cat'), { seed: 5 });
  const dogWithCrown = renderSpec({ ...defaultSpec('dog'), accessory: 'crown' }, { seed: 3 });
  const q = { instruction: "Place a golden crown on the object's head.", prompt: 'a cat' };
  // Instruction followed; two renders of one plain scene; instruction followed but subject lost.
  const pairs: [JudgeQuery, JudgeQuery][] = [
    [{ ...q, imageA: crown, imageB: plain }, { ...q, imageA: plain, imageB: crown }],
    [{ ...q, imageA: plain, imageB: plainAgain }, { ...q, imageA: plainAgain, imageB: plain }],
    [{ ...q, imageA: dogWithCrown, imageB: plain }, { ...q, imageA: plain, imageB: dogWithCrown }],
  ];
  const queries = pairs.flat();
  const inRange = (a: JudgeAnswer) => a.probabilityA === undefined || (a.probabilityA >= 0 && a.probabilityA <= 1);

  it('answers A, B or tie for each query, in order, with probabilities in [0, 1]', async () => {
    const out = await (await make()).judge(queries);
    expect(out).toHaveLength(queries.length);
    for (const a of out) expect(['A', 'B', 'tie']).toContain(a.verdict);
    for (const a of out) expect(inRange(a), `probabilityA = ${a.probabilityA}`).toBe(true);
  });

  it('is deterministic: the same queries get the same answers', async () => {
    const judge = await make();
    const strip = (answers: JudgeAnswer[]) => answers.map((a) => ({ verdict: a.verdict, probabilityA: a.probabilityA }));
    expect(strip(await judge.judge(queries))).toEqual(strip(await judge.judge(queries)));
  });

  if (options.swapConsistent) {
    it('is swap-consistent: judge(b, a) mirrors judge(a, b), so blind judging gives the same outcome in any order', async () => {
      const judge = await make();
      const out = await judge.judge(queries);
      for (let k = 0; k < pairs.length; k++) {
        const [ab, ba] = [out[2 * k]!, out[2 * k + 1]!];
        expect(ba.verdict, `pair ${k}`).toBe(MIRROR[ab.verdict]);
        if (ab.probabilityA !== undefined) expect(ab.probabilityA + ba.probabilityA!, `pair ${k}`).toBeCloseTo(1, 9);
      }
      const blind = (seed: number) => judgeBlind(judge, pairs.map(([ab], k) => ({ ...q, candidate: ab.imageA, baseline: ab.imageB, key: `pair ${k}` })), { seed });
      const outcomes = (await blind(0)).map((v) => v.outcome);
      for (const seed of [1, 2, 3]) expect((await blind(seed)).map((v) => v.outcome)).toEqual(outcomes);
    });
  }

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
export function unifiedModelConformance(make: () => UnifiedModel | Promise<UnifiedModel>, options: { imageSize?: number; swapConsistent: boolean }): void {
  const size = options.imageSize ?? 32;
  describe('as a Reprompter', () => reprompterConformance(make));
  describe('as a PairwiseJudge', () => judgeConformance(make, { swapConsistent: options.swapConsistent }));
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

  it('composes the inference loop: reprompt, generate with the same seed as naive, judge the pair blind', async () => {
    const model = await make();
    const request = { instruction: "Place a golden crown on the object's head.", prompt: 'a cat' };
    const [reprompted] = await model.reprompt([request], { seed: 2 });
    const [mine, naive] = await model.generate([reprompted!.reprompt, naivePrompt(request)], [9, 9]);
    expect(mine!.width).toBe(size);
    expect(naive!.height).toBe(size);
    const [verdict] = await judgeBlind(model, [{ ...request, candidate: mine!, baseline: naive!, key: 'loop' }]);
    expect(['candidate', 'baseline', 'tie']).toContain(verdict!.outcome);
    expect(verdict!.preference >= 0 && verdict!.preference <= 1).toBe(true);
  });
}

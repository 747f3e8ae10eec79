/**
 * The shared conformance suite for `PolicyModel` (./policy.ts): every implementation runs the same
 * behavioural checks (call `policyModelConformance` from a `*.test.ts` beside the implementation;
 * ./tabular-policy.test.ts does). It checks what the GRPO trainer relies on — seeded sampling,
 * truncation flags, log-probs that match their rows, a `backward` whose step raises the log-prob
 * it was asked to raise, a snapshot that does not move, exact save/load — and, for models with
 * parameter groups, that a frozen group does not change. Not part of the paper.
 */
import { expect, it } from 'vitest';
import type { PolicyModel } from './policy.ts';

export interface PolicyFixture {
  model: PolicyModel;
  /** A few prompt contexts the model accepts. */
  contexts: number[][];
  /** A learning rate large enough to move one log-prob visibly in one AdamW step. */
  lr: number;
}

export function policyModelConformance(make: () => PolicyFixture | Promise<PolicyFixture>): void {
  const sampling = { temperature: 1, topP: 1, maxNewTokens: 4, seed: 11 };

  it('samples one completion per context, repeatably for a seed, flagging truncation', async () => {
    const { model, contexts } = await make();
    const a = await model.sample(contexts, sampling);
    expect(a).toHaveLength(contexts.length);
    expect(await model.sample(contexts, sampling)).toEqual(a);
    for (const c of a) {
      expect(c.tokens.length).toBeGreaterThan(0);
      expect(c.tokens.length).toBeLessThanOrEqual(sampling.maxNewTokens);
      if (c.tokens.length < sampling.maxNewTokens) expect(c.truncated).toBe(false);
    }
    expect(await model.sample([], sampling)).toEqual([]);
  });

  it('returns finite log-probs ≤ 0 and entropies ≥ 0 shaped like the completions, the same with and without grad', async () => {
    const { model, contexts } = await make();
    const completions = (await model.sample(contexts, sampling)).map((c) => c.tokens);
    const rows = { contexts, completions };
    const withGrad = await model.logProbs(rows, { grad: true });
    const without = await model.logProbs(rows, { grad: false });
    completions.forEach((c, b) => {
      const lp = Array.from(withGrad.logp[b]!);
      expect(lp).toHaveLength(c.length);
      expect(Array.from(withGrad.entropy[b]!)).toHaveLength(c.length);
      for (const v of lp) expect(Number.isFinite(v) && v <= 1e-6).toBe(true);
      for (const e of Array.from(withGrad.entropy[b]!)) expect(e).toBeGreaterThanOrEqual(-1e-6);
      Array.from(without.logp[b]!).forEach((v, t) => expect(v).toBeCloseTo(lp[t]!, 5));
    });
  });

  it('backward(−1 on one token) + step raises that log-prob; the snapshot does not move', async () => {
    const { model, contexts, lr } = await make();
    const reference = await model.snapshot();
    const rows = { contexts: contexts.slice(0, 1), completions: (await model.sample(contexts.slice(0, 1), sampling)).map((c) => c.tokens) };
    const before = Array.from((await model.logProbs(rows, { grad: false })).logp[0]!);
    const refBefore = Array.from((await reference.logProbs(rows, { grad: false })).logp[0]!);
    model.zeroGrad();
    const current = await model.logProbs(rows, { grad: true });
    current.backward([before.map((_, t) => (t === 0 ? -1 : 0))]); // loss = −logp[0][0]
    const norm = model.step({ lr, weightDecay: 0, maxGradNorm: 0 });
    expect(norm).toBeGreaterThan(0);
    const after = Array.from((await model.logProbs(rows, { grad: false })).logp[0]!);
    expect(after[0]!).toBeGreaterThan(before[0]!);
    expect(Array.from((await reference.logProbs(rows, { grad: false })).logp[0]!)).toEqual(refBefore);
  });

  it('saveState / loadState round-trip weights and optimizer state exactly', async () => {
    const { model, contexts, lr } = await make();
    const rows = { contexts, completions: (await model.sample(contexts, sampling)).map((c) => c.tokens) };
    const train = async () => {
      model.zeroGrad();
      (await model.logProbs(rows, { grad: true })).backward(rows.completions.map((c) => c.map(() => -1)));
      model.step({ lr, weightDecay: 0.01, maxGradNorm: 1 });
    };
    await train();
    const saved = await model.saveState();
    await train();
    const expected = (await model.logProbs(rows, { grad: false })).logp.map((r) => Array.from(r));
    await model.loadState(saved);
    await train();
    expect((await model.logProbs(rows, { grad: false })).logp.map((r) => Array.from(r))).toEqual(expected);
  });

  it('freezes parameter groups: with every group frozen a step changes nothing (models with groups)', async () => {
    const { model, contexts, lr } = await make();
    if (!model.parameterGroups || !model.setFrozen) return;
    const groups = model.parameterGroups();
    model.setFrozen(groups.slice(1).map((g) => g.name));
    expect(model.parameterGroups().map((g) => g.frozen)).toEqual(groups.map((_, i) => i > 0));
    model.setFrozen(groups.map((g) => g.name));
    const rows = { contexts, completions: (await model.sample(contexts, sampling)).map((c) => c.tokens) };
    const logp = async () => (await model.logProbs(rows, { grad: false })).logp.map((r) => Array.from(r));
    const before = await logp();
    model.zeroGrad();
    (await model.logProbs(rows, { grad: true })).backward(rows.completions.map((c) => c.map(() => -1)));
    model.step({ lr, weightDecay: 0.1, maxGradNorm: 0 });
    expect(await logp()).toEqual(before);
    model.setFrozen([]);
  });
}

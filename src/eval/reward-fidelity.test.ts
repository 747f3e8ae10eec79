import { describe, expect, it } from 'vitest';
import { Rng } from '../core/rng.ts';
import type { TestRow } from '../data/schemas.ts';
import { RendererSource } from '../data/image-source.ts';
import { captionOf } from '../world/grammar.ts';
import { TRAIN_INSTRUCTIONS } from '../world/instructions.ts';
import { OracleJudge } from '../oracle/judge.ts';
import type { PairwiseJudge } from '../roles/roles.ts';
import { elaborate } from '../world/rules.ts';
import { defaultSpec } from '../world/spec.ts';
import { rewardFidelity } from './reward-fidelity.ts';

const rng = new Rng(4);
const rows: TestRow[] = TRAIN_INSTRUCTIONS.filter((_, i) => i % 5 === 0).map((ins, i) => ({
  id: `case-${i}`, instruction: ins.text, instruction_id: ins.id, prompt: 'a cat', subject: 'cat', category: ins.category, difficulty: ins.difficulty, split: 'id',
  elaboration: captionOf(elaborate(ins.rule, defaultSpec('cat'), rng)!),
}));
// Half of the reprompts are the oracle's elaboration (they win), half drop the subject (they lose).
const reprompts = rows.map((r, i) => (i % 2 === 0 ? r.elaboration : r.elaboration.replace(/\bcat\b/, 'tree')));
const common = { rows, reprompts, generator: new RendererSource(32), oracle: new OracleJudge(), imageSeeds: [1, 2], seed: 0 };

describe('reward fidelity (SEER judge vs the oracle on reprompt-vs-naive pairs)', () => {
  it('is perfect for the oracle itself and halves for a judge that always answers "a"', async () => {
    const self = await rewardFidelity({ ...common, judge: new OracleJudge() });
    expect(self.pairs).toBe(rows.length * 2);
    expect(self.decided).toBeGreaterThan(rows.length);
    expect(self.agreement).toBe(1);
    expect(self.rewardGap).toBe(0);
    expect(self.agreementWhenRepromptWins).toBe(1);
    expect(self.agreementWhenNaiveWins).toBe(1);
    expect(self.bothOrders).toEqual({ agreement: 1, split: 0 });
    const saysA: PairwiseJudge = { name: 'says-a', judge: async (qs) => qs.map(() => ({ verdict: 'A' as const })) };
    const biased = await rewardFidelity({ ...common, judge: saysA });
    expect(biased.agreement).toBeGreaterThan(0.2);
    expect(biased.agreement).toBeLessThan(0.8);
    // It calls the reprompt better exactly when the seeded order put it first.
    expect(biased.decided).toBe(self.decided);
    // Asked both ways it contradicts itself on every pair: each is split, worth half.
    expect(biased.bothOrders).toEqual({ agreement: 0.5, split: 1 });
  });
});

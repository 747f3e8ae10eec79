import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckInput } from './check.ts';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';

function randomCases(seed: number): CheckInput {
  const rng = new Rng(seed);
  const cases: CheckInput['cases'] = [];
  for (const loss_type of ['grpo', 'bnpo', 'dr_grpo', 'dapo'] as const)
    for (const scale_rewards of ['group', 'batch', 'none'] as const)
      for (const kl_estimator of ['k1', 'k2', 'k3'] as const) {
        const G = 2 + rng.int(3);
        const B = G * (1 + rng.int(3));
        const T = 3 + rng.int(4);
        const m = () => Array.from({ length: B }, () => Array.from({ length: T }, () => rng.uniform(-3, -0.05)));
        const logp = m();
        cases.push({
          config: { loss_type, beta: rng.pick([0, 0.04, 0.3]), epsilon: 0.2, epsilon_high: rng.pick([null, 0.28]), scale_rewards, kl_estimator },
          group_size: G,
          max_completion_length: T,
          rewards: Array.from({ length: B }, () => (rng.bool(0.1) ? null : rng.pick([0, 1, rng.uniform(0, 2)]))),
          logp,
          old_logp: logp.map((row) => row.map((v) => v + rng.uniform(-0.5, 0.5))),
          ref_logp: m(),
          mask: Array.from({ length: B }, () => { const n = 1 + rng.int(T); return Array.from({ length: T }, (_, t) => (t < n ? 1 : 0) as 0 | 1); }),
        });
      }
  return { cases };
}

function hasPython(): boolean {
  try {
    execFileSync('python3', ['--version']);
    return true;
  } catch {
    return false;
  }
}

describe('seer rl check', () => {
  it.runIf(hasPython())('agrees with the independent Python reference on random vectors (all 36 option combinations)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rlcheck-'));
    const input = randomCases(5);
    writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
    execFileSync('python3', ['scripts/grpo_reference.py', join(dir, 'in.json'), join(dir, 'ref.json')]);
    const reference = JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8')).results as { advantages: number[]; loss: number; kl: number; clip_ratio: number }[];
    const ours = runCheck(input).results;
    expect(ours).toHaveLength(36);
    ours.forEach((r, i) => {
      const ref = reference[i]!;
      r.advantages.forEach((a, k) => expect(a).toBeCloseTo(ref.advantages[k]!, 9));
      expect(r.loss).toBeCloseTo(ref.loss, 9);
      expect(r.kl).toBeCloseTo(ref.kl, 9);
      expect(r.clip_ratio).toBeCloseTo(ref.clip_ratio, 12);
    });
  });

  it('explains malformed vectors', () => {
    const input = randomCases(1);
    input.cases[0]!.rewards.push(1);
    expect(() => runCheck(input)).toThrow(SeerError);
    expect(() => runCheck(input)).toThrow(/not a multiple of group_size/);
    expect(() => runCheck({ cases: [{ ...randomCases(2).cases[0]!, group_size: 1 }] })).toThrow(/group_size/);
  });
});

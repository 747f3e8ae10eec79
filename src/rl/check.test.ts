import { describe, expect, it } from 'vitest';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCheck, type CheckInput, type CheckResult } from './check.ts';
import { Rng } from '../core/rng.ts';
import { SeerError } from '../core/errors.ts';

type Case = CheckInput['cases'][number];

/** Every loss type × scaling × estimator with random β, clip-higher on/off, null rewards, ragged masks. */
function randomCases(seed: number): CheckInput {
  const rng = new Rng(seed);
  const cases: Case[] = [];
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
          mask: Array.from({ length: B }, () => { const n = rng.int(T + 1); return Array.from({ length: T }, (_, t) => (t < n ? 1 : 0) as 0 | 1); }),
        });
      }
  return { cases };
}

/** Corners: an all-null group, a group with one finite reward, a fully masked row, a saturated log-ratio. */
const cornerCase: Case = {
  config: { loss_type: 'grpo', beta: 0.04, epsilon: 0.2, epsilon_high: 0.28, scale_rewards: 'group', kl_estimator: 'k3' },
  group_size: 2,
  max_completion_length: 2,
  rewards: [null, null, 1, null, 0.5, 0.25],
  logp: [[-1, -2], [-0.5, -0.1], [-0.3, -25], [-1, -1], [-0.2, -0.9], [-0.7, -1.4]],
  old_logp: [[-1.1, -2], [-0.5, -0.3], [-0.3, -0.1], [-1, -1], [-0.4, -0.9], [-0.1, -1.2]],
  ref_logp: [[-1, -1], [-1, -1], [-1, -1], [-1, -1], [-1, -1], [-1, -1]],
  mask: [[1, 1], [1, 0], [1, 1], [0, 0], [1, 1], [1, 0]],
};

function pythonWith(module: string | null): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    const probe = spawnSync(python, ['-c', module ? `import ${module}` : 'pass']);
    if (probe.status === 0) return python;
  }
  return null;
}

function runReference(python: string, script: string, input: CheckInput, grad: boolean): CheckResult[] {
  const dir = mkdtempSync(join(tmpdir(), 'rlcheck-'));
  writeFileSync(join(dir, 'in.json'), JSON.stringify(input));
  execFileSync(python, [script, join(dir, 'in.json'), join(dir, 'ref.json'), ...(grad ? ['--grad'] : [])]);
  return (JSON.parse(readFileSync(join(dir, 'ref.json'), 'utf8')) as { results: CheckResult[] }).results;
}

/** Agreement to 1e-9, relative for values above 1 (the corner case has e^24-sized KL terms). */
function near(ours: number, reference: number, what: string): void {
  expect(Math.abs(ours - reference), `${what}: ${ours} vs ${reference}`).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(reference)));
}

function expectAgreement(ours: CheckResult[], reference: CheckResult[], withGrad: boolean): void {
  expect(ours).toHaveLength(reference.length);
  ours.forEach((r, i) => {
    const ref = reference[i]!;
    expect(r.advantages).toHaveLength(ref.advantages.length);
    r.advantages.forEach((a, k) => near(a, ref.advantages[k]!, `case ${i} advantage ${k}`));
    near(r.loss, ref.loss, `case ${i} loss`);
    near(r.kl, ref.kl, `case ${i} kl`);
    expect(r.clip_ratio).toBe(ref.clip_ratio);
    if (withGrad) r.grad_logp!.forEach((row, b) => row.forEach((g, t) => near(g, ref.grad_logp![b]![t]!, `case ${i} grad[${b}][${t}]`)));
  });
}

const torchPython = pythonWith('torch');
const plainPython = pythonWith(null);
const input: CheckInput = { cases: [...randomCases(5).cases, cornerCase] };

describe('seer rl check', () => {
  it('handles the corner case as hand-computed', () => {
    const [r] = runCheck({ cases: [cornerCase] }, { grad: true }).results;
    // groups: [null, null] → 0, 0; [1, null] → one value, std NaN → treated as 0 → (1 − 1)/1e-4 = 0; [0.5, 0.25]
    const s = Math.sqrt(0.03125) + 1e-4; // Bessel std of [0.5, 0.25]
    expect(r!.advantages.slice(0, 4)).toEqual([0, 0, 0, 0]);
    expect(r!.advantages[4]).toBeCloseTo(0.125 / s, 12);
    // row 2, token 1: log-ratio −24.9 saturates at −20 → no gradient from the surrogate (A = 0 anyway), only β·k3'
    expect(r!.grad_logp![2]![1]! / ((0.04 * (1 - Math.exp(-1 + 25))) / (2 * 6))).toBeCloseTo(1, 12);
    // row 3 is fully masked: zero gradient, and under grpo it still counts among the 6 rows
    expect(r!.grad_logp![3]).toEqual([0, 0]);
  });

  it.runIf(plainPython !== null)('agrees with the plain-Python reference (scripts/grpo_reference.py) on 37 cases', () => {
    expectAgreement(runCheck(input).results, runReference(plainPython!, 'scripts/grpo_reference.py', input, false), false);
  });

  it.runIf(torchPython !== null)('agrees with the PyTorch reference, gradient from autograd included (scripts/grpo_reference_torch.py)', () => {
    expectAgreement(runCheck(input, { grad: true }).results, runReference(torchPython!, 'scripts/grpo_reference_torch.py', input, true), true);
  });

  it('runs from the command line on the shipped example vectors', () => {
    const out = join(mkdtempSync(join(tmpdir(), 'rlcli-')), 'results.json');
    execFileSync(process.execPath, ['bin/seer.mjs', 'rl', 'check', '--in', 'scripts/grpo_vectors.example.json', '--out', out]);
    const written = JSON.parse(readFileSync(out, 'utf8')) as { results: CheckResult[] };
    const example = JSON.parse(readFileSync('scripts/grpo_vectors.example.json', 'utf8')) as unknown;
    expect(written).toEqual(JSON.parse(JSON.stringify(runCheck(example))));
    expect(Object.keys(written.results[0]!).sort()).toEqual(['advantages', 'clip_ratio', 'kl', 'loss']);
  });

  it('explains malformed vectors, naming the place and the fix', () => {
    const bad = randomCases(1);
    bad.cases[0]!.rewards.push(1);
    expect(() => runCheck(bad)).toThrow(SeerError);
    expect(() => runCheck(bad)).toThrow(/not a multiple of group_size/);
    expect(() => runCheck({ cases: [{ ...cornerCase, group_size: 1 }] })).toThrow(/cases\[0\]\.group_size/);
    expect(() => runCheck({ cases: [{ ...cornerCase, mask: cornerCase.mask.map((r) => [...r, 1]) }] }, { source: 'v.json' })).toThrow(/^v\.json: cases\[0\]\.mask\[0\]: row 0 has 3 tokens, max_completion_length is 2/);
    expect(() => runCheck({ cases: [{ ...cornerCase, config: { ...cornerCase.config, kl_estimator: 'k4' } }] })).toThrow(/cases\[0\]\.config\.kl_estimator/);
    const r = spawnSync(process.execPath, ['bin/seer.mjs', 'rl', 'check', '--in', 'package.json', '--out', join(tmpdir(), 'never.json')], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/^seer: package\.json: cases: /);
  });
});

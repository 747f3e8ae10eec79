import { describe, expect, it } from 'vitest';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { trainGrpo, type GrpoPrompt, type RewardFunction } from './trainer.ts';
import { TabularPolicy } from './tabular-policy.ts';
import { parseGrpoConfig, learningRateAt } from './config.ts';
import { SeerError } from '../core/errors.ts';

// Vocabulary: 0 = eos, 1..5 = words. Target: answer "3 4" then stop (a bigram policy can represent it).
const TARGET = [3, 4, 0];
const prompts: GrpoPrompt<null>[] = [
  { id: 'p1', context: [1], meta: null },
  { id: 'p2', context: [2], meta: null },
];
const pattern: RewardFunction<null> = {
  name: 'pattern',
  weight: 1,
  score: (batch) => batch.map(({ completion }) => {
    let k = 0;
    while (k < TARGET.length && completion.tokens[k] === TARGET[k]) k++;
    return k / TARGET.length;
  }),
};
// Logged but weightless: checks per-function metrics without competing with the pattern.
const short: RewardFunction<null> = { name: 'short', weight: 0, score: (batch) => batch.map(({ completion }) => (completion.truncated ? 0 : 1)) };

const config = (over: Record<string, unknown> = {}) =>
  parseGrpoConfig({ numGenerations: 8, generationBatchSize: 16, maxSteps: 60, learningRate: 0.2, beta: 0.04, maxCompletionLength: 6, seed: 3, ...over });

describe('GRPO trainer', () => {
  it('teaches a small policy to emit a target pattern (mean reward of the last 5 of 60 steps > 0.9), deterministically', async () => {
    const run = async () => (await trainGrpo({ config: config(), model: new TabularPolicy(6, 0, 1), prompts, rewards: [pattern, short], quiet: true })).metrics;
    const a = await run();
    expect(a[0]!['rewards/pattern/mean']!).toBeLessThan(0.3);
    const last = a.slice(-5).map((m) => m['rewards/pattern/mean']!);
    expect(last.reduce((x, y) => x + y, 0) / 5).toBeGreaterThan(0.9);
    expect(await run()).toEqual(a);
    for (const key of ['reward', 'reward_std', 'frac_reward_zero_std', 'kl', 'entropy', 'clip_ratio/region_mean', 'completions/mean_length', 'completions/clipped_ratio', 'rewards/short/mean'])
      expect(a[0]).toHaveProperty(key);
  });

  it('resumes after a kill to exactly the numbers of an uninterrupted run (μ = 2, accumulation, dapo)', async () => {
    const cfg = config({ maxSteps: 8, checkpointEvery: 3, numIterations: 2, gradientAccumulationSteps: 2, lossType: 'dapo', epsilonHigh: 0.28 });
    const whole = await trainGrpo({ config: cfg, model: new TabularPolicy(6, 0, 1), prompts, rewards: [pattern], quiet: true, outDir: mkdtempSync(join(tmpdir(), 'grpo-a-')) });
    const dir = mkdtempSync(join(tmpdir(), 'grpo-b-'));
    await expect(trainGrpo({
      config: cfg, model: new TabularPolicy(6, 0, 1), prompts, rewards: [pattern], quiet: true, outDir: dir,
      onStep: (m) => { if (m.step === 5) throw new Error('killed'); },
    })).rejects.toThrow('killed');
    const resumed = await trainGrpo({ config: cfg, model: new TabularPolicy(6, 0, 1), prompts, rewards: [pattern], quiet: true, outDir: dir });
    expect(resumed.metrics).toEqual(whole.metrics);
    const lines = readFileSync(join(dir, 'metrics.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l).step);
    expect(lines).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(await resumed.model.saveState()).toEqual(await whole.model.saveState());
  });

  it('masks truncated completions and resamples zero-variance groups', async () => {
    const { metrics } = await trainGrpo({
      config: config({ maxSteps: 3, maskTruncatedCompletions: true, dynamicSampling: 2, maxCompletionLength: 2 }),
      model: new TabularPolicy(6, 0, 1), prompts, rewards: [pattern], quiet: true,
    });
    expect(metrics[0]!['completions/clipped_ratio']!).toBeGreaterThan(0);
    expect(metrics[0]!['completions/mean_length']!).toBeLessThanOrEqual(2);
  });

  it('validates its config with messages that say how to fix it', () => {
    expect(() => parseGrpoConfig({ numGenerations: 1 })).toThrow(/G must be at least 2/);
    expect(() => parseGrpoConfig({ numGenerations: 8, generationBatchSize: 20 })).toThrow(/multiple of numGenerations \(8\); try 24/);
    expect(() => parseGrpoConfig({ epsilon: 0.3, epsilonHigh: 0.2 })).toThrow(SeerError);
  });

  it('schedules the learning rate with warmup and decay', () => {
    const cfg = parseGrpoConfig({ learningRate: 1, warmupSteps: 2, maxSteps: 12, lrSchedule: 'linear' });
    expect([0, 1, 2, 7, 12].map((s) => learningRateAt(cfg, s))).toEqual([0.5, 1, 1, 0.5, 0]);
    const cos = parseGrpoConfig({ learningRate: 1, maxSteps: 10, lrSchedule: 'cosine' });
    expect(learningRateAt(cos, 5)).toBeCloseTo(0.5, 12);
  });
});

import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { noGrad, tidy } from '../engine/torch.ts';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import type { SeerMini } from '../model/umm.ts';
import { SeerMiniPolicy } from './policy.ts';
import { replayLoss } from './replay.ts';

describe('pretraining replay during RL', () => {
  const dir = mkdtempSync(join(tmpdir(), 'seer-replay-'));
  beforeAll(async () => {
    await pretrain({ recipe: { ...RECIPES.tiny, threads: 1 }, outDir: dir, seed: 2, quiet: true });
  });
  const fresh = (): SeerMini => loadSeerMini(join(dir, 'model')).model;
  const lossAt = (model: SeerMini, index: number) => noGrad(() => tidy(() => replayLoss(model, { weight: 1, batch: 4, tasks: ['t2i'] }, 7, index).item()));
  const qkv = (model: SeerMini) => Array.from(model.transformer.exportWeights().get('h0.qkv.w')!.data);

  it('replays the same examples for the same (seed, step index) and others for another index', () => {
    const model = fresh();
    expect(lossAt(model, 3)).toBe(lossAt(model, 3));
    expect(lossAt(model, 3)).not.toBe(lossAt(model, 4));
  });

  it('replays each listed task: a batch of yes/no questions is another loss than a batch of drawings', () => {
    const model = fresh();
    const of = (tasks: ('t2i' | 'vqa')[]) => noGrad(() => tidy(() => replayLoss(model, { weight: 1, batch: 4, tasks }, 7, 3).item()));
    const [t2i, vqa, mixed] = [of(['t2i']), of(['vqa']), of(['t2i', 'vqa'])];
    expect(Number.isFinite(vqa)).toBe(true);
    expect(vqa).not.toBe(t2i);
    expect(mixed).not.toBe(t2i);
    expect(mixed).not.toBe(vqa);
  });

  it('adds its gradient at every optimizer step, and only when its weight is above 0', () => {
    const plain = fresh();
    const off = new SeerMiniPolicy(plain, { replay: { config: { weight: 0, batch: 4, tasks: ['t2i'] }, seed: 7 } });
    const before = qkv(plain);
    off.zeroGrad();
    off.step({ lr: 1e-2, weightDecay: 0, maxGradNorm: 1, index: 0 }); // no RL gradient, no replay: nothing moves
    expect(qkv(plain)).toEqual(before);

    const model = fresh();
    const policy = new SeerMiniPolicy(model, { replay: { config: { weight: 1, batch: 4, tasks: ['t2i'] }, seed: 7 } });
    const start = lossAt(model, 0);
    for (let i = 0; i < 5; i++) {
      policy.zeroGrad();
      policy.step({ lr: 1e-2, weightDecay: 0, maxGradNorm: 1, index: 0 });
    }
    expect(qkv(model)).not.toEqual(before);
    expect(lossAt(model, 0)).toBeLessThan(start); // it trains the shared blocks on text-to-image
  });

  it('replays the reprompt format when told, and training on it lowers its loss', () => {
    const model = fresh();
    const config = { weight: 1, batch: 4, tasks: ['reprompt_format' as const] };
    const reprompt = () => noGrad(() => tidy(() => replayLoss(model, config, 7, 0).item()));
    const start = reprompt();
    expect(start).not.toBe(lossAt(model, 0)); // other examples than text-to-image
    const policy = new SeerMiniPolicy(model, { replay: { config, seed: 7 } });
    for (let i = 0; i < 5; i++) {
      policy.zeroGrad();
      policy.step({ lr: 1e-2, weightDecay: 0, maxGradNorm: 1, index: 0 });
    }
    expect(reprompt()).toBeLessThan(start);
  });
});

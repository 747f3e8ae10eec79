import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { engine } from '../engine/torch.ts';
import { loadSeerMini } from '../model/checkpoint.ts';
import { bestOnValidation } from './best-on-validation.ts';

describe.skipIf(!engine.available())('model selection on validation', () => {
  it('ends on the best-scoring weights, and resumes with what it had seen', async () => {
    const { model } = loadSeerMini();
    const dir = mkdtempSync(join(tmpdir(), 'best-val-'));
    const first = () => model.transformer.exportWeights().values().next().value!.data[0]!;
    // Each "step" moves the first weight; validation scores the steps 0.3, 0.8, 0.5.
    const scores = new Map([[2, 0.3], [4, 0.8], [6, 0.5]]);
    const seen: number[] = [];
    const validate = async () => {
      const step = seen.length === 0 ? 2 : seen.length === 1 ? 4 : 6;
      seen.push(first());
      return scores.get(step)!;
    };
    const selection = bestOnValidation(model, validate, { every: 2, dir });
    const bump = () => {
      const w = model.transformer.exportWeights();
      const [name, t] = w.entries().next().value!;
      t.data[0] = t.data[0]! + 1;
      model.transformer.importWeights(new Map([...w, [name, t]]));
    };
    for (let step = 1; step <= 5; step++) {
      bump();
      await selection.onStep({ step });
    }
    bump();
    const { best, history } = await selection.finish(6);
    expect(best).toEqual({ step: 4, score: 0.8 });
    expect(history.map((p) => p.step)).toEqual([2, 4, 6]);
    expect(first()).toBe(seen[1]); // the weights scored at step 4
    // A new selection over the same folder remembers the best point and does not re-score it.
    const again = bestOnValidation(model, async () => 0.1, { every: 2, dir });
    expect((await again.finish(6)).best).toEqual({ step: 4, score: 0.8 });
  });
});

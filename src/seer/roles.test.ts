import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pretrain, RECIPES } from '../pretrain/train.ts';
import type { SeerMini } from '../model/umm.ts';
import { SeerJudge, SeerReprompter } from './roles.ts';
import { judgeConformance, reprompterConformance } from '../roles/conformance.testkit.ts';
import { formatReward, verdictReward } from './rewards.ts';
import { thinkAnswer } from '../model/templates.ts';

describe('SEER-Mini as judge and reprompter (tiny model)', () => {
  let model: SeerMini;
  beforeAll(async () => {
    model = (await pretrain({ recipe: { ...RECIPES.tiny, threads: 1, steps: 10 }, outDir: mkdtempSync(join(tmpdir(), 'seer-roles-')), quiet: true })).model;
  });

  describe('SeerJudge', () => judgeConformance(() => new SeerJudge(model), { swapConsistent: false }));
  describe('SeerReprompter', () => reprompterConformance(() => new SeerReprompter(model)));

  it('falls back to the naive prompt on a malformed reprompt and gives probabilities in [0, 1]', async () => {
    const out = await new SeerReprompter(model, { maxNewTokens: 3 }).reprompt([{ instruction: 'Make it blue.', prompt: 'a cat' }], { seed: 1 });
    if (!out[0]!.validFormat) expect(out[0]!.reprompt).toBe('Make it blue. a cat');
  });

  it('scores format and verdict rewards from decoded completions', async () => {
    const good = model.text.encode(thinkAnswer('image a has a crown', 'a'));
    const bad = model.text.encode('a a a');
    const prompt = { id: 'x', context: [], meta: { label: 'A' as const } };
    const batch = [{ prompt, completion: { tokens: good, truncated: false } }, { prompt, completion: { tokens: bad, truncated: false } }];
    expect(await formatReward(model).score(batch)).toEqual([1, 0]);
    expect(await verdictReward(model).score(batch)).toEqual([1, 0]);
  });
});

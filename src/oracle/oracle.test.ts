import { describe, expect, it } from 'vitest';
import { AttributeDetector, shippedDetector } from './detector.ts';
import { evaluateOracle } from './evaluate.ts';
import { OracleJudge } from './judge.ts';
import { judgeConformance } from '../roles/conformance.testkit.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import { SeerError } from '../core/errors.ts';

describe('oracle detector (shipped weights)', () => {
  it('meets the issue target on VIE-like held-out renders: ≥ 0.98 overall, ≥ 0.95 per family', () => {
    const result = evaluateOracle(shippedDetector(), { n: 300, seed: 7, pChange: 0.25 });
    expect(result.overall).toBeGreaterThanOrEqual(0.98);
    for (const [family, accuracy] of Object.entries(result.by_family)) expect(accuracy, family).toBeGreaterThanOrEqual(0.95);
  });

  it('stays accurate on busy held-out renders (regression guard; the 0.98 target is not met there, see docs/world.md)', () => {
    const result = evaluateOracle(shippedDetector(), { n: 300, seed: 7 });
    expect(result.overall).toBeGreaterThanOrEqual(0.95);
    for (const [family, accuracy] of Object.entries(result.by_family)) expect(accuracy, family).toBeGreaterThanOrEqual(0.85);
  });

  it('explains how to get a detector when the folder is missing', () => {
    expect(() => AttributeDetector.load('/nonexistent/oracle')).toThrow(SeerError);
    expect(() => AttributeDetector.load('/nonexistent/oracle')).toThrow(/seer oracle train/);
  });
});

describe('OracleJudge', () => {
  judgeConformance(() => new OracleJudge(), { swapConsistent: true });
  const judge = new OracleJudge();
  const instruction = 'Make the object look scary, yet undeniably cute.';

  it('prefers the image that follows the instruction, whichever side it is on', async () => {
    const good = renderSpec({ ...defaultSpec('cat'), eyes: 'big', mouth: 'fangs' }, { seed: 1 });
    const plain = renderSpec(defaultSpec('cat'), { seed: 2 });
    const [ab, ba] = await judge.judge([
      { instruction, prompt: 'a cat', imageA: good, imageB: plain },
      { instruction, prompt: 'a cat', imageA: plain, imageB: good },
    ]);
    expect(ab!.verdict).toBe('A');
    expect(ba!.verdict).toBe('B');
  });

  it('calls two renders of the same spec a tie, and punishes a lost subject', async () => {
    const spec = { ...defaultSpec('dog'), eyes: 'big' as const, mouth: 'fangs' as const };
    const [same] = await judge.judge([{ instruction, prompt: 'a dog', imageA: renderSpec(spec, { seed: 1 }), imageB: renderSpec(spec, { seed: 2 }) }]);
    expect(same!.verdict).toBe('tie');
    const wrongSubject = renderSpec({ ...spec, subject: 'fish' }, { seed: 3 });
    const plainDog = renderSpec(defaultSpec('dog'), { seed: 4 });
    const [lost] = await judge.judge([{ instruction, prompt: 'a dog', imageA: wrongSubject, imageB: plainDog }]);
    expect(lost!.verdict).toBe('B');
  });

  it('refuses instructions it has no rule for, with a clear message', async () => {
    const image = renderSpec(defaultSpec('cat'));
    await expect(judge.judge([{ instruction: 'Make it sing.', prompt: 'a cat', imageA: image, imageB: image }])).rejects.toThrow(/no satisfaction rule/);
  });
});

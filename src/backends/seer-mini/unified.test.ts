import { beforeAll, describe, expect, it } from 'vitest';
import { engine } from '../../engine/torch.ts';
import { loadSeerMini } from '../../model/checkpoint.ts';
import { renderSpec } from '../../world/render.ts';
import { defaultSpec } from '../../world/spec.ts';
import { unifiedModelConformance } from '../../roles/conformance.testkit.ts';
import { SeerMiniUnified } from './unified.ts';
import { resizeImage } from '../../image/image.ts';

describe('SeerMiniUnified (shipped base checkpoint)', () => {
  let model: SeerMiniUnified;
  beforeAll(() => {
    engine.setThreads(1);
    model = new SeerMiniUnified(loadSeerMini().model);
  });

  unifiedModelConformance(() => model, { swapConsistent: false });

  it('reads images of another size by resizing them to its 32 px', async () => {
    const cat = renderSpec(defaultSpec('cat'), { seed: 4 });
    const big = resizeImage(cat, 96, 96);
    const [small] = await model.describe([{ image: cat }]);
    const [large] = await model.describe([{ image: big }]);
    expect(large).toBe(small);
  });

  it('captions with the caption template and answers a question with the yes/no template', async () => {
    const cat = renderSpec(defaultSpec('cat'), { seed: 4 });
    const [caption, answer] = await model.describe([{ image: cat }, { image: cat, question: 'is it a cat?' }]);
    expect(caption!.split(' ').length).toBeGreaterThan(1);
    expect(['yes', 'no']).toContain(answer);
  });
});

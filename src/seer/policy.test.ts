import { describe, expect, it } from 'vitest';
import { SeerMiniPolicy } from './policy.ts';
import { SeerMini } from '../model/umm.ts';
import { Transformer } from '../model/transformer.ts';
import { TextTokenizer } from '../model/text-tokenizer.ts';
import { ImageTokenizer } from '../model/image-tokenizer.ts';
import { renderSpec } from '../world/render.ts';
import { defaultSpec } from '../world/spec.ts';
import { trainGrpo } from '../rl/trainer.ts';
import { parseGrpoConfig } from '../rl/config.ts';
import { engine } from '../engine/torch.ts';
import { policyModelConformance } from '../rl/policy-conformance.testkit.ts';

function tinyModel(): SeerMini {
  engine.setThreads(1);
  const text = TextTokenizer.fromWords(['a', 'cat', 'dog', 'red', 'blue', 'instruction', 'prompt', 'think', 'about', 'the', 'then', 'rewrite', 'so', 'image', 'follows', 'it', 'make']);
  const image = ImageTokenizer.train([renderSpec(defaultSpec('cat')), renderSpec(defaultSpec('dog'))], { codes: 8, iterations: 2 });
  return new SeerMini(new Transformer({ textVocab: text.size, imageVocab: image.size, dModel: 16, nLayers: 1, nHeads: 2, contextLength: 64 }), text, image);
}

describe('SeerMiniPolicy (SEER-Mini behind the GRPO trainer)', () => {
  policyModelConformance(() => {
    const model = tinyModel();
    return { model: new SeerMiniPolicy(model), contexts: [model.text.encode('<user> make a cat red <assistant>'), model.text.encode('<user> a dog')], lr: 0.05 };
  });

  it('trains understanding parameters only, keeps generation frozen, and resumes its state exactly', async () => {
    const model = tinyModel();
    const policy = new SeerMiniPolicy(model);
    const before = model.transformer.exportWeights();
    const red = model.text.id('red');
    const prompts = [{ id: 'p', context: model.text.encode('<user> make a cat red <assistant>'), meta: null }];
    const config = parseGrpoConfig({ numGenerations: 4, generationBatchSize: 4, maxSteps: 3, learningRate: 0.05, beta: 0.04, maxCompletionLength: 4, seed: 1 });
    const { metrics } = await trainGrpo({
      config, model: policy, prompts, quiet: true,
      rewards: [{ name: 'says_red', weight: 1, score: (batch) => batch.map((x) => x.completion.tokens.filter((t) => t === red).length) }],
    });
    expect(metrics).toHaveLength(3);
    const after = model.transformer.exportWeights();
    for (const p of model.transformer.parameters) {
      const same = Buffer.from(before.get(p.name)!.data.buffer).equals(Buffer.from(after.get(p.name)!.data.buffer));
      if (p.group === 'generation') expect(same, p.name).toBe(true);
    }
    expect(Buffer.from(before.get('h0.qkv.w')!.data.buffer).equals(Buffer.from(after.get('h0.qkv.w')!.data.buffer))).toBe(false);

    const state = await policy.saveState();
    const other = new SeerMiniPolicy(tinyModel());
    await other.loadState(state);
    const rows = { contexts: [prompts[0]!.context], completions: [[red, red]] };
    expect((await other.logProbs(rows, { grad: false })).logp).toEqual((await policy.logProbs(rows, { grad: false })).logp);
  });
});

/**
 * Memory over a long training loop at SEER-Mini's real shape (V 905, batch 32, a new sequence
 * length in 90–180 every step, as pretraining does): prints RSS and the allocator's live/cached
 * bytes every `--every` steps as JSON lines. Throw-away measurement for docs/engine.md:
 *   npx tsx src/bench/rss.ts --steps 2000 --every 100 [--threads 1]
 * SEER_ALLOCATOR=system runs the same loop on libtorch's own (glibc) allocator for comparison.
 */
import { parseArgs } from 'node:util';
import { Rng } from '../core/rng.ts';
import { T, engine, tidy } from '../engine/torch.ts';
import { tokenLogProbs } from '../model/logprobs.ts';
import { Transformer } from '../model/transformer.ts';

const { values } = parseArgs({ options: { steps: { type: 'string', default: '2000' }, every: { type: 'string', default: '100' }, threads: { type: 'string', default: '1' } } });
engine.setup({ threads: Number(values.threads), seed: 0 });
const model = new Transformer({ textVocab: 649, imageVocab: 256 });
const params = model.trainableParameters();
const opt = engine.adamW([{ params, lr: 1e-3, weightDecay: 0.01 }]);
const rng = new Rng(0);
const started = performance.now();
for (let step = 1; step <= Number(values.steps); step++) {
  const L = 90 + rng.int(91);
  const split = Math.floor(L / 2);
  const rows = Array.from({ length: 32 }, () => Array.from({ length: L }, () => rng.int(905)));
  tidy(() => {
    const { logp } = tokenLogProbs(model, rows.map((r) => r.slice(0, split)), rows.map((r) => r.slice(split)));
    for (const p of params) p.zeroGrad();
    T.neg(T.mean(logp)).backward();
    engine.clipGradNorm(params, 1);
    opt.step();
  });
  if (step % Number(values.every) === 0 || step === 1) {
    const m = engine.memory();
    process.stdout.write(`${JSON.stringify({ step, seconds: +((performance.now() - started) / 1000).toFixed(1), rssMB: Math.round(process.memoryUsage().rss / 1e6), liveMB: Math.round(m.liveBytes / 1e6), cachedMB: Math.round(m.cachedBytes / 1e6), hitRate: +(m.hits / Math.max(1, m.hits + m.misses)).toFixed(4) })}\n`);
  }
}

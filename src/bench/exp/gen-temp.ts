// Experiment (docs/model.md): generator accuracy per family vs sampling temperature/top-p. npx tsx src/bench/exp/gen-temp.ts [CHECKPOINT] [N]; TEMPS=1 runs only t=0.7, top-p 0.9.
import { loadSeerMini } from '../../model/checkpoint.ts';
import { OracleJudge } from '../../oracle/judge.ts';
import { Rng } from '../../core/rng.ts';
import { randomSpec, FAMILIES, FAMILY_NAMES } from '../../world/spec.ts';
import { captionOf } from '../../world/grammar.ts';
const dir = process.argv[2] ?? 'checkpoints/seer-mini-base';
const { model } = loadSeerMini(dir);
const oracle = new OracleJudge();
const rng = new Rng(0).fork('generator');
const n = Number(process.argv[3] ?? 120);
const specs = Array.from({ length: n }, () => randomSpec(rng, { pChange: 0.3 }));
const seeds = specs.map(() => rng.int(1 << 30));
for (const [t, p] of (process.env.TEMPS ? [[0.7, 0.9]] : [[1.0, 1.0], [0.7, 0.9], [0.4, 0.9], [0.1, 1.0]]) as [number, number][]) {
  const t0 = Date.now();
  const images = model.generateImages(specs.map(captionOf), seeds, { temperature: t, topP: p });
  const det = oracle.detect(images);
  const acc = Object.fromEntries(FAMILY_NAMES.map((f) => [f, (specs.filter((s, i) => FAMILIES[f].every((a) => det[i]!.spec[a] === s[a])).length / n).toFixed(2)]));
  console.log(JSON.stringify({ t, p, acc, s: (Date.now() - t0) / 1000 }));
}

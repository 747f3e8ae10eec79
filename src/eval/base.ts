/**
 * `seer eval base --json`: measures the cognitive gap of a (base) SEER-Mini checkpoint.
 *  - generator: oracle accuracy per descriptor family on direct concrete prompts;
 *  - gap: oracle compliance of images from naive `instruction + prompt` vs from the oracle's
 *    concrete elaboration, on Simple and Hard test instructions;
 *  - zero-shot judge on the VIE test quadruplets (plain negatives), one blind seeded order per pair
 *    (src/roles/blind.ts): accuracy, valid-format rate, position bias; and Table 1 over every
 *    hard-negative kind, both orders (`table1`, as the main job reports it);
 *  - zero-shot reprompter: valid-format rate and failure types (A.4.3).
 * Everything but the generator runs on one split's rows: `validation` (vie-val.jsonl, for choosing
 * a checkpoint or a pretraining recipe) or `test` (vie-test.jsonl, for the final report).
 */
import { join } from 'node:path';
import { Rng } from '../core/rng.ts';
import { readJsonl } from '../core/io.ts';
import { startProgress } from '../core/progress.ts';
import { captionOf } from '../world/grammar.ts';
import { readPng, type RgbImage } from '../image/image.ts';
import { findInstruction } from '../world/instructions.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { FAMILIES, FAMILY_NAMES, randomSpec, type Family } from '../world/spec.ts';
import { naivePrompt } from '../roles/roles.ts';
import { renderSpec } from '../world/render.ts';
import { testRowSchema, type TestRow } from '../data/schemas.ts';
import type { SeerMini } from '../model/umm.ts';
import { round4 } from './splits.ts';
import { parseRepromptOutput, repromptContext } from '../model/templates.ts';
import { SeerJudge } from '../seer/roles.ts';
import { judgeBlind } from '../roles/blind.ts';
import { classifyReprompt, countFailures, type FailureType } from './failures.ts';
import { judgeAccuracy, type JudgeAccuracy } from './judge-accuracy.ts';

export interface BaseEvalResult {
  split: BaseEvalSplit;
  image_tokenizer: { n: number; mse: number; psnr_db: number; oracle_on_round_trips: Record<Family, number>; oracle_on_renders: Record<Family, number> };
  generator: { n: number; by_family: Record<Family, number>; all_families: number; oracle_on_renders: Record<Family, number> };
  gap: Record<'simple' | 'hard', { n: number; naive_compliance: number; elaborated_compliance: number }>;
  judge: { n: number; accuracy: number; valid_format: number; answered_a: number; table1: JudgeAccuracy };
  reprompter: { n: number; valid_format: number; failures: Record<FailureType, number>; examples: { instruction: string; prompt: string; output: string }[] };
}

export type BaseEvalSplit = 'validation' | 'test';

export async function evaluateBase(model: SeerMini, dataDir: string, options: { seed?: number; generatorN?: number; quiet?: boolean; split?: BaseEvalSplit } = {}): Promise<BaseEvalResult> {
  const seed = options.seed ?? 0;
  const oracle = new OracleJudge();
  const rowsFile = join(dataDir, options.split === 'validation' ? 'vie-val.jsonl' : 'vie-test.jsonl');
  const rows = readJsonl(rowsFile, testRowSchema);
  const progress = startProgress('eval base', 4, { quiet: options.quiet ?? false });

  // 1. Generator on direct concrete prompts (and the image tokenizer's round trips of the same scenes).
  const rng = new Rng(seed).fork('generator');
  const n = options.generatorN ?? 240;
  const specs = Array.from({ length: n }, () => randomSpec(rng, { pChange: 0.3 }));
  const seeds = specs.map(() => rng.int(1 << 30));
  const generated = model.generateImages(specs.map(captionOf), seeds);
  const detected = oracle.detect(generated);
  const renders = specs.map((s, i) => renderSpec(s, { seed: seeds[i] as number }));
  const roundTrips = renders.map((im) => model.image.decode(model.image.encode(im)));
  const onRenders = oracle.detect(renders);
  const familyAccuracy = (found: typeof detected) =>
    Object.fromEntries(FAMILY_NAMES.map((f) => [f, round4(specs.filter((s, i) => FAMILIES[f].every((a) => found[i]!.spec[a] === s[a])).length / n)])) as Record<Family, number>;
  let squared = 0;
  renders.forEach((im, i) => im.data.forEach((v, k) => (squared += (v - (roundTrips[i]!.data[k] as number)) ** 2)));
  const mse = squared / (n * (renders[0]?.data.length ?? 1));
  const allRight = specs.filter((s, i) => FAMILY_NAMES.every((f) => FAMILIES[f].every((a) => detected[i]!.spec[a] === s[a]))).length / n;
  progress.tick();

  // 2. The gap: naive concatenation vs the oracle's elaboration, same generator, same seeds.
  const gap = {} as BaseEvalResult['gap'];
  for (const difficulty of ['simple', 'hard'] as const) {
    const subset = rows.filter((r) => r.difficulty === difficulty);
    const s = subset.map((_, i) => seed * 1000 + i);
    const naive = model.generateImages(subset.map((r) => naivePrompt(r)), s);
    const elaborated = model.generateImages(subset.map((r) => r.elaboration), s);
    const rate = (images: RgbImage[]) => subset.filter((r, i) => oracle.assess([images[i]!], findInstruction(r.instruction)!.rule, r.subject)[0]!.satisfied).length / Math.max(1, subset.length);
    gap[difficulty] = { n: subset.length, naive_compliance: round4(rate(naive)), elaborated_compliance: round4(rate(elaborated)) };
  }
  progress.tick();

  // 3. Zero-shot judge on the quadruplets, blind in one seeded order (candidate = the positive).
  const judgeRows = rows.filter((r): r is TestRow & { quadruplet: { positive: string; negative: string } } => r.quadruplet !== undefined);
  const pairs = [];
  for (const r of judgeRows) pairs.push({ instruction: r.instruction, prompt: r.prompt, candidate: await readPng(join(dataDir, r.quadruplet.positive)), baseline: await readPng(join(dataDir, r.quadruplet.negative)), key: r.id });
  // SeerJudge answers "tie" exactly when its output breaks the format.
  const reads = (await judgeBlind(new SeerJudge(model, { seed }), pairs, { seed })).flatMap((v) => v.reads);
  // Table 1 as the main job measures it: every hard-negative kind, both orders.
  const table1 = await judgeAccuracy(new SeerJudge(model, { seed }), dataDir, rowsFile);
  const valid = reads.filter((x) => x.answer.verdict !== 'tie').length;
  const correct = reads.filter((x) => x.outcome === 'candidate').length;
  const saidA = reads.filter((x) => x.answer.verdict === 'A').length;
  progress.tick();

  // 4. Zero-shot reprompter.
  const outputs = model
    .sampleText(rows.map((r) => model.encode([{ text: repromptContext(r.instruction, r.prompt) }])), { maxNewTokens: 60, temperature: 0.7, topP: 0.95, seed })
    .map((s) => model.decodeText(s.tokens));
  const parsed = outputs.map(parseRepromptOutput);
  const types = rows.map((r, i) => classifyReprompt(r.instruction, r.prompt, parsed[i]!.ok ? (parsed[i] as { reprompt: string }).reprompt : null));
  progress.tick();
  progress.stop();

  return {
    split: options.split ?? 'test',
    image_tokenizer: { n, mse: round4(mse), psnr_db: round4(10 * Math.log10((255 * 255) / Math.max(mse, 1e-9))), oracle_on_round_trips: familyAccuracy(oracle.detect(roundTrips)), oracle_on_renders: familyAccuracy(onRenders) },
    generator: { n, by_family: familyAccuracy(detected), all_families: round4(allRight), oracle_on_renders: familyAccuracy(onRenders) },
    gap,
    judge: { n: judgeRows.length, accuracy: round4(correct / Math.max(1, judgeRows.length)), valid_format: round4(valid / Math.max(1, judgeRows.length)), answered_a: round4(saidA / Math.max(1, valid)), table1 },
    reprompter: {
      n: rows.length,
      valid_format: round4(parsed.filter((p) => p.ok).length / Math.max(1, rows.length)),
      failures: countFailures(types),
      examples: rows.slice(0, 6).map((r, i) => ({ instruction: r.instruction, prompt: r.prompt, output: outputs[i]! })),
    },
  };
}


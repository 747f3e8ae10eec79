/**
 * Tables 4–5 analogues: general generation and understanding, to check SEER does not trade them
 * away. World-GenEval: oracle accuracy per descriptor family of images generated from direct
 * concrete captions (no reprompting, like GenEval). World-VQA: POPE-style yes/no questions about
 * rendered scenes, answered by comparing the model's log-probabilities of "yes" and "no".
 */
import { Rng } from '../core/rng.ts';
import { captionOf } from '../world/grammar.ts';
import { renderSpec } from '../world/render.ts';
import { OracleJudge } from '../oracle/judge.ts';
import { FAMILIES, FAMILY_NAMES, randomSpec, type Family } from '../world/spec.ts';
import { questionContext } from '../model/templates.ts';
import type { SeerMini } from '../model/umm.ts';
import { round4 } from './splits.ts';
import { yesNoQuestion } from '../pretrain/mix.ts';

export interface GeneralCapabilities {
  genEval: { n: number; byFamily: Record<Family, number>; overall: number };
  vqa: { n: number; accuracy: number; yesRate: number };
}

export async function generalCapabilities(model: SeerMini, options: { n?: number; seed?: number } = {}): Promise<GeneralCapabilities> {
  const n = options.n ?? 200;
  const rng = new Rng(options.seed ?? 0).fork('general');
  const specs = Array.from({ length: n }, () => randomSpec(rng, { pChange: 0.3 }));
  const seeds = specs.map(() => rng.int(1 << 30));
  const detected = new OracleJudge().detect(model.generateImages(specs.map(captionOf), seeds));
  const byFamily = Object.fromEntries(FAMILY_NAMES.map((f) => [f, round4(specs.filter((s, i) => FAMILIES[f].every((a) => detected[i]!.spec[a] === s[a])).length / n)])) as Record<Family, number>;
  const overall = round4(FAMILY_NAMES.reduce((s, f) => s + byFamily[f], 0) / FAMILY_NAMES.length);

  const questions = specs.map((spec, i) => ({ ...yesNoQuestion(spec, rng), image: renderSpec(spec, { seed: seeds[i]! + 1 }) }));
  const contexts = questions.map((q) => model.encode(questionContext(q.question), model.encodeImages([q.image])));
  const scores = model.scoreAnswers(contexts, ['yes', 'no']);
  const saidYes = scores.map(([y, no]) => (y as number) > (no as number));
  const correct = saidYes.filter((yes, i) => yes === questions[i]!.yes).length;
  return {
    genEval: { n, byFamily, overall },
    vqa: { n, accuracy: round4(correct / n), yesRate: round4(saidYes.filter(Boolean).length / n) },
  };
}


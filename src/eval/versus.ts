/**
 * Tables 2–3 against real models: `seer eval versus`. SEER (a SEER-Mini checkpoint's reprompter)
 * against an external model, judged pairwise by the oracle or an external judge, with the same
 * image seeds and the A.2 scoring of eval/win-ratio.ts.
 *
 *   reprompter  Table 2: the external model's reprompts go through SEER's own frozen generator
 *               (the paper's "substitute SEER's reprompting policy with these external models")
 *   umm         Table 3: the external model draws the naive `instruction + prompt` itself
 *   umm-think   Table 3's "-Think" rows: the external model reprompts, then draws its reprompt
 *
 * Departure: the paper's Table 3 pits the whole SEER against Bagel, Show-o2 … at their own
 * resolution; here every image is resized to the world's 32 px so the oracle can judge both sides.
 */
import type { TestRow } from '../data/schemas.ts';
import { averageWords, winRatioTable, type WinRatioTable } from './win-ratio.ts';
import { naivePrompt, type ImageGenerator, type PairwiseJudge, type Reprompter } from '../roles/roles.ts';

export const BASELINE_KINDS = ['reprompter', 'umm', 'umm-think'] as const;
export type BaselineKind = (typeof BASELINE_KINDS)[number];

export interface VersusResult {
  baseline: string;
  kind: BaselineKind;
  judge: string;
  rows: number;
  imageSeeds: readonly number[];
  table: Omit<WinRatioTable, 'verdicts'>;
  averageWords: { seer: number; baseline: number };
  /** Reprompts the external model wrote in the requested format (reprompter, umm-think). */
  baselineValidFormat?: number;
  verdicts: WinRatioTable['verdicts'];
}

export async function versus(options: {
  rows: readonly TestRow[];
  kind: BaselineKind;
  seer: Reprompter;
  generator: ImageGenerator;
  external: { name: string; reprompter: Reprompter; generator: ImageGenerator };
  judge: PairwiseJudge;
  imageSeeds: readonly number[];
  seed?: number;
}): Promise<VersusResult> {
  const { rows, kind, external } = options;
  const seed = options.seed ?? 0;
  const requests = rows.map((r) => ({ instruction: r.instruction, prompt: r.prompt }));
  const seer = (await options.seer.reprompt(requests, { seed })).map((r) => r.reprompt);
  const baselineOut = kind === 'umm' ? null : await external.reprompter.reprompt(requests, { seed });
  const baseline = baselineOut ? baselineOut.map((r) => r.reprompt) : requests.map((r) => naivePrompt(r));
  const table = await winRatioTable({
    rows,
    seer,
    baseline,
    generator: options.generator,
    ...(kind === 'reprompter' ? {} : { baselineGenerator: external.generator }),
    judge: options.judge,
    imageSeeds: options.imageSeeds,
    seed,
  });
  const { verdicts, ...cells } = table;
  return {
    baseline: external.name,
    kind,
    judge: options.judge.name,
    rows: rows.length,
    imageSeeds: options.imageSeeds,
    table: cells,
    averageWords: { seer: averageWords(seer), baseline: averageWords(baseline) },
    ...(baselineOut ? { baselineValidFormat: baselineOut.filter((r) => r.validFormat !== false).length / Math.max(1, baselineOut.length) } : {}),
    verdicts,
  };
}

export function formatVersus(result: VersusResult): string {
  const cell = (c: { winRatio: number; low: number; high: number; n: number }) => `${c.winRatio.toFixed(2)} [${c.low.toFixed(2)}, ${c.high.toFixed(2)}] (n ${c.n})`;
  const t = result.table;
  return [
    `SEER vs ${result.baseline} (${result.kind}), judged by ${result.judge}: ${result.rows} test rows × ${result.imageSeeds.length} image seed(s)`,
    '',
    `win ratio of SEER, total: ${cell(t.total)}`,
    '',
    '| split | overall | simple | hard |',
    '|---|---|---|---|',
    ...(['id', 'ood'] as const).map((s) => `| ${s} | ${cell(t[s].overall)} | ${cell(t[s].simple)} | ${cell(t[s].hard)} |`),
    '',
    `average words per prompt: SEER ${result.averageWords.seer}, ${result.baseline} ${result.averageWords.baseline}` +
      (result.baselineValidFormat === undefined ? '' : `; ${result.baseline} used the <think>/<answer> format in ${(100 * result.baselineValidFormat).toFixed(0)}% of reprompts`),
  ].join('\n');
}

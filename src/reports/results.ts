/**
 * The contract of a run's `results.json` as zod schemas: what the main job (`seer run`) and
 * `seer eval run` write, and what the report, `seer summarize` and the tests read. Each table's
 * schema mirrors the type its code in src/eval/ returns (checked at compile time below), and
 * `RunResults = z.infer<typeof runResultsSchema>` is the one type every reader uses. Objects are
 * strict: a field the writer adds without adding it here fails the write, loudly.
 */
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { readJson, writeJson } from '../core/io.ts';
import { NEGATIVE_KINDS } from '../data/negatives.ts';
import { FAILURE_TYPES, type FailureType } from '../eval/failures.ts';
import type { GeneralCapabilities } from '../eval/general.ts';
import type { VariantResult } from '../eval/inference.ts';
import type { AccuracyCell, JudgeAccuracy } from '../eval/judge-accuracy.ts';
import type { RewardFidelity } from '../eval/reward-fidelity.ts';
import type { SplitTable } from '../eval/splits.ts';
import type { RatioCell } from '../eval/win-ratio.ts';
import { FAMILY_NAMES } from '../world/spec.ts';

/**
 * A measured rate, mean or bound. Non-finite when there is nothing to measure (a split with no
 * cases, a share of zero pairs: eval/splits.ts round4 passes it through); JSON writes that as null,
 * which reads back as NaN, so a value read from a file is the value the run held.
 */
export const metricSchema = z.union([z.number(), z.nan(), z.null().transform(() => Number.NaN)]);
/** A count (cases, votes, pairs). */
export const countSchema = z.number().int().nonnegative();

/** The paper's table layout (eval/splits.ts): Total, then ID and OOD, each overall / Simple / Hard. */
function splitPartsSchema<C extends z.ZodType>(cell: C) {
  return z.strictObject({ overall: cell, simple: cell, hard: cell });
}
function splitTableSchema<C extends z.ZodType>(cell: C) {
  return z.strictObject({ total: cell, id: splitPartsSchema(cell), ood: splitPartsSchema(cell) });
}

/** Table 1 (eval/judge-accuracy.ts): a judge's accuracy on judged cases, both orders. */
export const accuracyCellSchema = z.strictObject({ n: countSchema, accuracy: metricSchema });
export const judgeAccuracySchema = splitTableSchema(accuracyCellSchema).extend({
  byKind: z.partialRecord(z.enum(NEGATIVE_KINDS), accuracyCellSchema),
  pairs: countSchema,
  answeredA: metricSchema,
});
/** Table 1 on the generator's own images: also the share of attempted pairs the oracle verified. */
export const generatedAccuracySchema = judgeAccuracySchema.extend({ verified: metricSchema });
/** The judges Table 1 compares, by name; a test set without quadruplets has none. */
function judgesSchema<C extends z.ZodType>(table: C) {
  return z.strictObject({ zeroShot: table.optional(), phase1Only: table.optional(), seerEval: table.optional() });
}
export const table1Schema = judgesSchema(judgeAccuracySchema);
export const table1GeneratedSchema = judgesSchema(generatedAccuracySchema);

/** Tables 2–3 (eval/win-ratio.ts): one cell of SEER's win ratio against a baseline. */
export const ratioCellSchema = z.strictObject({
  n: countSchema,
  cases: countSchema,
  winRatio: metricSchema,
  low: metricSchema,
  high: metricSchema,
  pValue: metricSchema,
  wins: countSchema,
  losses: countSchema,
  ties: countSchema,
});
export const winRatioRowSchema = splitTableSchema(ratioCellSchema).extend({ averageWords: metricSchema });
/** The reprompters Tables 2–3 set SEER against, in the order the report lists them. */
export const BASELINES = ['naive', 'base (CoT)', 'text-only', 'oracle'] as const;
export type Baseline = (typeof BASELINES)[number];
export const table2Schema = z.strictObject({
  naive: winRatioRowSchema,
  'base (CoT)': winRatioRowSchema,
  'text-only': winRatioRowSchema,
  oracle: winRatioRowSchema,
  seerAverageWords: metricSchema,
});
/** Stage 2's reprompts vs naive on validation (the ID split only: validation has no OOD rows). */
export const versusNaiveSchema = z.strictObject({ total: ratioCellSchema, id: splitPartsSchema(ratioCellSchema) });

/** Reward fidelity (eval/reward-fidelity.ts): SEER's judge vs the oracle on (reprompt, naive) pairs. */
export const rewardFidelitySchema = z.strictObject({
  pairs: countSchema,
  decided: countSchema,
  agreement: metricSchema,
  oracleTies: metricSchema,
  identical: metricSchema,
  judgeOnTies: metricSchema,
  rewardGap: metricSchema,
  agreementWhenRepromptWins: metricSchema,
  agreementWhenNaiveWins: metricSchema,
  /** Absent in runs before 2026-12-06. */
  bothOrders: z.strictObject({ agreement: metricSchema, split: metricSchema }).optional(),
});

/** Failure types of a reprompter's outputs (eval/failures.ts): a count per type. */
export const failureCountsSchema = z.record(z.enum(FAILURE_TYPES), countSchema);

/** Tables 4–5 (eval/general.ts). */
export const generalCapabilitiesSchema = z.strictObject({
  genEval: z.strictObject({ n: countSchema, byFamily: z.record(z.enum(FAMILY_NAMES), metricSchema), overall: metricSchema }),
  vqa: z.strictObject({ n: countSchema, accuracy: metricSchema, yesRate: metricSchema }),
});

/** Inference variants (eval/inference.ts): a win-ratio cell against naive, plus compliance and compute. */
export const variantResultSchema = ratioCellSchema.omit({ winRatio: true }).extend({
  winRatioVsNaive: metricSchema,
  compliance: metricSchema,
  naiveCompliance: metricSchema,
  candidatesPerCase: metricSchema,
});

export const galleryItemSchema = z.strictObject({
  id: z.string(),
  instruction: z.string(),
  prompt: z.string(),
  reprompt: z.string(),
  /** Image paths relative to the folder results.json is in. */
  naive: z.string(),
  seer: z.string(),
});
export const exampleSchema = z.strictObject({ instruction: z.string(), prompt: z.string(), seer: z.string(), reasoning: z.string().optional() });

/** What a run's evaluation measures on a test set with the trained models, Table 1 aside (run/evaluate.ts). */
export const seerEvaluationSchema = z.strictObject({
  rewardFidelity: z.strictObject({ seer: rewardFidelitySchema, 'base (CoT)': rewardFidelitySchema }),
  /** Table 1 on the base generator's own images of the test cases. */
  table1Generated: z.strictObject({ zeroShot: generatedAccuracySchema, seerEval: generatedAccuracySchema }),
  /** Rows written to eval/pairs.jsonl for the human-eval app. */
  humanEvalPairs: countSchema,
  gallery: z.array(galleryItemSchema),
  inference: z.record(z.string(), variantResultSchema),
  table2: table2Schema,
  failures: z.strictObject({
    seer: failureCountsSchema,
    naive: failureCountsSchema,
    'base (CoT)': failureCountsSchema,
    'text-only': failureCountsSchema,
    oracle: failureCountsSchema,
  }),
  general: z.strictObject({ base: generalCapabilitiesSchema, stage1: generalCapabilitiesSchema, stage2: generalCapabilitiesSchema }),
  examples: z.array(exampleSchema),
});
export type SeerEvaluation = z.infer<typeof seerEvaluationSchema>;

/** What `evaluateRun` measures: Table 1 on the test set's quadruplets, then everything above. */
export const runEvaluationSchema = z.strictObject({
  testset: z.string(),
  table1: table1Schema,
  ...seerEvaluationSchema.shape,
});
export type RunEvaluation = z.infer<typeof runEvaluationSchema>;

/** Numbers read on the validation split during training (recipe choices read these, never the test set). */
export const validationSchema = z.strictObject({
  table1: table1Schema,
  table1Generated: table1GeneratedSchema,
  /** Table 1 on the validation renders, each instruction asked in its paraphrase (absent from runs made before 2026-12-06 noon). */
  table1Paraphrased: table1Schema.optional(),
  stage2VsNaive: versusNaiveSchema.nullable(),
  /** Stage 2's reprompts vs the base model's own CoT reprompts (absent from runs made before 2026-12-06 noon). */
  stage2VsBaseCoT: versusNaiveSchema.optional(),
  /** Stage 2 vs naive and vs the base's CoT with each validation instruction in its paraphrase (absent from runs made before 2026-12-06 afternoon). */
  stage2Paraphrased: z.strictObject({ vsNaive: versusNaiveSchema, vsBaseCoT: versusNaiveSchema }).optional(),
  /** The oracle's failure type of each validation reprompt (absent from runs made before 2026-12-06 morning). */
  stage2Failures: failureCountsSchema.optional(),
});

/**
 * results.json. The main job writes every field; `seer eval run` (a finished run on another test
 * set) has no training wall time and no validation. `testset` and `dataSeed` are absent from
 * files written before they were recorded.
 */
export const runResultsSchema = z.strictObject({
  recipe: z.enum(['default', 'smoke']),
  seed: z.number().int(),
  dataSeed: z.number().int().optional(),
  /** What drew SEER's images: three copies (the base weights) or one model (the final weights); absent before the option: copies. */
  model: z.enum(['copies', 'one']).optional(),
  testset: z.string().optional(),
  /** Sum of the finished steps' wall times (work lost to a kill is not counted). */
  wallSeconds: z.number().optional(),
  stepSeconds: z.record(z.string(), z.number()).optional(),
  /** Test renders, every negative kind pooled (byKind inside). */
  table1: table1Schema,
  validation: validationSchema.optional(),
  ...seerEvaluationSchema.shape,
});
export type RunResults = z.infer<typeof runResultsSchema>;

/** The first failing path of a zod error, as `a.b[0].c` (`(root)` for the top level). */
function issuePath(path: readonly PropertyKey[]): string {
  const text = path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
  return text || '(root)';
}

/** Parse `value` as `schema`, or a SeerError naming `what` (a file) and the first failing path. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what: string, code: 'bad_file' | 'internal' = 'bad_file'): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const first = parsed.error.issues[0];
  const where = first ? `at ${issuePath(first.path)}: ${first.message}` : parsed.error.message;
  const more = parsed.error.issues.length > 1 ? ` (and ${parsed.error.issues.length - 1} more)` : '';
  throw new SeerError(code, `${what} does not fit its schema (src/reports/results.ts) ${where}${more}`, { cause: parsed.error });
}

/** Read a results.json, validated: a SeerError names the file and the first field that does not fit. */
export function readRunResults(file: string): RunResults {
  return parseWith(runResultsSchema, readJson(file, z.unknown()), file);
}

/** Validate and write a results.json; a writer that drifts from the schema fails here, not in a reader. */
export function writeRunResults(file: string, results: RunResults): RunResults {
  const valid = parseWith(runResultsSchema, results, `the results for ${file}`, 'internal');
  writeJson(file, valid);
  return valid;
}

// Compile-time: each schema describes exactly the type its table's code returns, in both directions.
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const _schemasMatchTheEvalTypes: {
  accuracyCell: Exactly<z.infer<typeof accuracyCellSchema>, AccuracyCell>;
  judgeAccuracy: Exactly<z.infer<typeof judgeAccuracySchema>, JudgeAccuracy>;
  generated: Exactly<z.infer<typeof generatedAccuracySchema>, JudgeAccuracy & { verified: number }>;
  ratioCell: Exactly<z.infer<typeof ratioCellSchema>, RatioCell>;
  winRatioRow: Exactly<z.infer<typeof winRatioRowSchema>, SplitTable<RatioCell> & { averageWords: number }>;
  rewardFidelity: Exactly<z.infer<typeof rewardFidelitySchema>, RewardFidelity>;
  failures: Exactly<z.infer<typeof failureCountsSchema>, Record<FailureType, number>>;
  general: Exactly<z.infer<typeof generalCapabilitiesSchema>, GeneralCapabilities>;
  variant: Exactly<z.infer<typeof variantResultSchema>, VariantResult>;
} = { accuracyCell: true, judgeAccuracy: true, generated: true, ratioCell: true, winRatioRow: true, rewardFidelity: true, failures: true, general: true, variant: true };

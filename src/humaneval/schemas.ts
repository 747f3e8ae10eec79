/**
 * The human-evaluation app's contracts as zod schemas: the input files other layers write
 * (`eval/pairs.jsonl` for pairwise studies, `candidates.jsonl` for sparse human verification), the
 * decisions file it writes back for the dataset builder, and the body/params of every HTTP request.
 * docs/humaneval.md documents the same contracts for people.
 */
import { z } from 'zod';

export const verdictSchema = z.enum(['seer', 'baseline', 'tie']);
export type Verdict = z.infer<typeof verdictSchema>;

/**
 * One row of `runs/NAME/eval/pairs.jsonl`: one test case × image seed × baseline. Image paths are
 * relative to the run folder (`--run`) or to the file's own folder (`--pairs FILE`).
 */
export const pairRowSchema = z.strictObject({
  case_id: z.string().min(1),
  instruction: z.string().min(1),
  prompt: z.string().min(1),
  category: z.string().min(1),
  difficulty: z.enum(['simple', 'hard']),
  split: z.enum(['id', 'ood']),
  seed: z.number().int(),
  baseline: z.string().min(1),
  seer_image: z.string().min(1),
  baseline_image: z.string().min(1),
  oracle_verdict: verdictSchema.optional(),
  judge_verdict: verdictSchema.optional(),
});
export type PairRow = z.infer<typeof pairRowSchema>;

/** One row of the dataset builder's `candidates.jsonl` (paper A.1.2, after the automated check). */
export const candidateRowSchema = z.strictObject({
  id: z.string().min(1),
  instruction: z.string().min(1),
  prompt: z.string().min(1),
  category: z.string().min(1),
  difficulty: z.enum(['simple', 'hard']),
  image: z.string().min(1),
  auto_check: z.enum(['pass', 'fail']),
});
export type CandidateRow = z.infer<typeof candidateRowSchema>;

/** One row of the exported `decisions.jsonl` that the dataset builder reads. */
export const decisionRowSchema = z.strictObject({
  id: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  votes: z.strictObject({ approve: z.number().int().nonnegative(), reject: z.number().int().nonnegative() }),
});
export type DecisionRow = z.infer<typeof decisionRowSchema>;

export const studyKindSchema = z.enum(['pairwise', 'verification']);
export type StudyKind = z.infer<typeof studyKindSchema>;

export const pairwiseChoiceSchema = z.enum(['left', 'right', 'tie']);
export const verificationChoiceSchema = z.enum(['approve', 'reject']);
export type PairwiseChoice = z.infer<typeof pairwiseChoiceSchema>;
export type VerificationChoice = z.infer<typeof verificationChoiceSchema>;
export type Choice = PairwiseChoice | VerificationChoice;

// ---- HTTP requests ----

export const studyIdSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'study id: lowercase letters, digits and dashes');
export const positiveIdSchema = z.coerce.number().int().positive().max(2 ** 31);
export const raterNameSchema = z.string().trim().min(1).max(80);

export const studyParamsSchema = z.strictObject({ study: studyIdSchema });
export const raterParamsSchema = z.strictObject({ study: studyIdSchema, rater: positiveIdSchema });
export const itemParamsSchema = z.strictObject({ item: positiveIdSchema });
export const imageParamsSchema = z.strictObject({ item: positiveIdSchema, side: z.enum(['left', 'right', 'candidate']) });

export const createStudyBodySchema = z.discriminatedUnion('kind', [
  z.strictObject({
    kind: z.literal('pairwise'),
    name: z.string().trim().min(1).max(120).optional(),
    /** A run folder (reads eval/pairs.jsonl) or a pairs JSONL file, as a path on the server's disk. */
    run: z.string().min(1).optional(),
    pairs: z.string().min(1).optional(),
    vs: z.array(z.string().min(1)).min(1).optional(),
    raters: z.number().int().min(0).max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  }),
  z.strictObject({
    kind: z.literal('verification'),
    name: z.string().trim().min(1).max(120).optional(),
    candidates: z.string().min(1),
    raters: z.number().int().min(0).max(200).optional(),
    seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
  }),
]);
export type CreateStudyBody = z.infer<typeof createStudyBodySchema>;

export const inviteBodySchema = z
  .strictObject({
    count: z.number().int().min(1).max(200).optional(),
    names: z.array(raterNameSchema).min(1).max(200).optional(),
  })
  .refine((b) => !(b.count !== undefined && b.names !== undefined && b.count !== b.names.length), {
    message: 'give either count or names (or a count equal to the number of names)',
  });

export const voteBodySchema = z.strictObject({
  choice: z.enum(['left', 'right', 'tie', 'approve', 'reject']),
  /** Milliseconds the rater spent on the item (from the page), for reporting only. */
  ms: z.number().int().min(0).max(86_400_000).optional(),
});

export const resultsQuerySchema = z.strictObject({
  resamples: z.coerce.number().int().min(100).max(100_000).optional(),
  seed: z.coerce.number().int().min(0).max(2 ** 32 - 1).optional(),
});

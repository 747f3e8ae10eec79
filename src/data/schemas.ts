/**
 * File formats of the VIE dataset, as zod schemas (one JSON object per line). Any reader of these
 * files goes through `readJsonl(path, schema)`, which names the file and line of a bad row.
 */
import { z } from 'zod';
import { CATEGORIES } from '../world/instructions.ts';
import { SUBJECTS } from '../world/spec.ts';
import { NEGATIVE_KINDS } from './negatives.ts';

const base = {
  id: z.string().min(1),
  instruction: z.string().min(1),
  instruction_id: z.string().min(1),
  prompt: z.string().min(1),
  subject: z.enum(SUBJECTS),
  category: z.enum(CATEGORIES),
  difficulty: z.enum(['simple', 'hard']),
  split: z.enum(['id', 'ood']),
  /** The oracle-written concrete elaboration (a caption in the descriptor language). */
  elaboration: z.string().min(1),
};

/** Image paths are relative to the JSONL file's folder. */
const imagePath = z.string().min(1);

export const trainRowSchema = z.object({
  ...base,
  split: z.literal('id'),
  /** Oracle score of the kept candidate image (feasibility filter). */
  candidate_score: z.number(),
  rlvr: z.object({
    phase1: z.object({
      /** Basic alignment: which image shows the prompt? */
      positive: imagePath,
      negative: imagePath,
      negative_kind: z.enum(['masked', 'changed']),
    }),
    phase2: z.object({
      /** Instruction supervision: verified image for (i, p) vs the plain image of p (hard negative). */
      positive: imagePath,
      negative: imagePath,
      /** Every oracle-verified hard negative of the row, by kind (data/negatives.ts); `plain` is `negative`. */
      negatives: z.array(z.object({ kind: z.enum(NEGATIVE_KINDS), image: imagePath })).optional(),
    }),
  }),
});
export type TrainRow = z.infer<typeof trainRowSchema>;

export const negativeSchema = z.object({
  kind: z.enum(NEGATIVE_KINDS),
  /** The negative's caption in the descriptor language (so any generator can draw it). */
  caption: z.string().min(1),
  /** Its rendered image, verified by the oracle as failing (i, p). */
  image: imagePath,
});
export type Negative = z.infer<typeof negativeSchema>;

/** A test or validation row (vie-test.jsonl, vie-val.jsonl). */
export const testRowSchema = z.object({
  ...base,
  /** Quadruplet for Table 1: the verified ground-truth image and the plain (Type III) negative. */
  quadruplet: z.object({ positive: imagePath, negative: imagePath }).optional(),
  /** Every verified hard negative of the case, by kind; judged against `quadruplet.positive`. */
  negatives: z.array(negativeSchema).optional(),
});
export type TestRow = z.infer<typeof testRowSchema>;

/** Candidates after the automated check, for sparse human verification (humaneval app). */
export const candidateRowSchema = z.object({
  id: z.string().min(1),
  instruction: z.string().min(1),
  prompt: z.string().min(1),
  category: z.enum(CATEGORIES),
  difficulty: z.enum(['simple', 'hard']),
  image: imagePath,
  auto_check: z.enum(['pass', 'fail']),
});
export type CandidateRow = z.infer<typeof candidateRowSchema>;

/** Human decisions exported by `seer humaneval decisions`. */
export const decisionRowSchema = z.object({
  id: z.string().min(1),
  decision: z.enum(['approve', 'reject']),
  votes: z.object({ approve: z.number().int().nonnegative(), reject: z.number().int().nonnegative() }).optional(),
});
export type DecisionRow = z.infer<typeof decisionRowSchema>;

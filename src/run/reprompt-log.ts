/**
 * Every test case's reprompts, written beside the run's numbers: `eval/reprompts.jsonl`, one row per
 * case with SEER's reprompt, its reasoning and its failure type (the A.4.3 taxonomy of
 * eval/failures.ts), then each baseline's reprompt and failure type. Table 2 and the failure counts
 * are read from these texts; the file lets a reader see which cases lose the subject or misread the
 * instruction, and compare runs case by case.
 */
import { join } from 'node:path';
import { writeJsonl } from '../core/io.ts';
import type { TestRow } from '../data/schemas.ts';
import { classifyReprompt, type FailureType } from '../eval/failures.ts';

export interface LoggedReprompts {
  readonly reprompt: string;
  readonly reasoning?: string;
  readonly validFormat?: boolean;
}

export interface RepromptLogRow {
  case_id: string;
  instruction: string;
  prompt: string;
  split: string;
  difficulty: string;
  /** Reprompter name → its reprompt, failure type and (when it reasons) its reasoning. */
  reprompts: Record<string, { text: string; failure: FailureType; reasoning?: string }>;
}

/** The rows of `eval/reprompts.jsonl`: `outputs` maps a reprompter's name to its outputs for `rows`, in order. */
export function repromptLog(rows: readonly TestRow[], outputs: Readonly<Record<string, readonly LoggedReprompts[]>>): RepromptLogRow[] {
  return rows.map((row, i) => ({
    case_id: row.id,
    instruction: row.instruction,
    prompt: row.prompt,
    split: row.split,
    difficulty: row.difficulty,
    reprompts: Object.fromEntries(
      Object.entries(outputs).map(([name, outs]) => {
        const out = outs[i]!;
        const failure = classifyReprompt(row.instruction, row.prompt, out.validFormat === false ? null : out.reprompt);
        return [name, { text: out.reprompt, failure, ...(out.reasoning !== undefined ? { reasoning: out.reasoning } : {}) }];
      }),
    ),
  }));
}

/** Write `runDir/eval/reprompts.jsonl`; returns its rows. */
export function writeRepromptLog(runDir: string, rows: readonly TestRow[], outputs: Readonly<Record<string, readonly LoggedReprompts[]>>): RepromptLogRow[] {
  const log = repromptLog(rows, outputs);
  writeJsonl(join(runDir, 'eval', 'reprompts.jsonl'), log);
  return log;
}

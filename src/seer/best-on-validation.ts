/**
 * Model selection on the validation split: during a GRPO phase, score the model on validation every
 * `every` steps (and at the end), keep the best-scoring weights on disk, and put them back when the
 * phase ends. It guards against what binary GRPO does when a group's verdicts agree (zero
 * advantage, an absorbing state): a seed that collapses late keeps its best point instead of its
 * last. The score is whatever the caller measures on validation (Stage 1: Table-1 accuracy on the
 * validation cases, both orders) — never the test set. Survives a kill: the best weights and their
 * score live in `dir`.
 *
 * Departure: the paper trains a fixed 10 epochs per stage and reports the last model.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeJson } from '../core/io.ts';
import { loadSeerMini, saveSeerMini } from '../model/checkpoint.ts';
import type { SeerMini } from '../model/umm.ts';
import type { StepMetrics } from '../rl/trainer.ts';

export interface ValidationPoint {
  step: number;
  score: number;
}

export interface BestOnValidation {
  /** Pass as the trainer's `onStep`. */
  onStep: (metrics: StepMetrics) => Promise<void>;
  /** Score the final weights, then load the best weights seen into the model. */
  finish: (finalStep: number) => Promise<{ best: ValidationPoint; history: ValidationPoint[] }>;
}

export function bestOnValidation(model: SeerMini, validate: (model: SeerMini) => Promise<number>, options: { every: number; dir: string; say?: (line: string) => void }): BestOnValidation {
  const stateFile = join(options.dir, 'validation.json');
  const state: { best: ValidationPoint | null; history: ValidationPoint[] } = existsSync(stateFile) ? (JSON.parse(readFileSync(stateFile, 'utf8')) as { best: ValidationPoint | null; history: ValidationPoint[] }) : { best: null, history: [] };
  const score = async (step: number) => {
    if (state.history.some((p) => p.step === step)) return;
    const point = { step, score: await validate(model) };
    state.history.push(point);
    if (state.best === null || point.score > state.best.score) {
      state.best = point;
      saveSeerMini(join(options.dir, 'best-model'), model, { stage: 'best-on-validation', step, score: point.score });
    }
    writeJson(stateFile, state);
    options.say?.(`validation at step ${step}: ${point.score.toFixed(4)} (best ${state.best.score.toFixed(4)} at step ${state.best.step})`);
  };
  return {
    onStep: async (metrics) => {
      const step = Number(metrics.step);
      if (step % options.every === 0) await score(step);
    },
    finish: async (finalStep) => {
      await score(finalStep);
      const best = state.best!;
      if (best.step !== finalStep) model.transformer.importWeights(loadSeerMini(join(options.dir, 'best-model')).model.transformer.exportWeights());
      return { best, history: state.history };
    },
  };
}

/**
 * GRPO run folders: the resolved config, atomic checkpoints and resume. Layout of `OUT/`:
 *
 *   grpo-config.json            the config the run started with (a resume must match it)
 *   metrics.jsonl               one line per logged step
 *   checkpoints/reference.bin   the frozen KL reference, written once
 *   checkpoints/step-NNNNNN/    model.bin (weights + optimizer state)
 *   checkpoints/latest.json     {step, dir}: written last and atomically, so it always names a
 *                               complete checkpoint; a kill at any moment leaves a resumable run
 *
 * Nothing here departs from the paper (which does not describe checkpointing).
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { SeerError } from '../core/errors.ts';
import { writeFileAtomic, writeJson } from '../core/io.ts';
import { grpoConfigSchema, type GrpoConfig } from './config.ts';
import type { PolicyModel } from './policy.ts';

const pointerSchema = z.object({ step: z.number().int().nonnegative(), dir: z.string().regex(/^step-\d+$/) });

/** Fields that may change between a run and its resume without changing the numbers of later steps. */
const RESUMABLE_CHANGES = new Set<keyof GrpoConfig>(['maxSteps', 'logEvery', 'checkpointEvery', 'keepCheckpoints']);

export function latestCheckpoint(outDir: string): { step: number; dir: string } | null {
  const path = join(outDir, 'checkpoints', 'latest.json');
  if (!existsSync(path)) return null;
  const parsed = pointerSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!parsed.success) throw new SeerError('bad_file', `${path}: not a checkpoint pointer ({step, dir}); delete it to restart the run`, { cause: parsed.error });
  return parsed.data;
}

/**
 * The config a resumed run must agree with: every field except those in RESUMABLE_CHANGES. Throws a
 * SeerError naming the differing fields and how to proceed.
 */
export function checkResumeConfig(outDir: string, config: GrpoConfig): void {
  const path = join(outDir, 'grpo-config.json');
  if (!existsSync(path)) return;
  const saved = grpoConfigSchema.safeParse(JSON.parse(readFileSync(path, 'utf8')));
  if (!saved.success) throw new SeerError('bad_file', `${path}: not a GRPO config; restore it or start in a new folder`, { cause: saved.error });
  const differing = (Object.keys(config) as (keyof GrpoConfig)[]).filter(
    (key) => !RESUMABLE_CHANGES.has(key) && JSON.stringify(saved.data[key]) !== JSON.stringify(config[key]),
  );
  if (differing.length > 0) {
    const detail = differing.map((k) => `${k}: ${JSON.stringify(saved.data[k])} → ${JSON.stringify(config[k])}`).join(', ');
    throw new SeerError('bad_config', `${outDir} holds a run with a different config (${detail}); resuming would not reproduce it. Use a new output folder, or the saved config.`);
  }
}

export async function loadCheckpoint(outDir: string, pointer: { dir: string }, model: PolicyModel, reference: PolicyModel | null): Promise<void> {
  const base = join(outDir, 'checkpoints');
  await model.loadState(readFileSync(join(base, pointer.dir, 'model.bin')));
  if (reference) {
    // Older runs kept a copy per checkpoint; newer ones keep one.
    const perStep = join(base, pointer.dir, 'reference.bin');
    await reference.loadState(readFileSync(existsSync(perStep) ? perStep : join(base, 'reference.bin')));
  }
}

export async function saveReference(outDir: string, reference: PolicyModel): Promise<void> {
  const path = join(outDir, 'checkpoints', 'reference.bin');
  if (!existsSync(path)) writeFileAtomic(path, await reference.saveState());
}

/** Write `step-N/model.bin`, then point `latest.json` at it, then prune to the newest `keep` (0 = all). */
export async function saveCheckpoint(outDir: string, step: number, model: PolicyModel, keep: number): Promise<void> {
  const dir = `step-${String(step).padStart(6, '0')}`;
  const base = join(outDir, 'checkpoints');
  writeFileAtomic(join(base, dir, 'model.bin'), await model.saveState());
  writeJson(join(base, 'latest.json'), { step, dir });
  if (keep === 0) return;
  const steps = readdirSync(base).filter((name) => /^step-\d+$/.test(name)).sort();
  for (const old of steps.slice(0, Math.max(0, steps.length - keep))) if (old !== dir) rmSync(join(base, old), { recursive: true, force: true });
}

/**
 * Thread set-up for a phase of work: run it with OpenBLAS's pool at a given size (libtorch's own
 * OpenMP pool unchanged), then restore the previous size. GRPO on SEER-Mini multiplies small
 * matrices (d 128, at most a few hundred rows once prefixes are shared); OpenBLAS's second thread
 * then mostly spin-waits in sched_yield. Measured on a Stage-1 step (src/bench/grpo.ts,
 * 2 cores, loaded machine): BLAS 2 threads 0.74–0.75 s a step with 3.6–4.5 s system CPU per
 * 10 s run, BLAS 1 thread 0.52–0.58 s with 0.6 s.
 */
import { z } from 'zod';
import { engine } from '../engine/torch.ts';

/** The recipe setting of a training stage (Stage 1, Stage 2). */
export const blasThreadsSetting = z.number().int().positive().nullable().default(1).describe('OpenBLAS threads while the stage trains (null: leave as set); 1 measured faster, without the second thread\'s spin-wait system time (src/model/threads.ts)');

export async function withBlasThreads<R>(blasThreads: number | null, work: () => Promise<R>): Promise<R> {
  const before = engine.blasThreads();
  if (blasThreads === null || before < 1 || before === blasThreads) return work(); // not OpenBLAS, or nothing to change
  const threads = engine.threads();
  engine.setThreads(threads, blasThreads);
  try {
    return await work();
  } finally {
    engine.setThreads(engine.threads(), before);
  }
}

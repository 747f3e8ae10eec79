/** Shared option parsers for the CLI: integers and seeds that fail with a clear message. */
import { InvalidArgumentError } from 'commander';

export function parseInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new InvalidArgumentError(`expected an integer, got "${value}"`);
  return n;
}

export function parsePositiveInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 1) throw new InvalidArgumentError(`expected a positive integer, got "${value}"`);
  return n;
}

/** The shared `--threads` flag (libtorch's and OpenBLAS's pools; 2 cores on the reference machine). */
export const THREADS_FLAGS = '--threads <n>';
export const THREADS_HELP = 'libtorch + BLAS threads';

/**
 * Set the engine's threads and print what it really got (libtorch, BLAS, threads, GEMM speed) as
 * the command's first lines on stderr, with a loud warning and the fix for a slow set-up. Every
 * command that trains or samples calls this first. Loads the engine lazily.
 */
export async function startEngine(threads: number, blasThreads = threads): Promise<import('../engine/blas.ts').EngineReport> {
  const { engine } = await import('../engine/torch.ts');
  const { announceEngine } = await import('../engine/blas.ts');
  engine.setThreads(threads, blasThreads);
  return announceEngine();
}

/**
 * Shared CLI options: parsers for integers that fail with a clear message, factories for the flags
 * many commands share (`--seed`, `--threads`, `--checkpoint`), and `startEngine`, which every
 * command that trains or samples calls first.
 */
import { InvalidArgumentError, Option } from 'commander';
import { SeerError } from '../core/errors.ts';

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

export function parseNonNegativeInteger(value: string): number {
  const n = parseInteger(value);
  if (n < 0) throw new InvalidArgumentError(`expected an integer ≥ 0, got "${value}"`);
  return n;
}

export function parseNonNegative(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected a number ≥ 0, got "${value}"`);
  return n;
}

/** `--val-held-instructions`: training instructions a VIE build holds out of RL, Simple:Hard 2:3 (a multiple of 5), RL keeping at least two thirds of the 60. */
export function parseHeldInstructionCount(value: string): number {
  const n = parseNonNegativeInteger(value);
  if (n > 20 || n % 5 !== 0) throw new InvalidArgumentError(`expected a multiple of 5 up to 20 (Simple:Hard 2:3; RL keeps at least two thirds of the 60 training instructions), got "${value}"`);
  return n;
}

/** A share: a number in [0, 1]. */
export function parseShare(value: string): number {
  const n = parseNonNegative(value);
  if (n > 1) throw new InvalidArgumentError(`expected a share in [0, 1], got "${value}"`);
  return n;
}

/** A flag that takes one of a few names: `value` when it is one of `choices`, else a bad-input error naming them (`--model must be "copies" or "one", got "x"`). */
export function checkChoice<T extends string>(flag: string, value: string, choices: readonly T[]): T {
  const choice = choices.find((c) => c === value);
  if (choice !== undefined) return choice;
  const quoted = choices.map((c) => `"${c}"`);
  throw new SeerError('bad_input', `${flag} must be ${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)!}, got "${value}"`);
}

/** The shared `--threads` flag (libtorch's and OpenBLAS's pools; 2 cores on the reference machine). */
export const THREADS_FLAGS = '--threads <n>';
export const THREADS_HELP = 'libtorch + BLAS threads';

/** `--seed <n>`: an integer seed (default 0). */
export function seedOption(description = 'seed', defaultValue = 0): Option {
  return new Option('--seed <n>', description).argParser(parseInteger).default(defaultValue);
}

/** `--threads <n>`: a positive thread count; `defaultValue` null leaves it unset (a recipe decides). */
export function threadsOption(description = THREADS_HELP, defaultValue: number | null = 2): Option {
  const option = new Option(THREADS_FLAGS, description).argParser(parsePositiveInteger);
  return defaultValue === null ? option : option.default(defaultValue);
}

/** `--checkpoint <dir>`: a SEER-Mini checkpoint folder; what it is for (and its default) goes in `description`. */
export function checkpointOption(description: string): Option {
  return new Option('--checkpoint <dir>', description);
}

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

/**
 * Typed errors for the whole project. Every failure a user can cause (bad flag, malformed file,
 * missing checkpoint) becomes a SeerError with a stable code, a message that says how to fix it,
 * and the underlying cause. The CLI prints the message, not a stack trace.
 */

export type SeerErrorCode =
  | 'bad_config'
  | 'bad_input'
  | 'bad_file'
  | 'not_found'
  | 'io'
  | 'engine'
  | 'model'
  | 'backend'
  | 'internal';

export class SeerError extends Error {
  readonly code: SeerErrorCode;

  constructor(code: SeerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SeerError';
    this.code = code;
  }
}

export function isSeerError(error: unknown): error is SeerError {
  return error instanceof SeerError;
}

/**
 * HTTP plumbing shared by both HTTP apps (the human-eval app in src/humaneval/ and the model API in
 * src/serve/): a typed `ApiError` (a SeerError with a status), zod
 * validation of params, query and JSON bodies that names the offending field, bearer-token
 * extraction, constant-time token comparison, and the one JSON error shape every 4xx/5xx uses:
 * `{ "error": { "status": 400, "message": "…" } }`.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Context } from 'hono';
import type { z } from 'zod';
import { SeerError, type SeerErrorCode } from './errors.ts';

export type ApiStatus = 400 | 401 | 403 | 404 | 409 | 413 | 415 | 500;

export class ApiError extends SeerError {
  readonly status: ApiStatus;

  constructor(status: ApiStatus, message: string, options?: { cause?: unknown }) {
    const code: SeerErrorCode = status === 404 ? 'not_found' : status >= 500 ? 'internal' : 'bad_input';
    super(code, message, options);
    this.name = 'ApiError';
    this.status = status;
  }
}

/** Map any thrown value to a status and a message safe to show (internal errors are not echoed). */
export function errorResponse(error: unknown): { status: ApiStatus; message: string } {
  if (error instanceof ApiError) return { status: error.status, message: error.message };
  if (error instanceof SeerError) {
    const status: ApiStatus = error.code === 'not_found' ? 404 : error.code === 'internal' || error.code === 'io' ? 500 : 400;
    return { status, message: error.message };
  }
  return { status: 500, message: 'internal server error (see the server log)' };
}

function describeIssues(error: z.ZodError, where: string): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${where}${issue.path.length ? `.${issue.path.join('.')}` : ''}: ${issue.message}`)
    .join('; ');
}

export function parseWith<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw new ApiError(400, describeIssues(parsed.error, where), { cause: parsed.error });
  return parsed.data;
}

export function parseParams<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.param(), 'path');
}

export function parseQuery<S extends z.ZodType>(c: Context, schema: S): z.infer<S> {
  return parseWith(schema, c.req.query(), 'query');
}

/** Read and validate a JSON body; an empty body counts as `{}`. */
export async function parseBody<S extends z.ZodType>(c: Context, schema: S): Promise<z.infer<S>> {
  const type = c.req.header('content-type') ?? '';
  const text = await c.req.text();
  if (text.trim() !== '' && !/^application\/json\b/i.test(type)) {
    throw new ApiError(415, `request body must be JSON (Content-Type: application/json), got "${type || 'none'}"`);
  }
  let value: unknown = {};
  if (text.trim() !== '') {
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new ApiError(400, `body: not valid JSON (${(cause as Error).message})`, { cause });
    }
  }
  return parseWith(schema, value, 'body');
}

/** The token of an `Authorization: Bearer …` header, or null. */
export function bearer(c: Context): string | null {
  const header = c.req.header('authorization');
  if (!header) return null;
  const match = /^Bearer\s+([A-Za-z0-9_\-.~+/=]{8,200})\s*$/i.exec(header);
  if (!match?.[1]) throw new ApiError(401, 'Authorization header must be "Bearer <token>"');
  return match[1];
}

/** Constant-time equality of two secrets (compares their SHA-256 digests, so lengths may differ). */
export function sameSecret(a: string, b: string): boolean {
  const da = createHash('sha256').update(a).digest();
  const db = createHash('sha256').update(b).digest();
  return timingSafeEqual(da, db);
}

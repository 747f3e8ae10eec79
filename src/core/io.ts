/**
 * File helpers shared by every layer: atomic writes (write to a temp file, fsync, rename — a
 * killed process never leaves a half-written file), JSONL reading validated by a zod schema that
 * names the file and line of the first bad row, and JSON writing.
 */
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, writeSync, existsSync } from 'node:fs';
import { dirname, basename, join } from 'node:path';
import type { z } from 'zod';
import { SeerError } from './errors.ts';

export function ensureDir(dir: string): void {
  mkdirSync(dir, { recursive: true });
}

/** Write `data` to `path` atomically: temp file in the same folder, fsync, rename. */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  ensureDir(dirname(path));
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  const fd = openSync(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(fd, bytes, offset, bytes.length - offset);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export function writeJson(path: string, value: unknown): void {
  writeFileAtomic(path, `${JSON.stringify(value, null, 2)}\n`);
}

export function writeJsonl(path: string, rows: readonly unknown[]): void {
  writeFileAtomic(path, rows.map((row) => JSON.stringify(row)).join('\n') + (rows.length ? '\n' : ''));
}

/** Parse a JSONL text with a schema; the first bad line fails with file, line number and reason. */
export function parseJsonl<S extends z.ZodType>(text: string, schema: S, file: string): z.infer<S>[] {
  const rows: z.infer<S>[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] ?? '').trim();
    if (line === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (cause) {
      throw new SeerError('bad_file', `${file}:${i + 1}: not valid JSON (${(cause as Error).message})`, { cause });
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue && issue.path.length ? ` at "${issue.path.join('.')}"` : '';
      throw new SeerError('bad_file', `${file}:${i + 1}: invalid row${where}: ${issue?.message ?? 'schema mismatch'}`, {
        cause: parsed.error,
      });
    }
    rows.push(parsed.data);
  }
  return rows;
}

export function readJsonl<S extends z.ZodType>(path: string, schema: S): z.infer<S>[] {
  if (!existsSync(path)) throw new SeerError('not_found', `${path}: file not found`);
  return parseJsonl(readFileSync(path, 'utf8'), schema, path);
}

export function readJson<S extends z.ZodType>(path: string, schema: S): z.infer<S> {
  if (!existsSync(path)) throw new SeerError('not_found', `${path}: file not found`);
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new SeerError('bad_file', `${path}: not valid JSON (${(cause as Error).message})`, { cause });
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new SeerError('bad_file', `${path}: ${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'schema mismatch'}`, {
      cause: parsed.error,
    });
  }
  return parsed.data;
}

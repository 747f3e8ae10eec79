/**
 * Reading study sources from disk: a run folder's `eval/pairs.jsonl` (or any pairs file), filtered
 * to the baselines asked for, and the dataset builder's `candidates.jsonl` (only rows that passed the
 * automated check are shown to humans, paper A.1.2). Every image is read and checked to be a PNG
 * here, so a study never starts with a missing or broken image; errors name the file and line.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { SeerError } from '../core/errors.ts';
import { parseJsonl } from '../core/io.ts';
import { candidateRowSchema, pairRowSchema, type Verdict } from './schemas.ts';

export interface PngImage {
  sha256: string;
  png: Buffer;
  width: number;
  height: number;
}

/** One item as it goes into the store; `imageB` only for pairwise items (the baseline's image). */
export interface NewItem {
  key: string;
  caseId: string;
  instruction: string;
  prompt: string;
  category: string;
  difficulty: 'simple' | 'hard';
  split: 'id' | 'ood' | null;
  seed: number | null;
  baseline: string | null;
  imageA: PngImage;
  imageB: PngImage | null;
  oracleVerdict: Verdict | null;
  judgeVerdict: Verdict | null;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** Check the PNG signature and IHDR chunk; return width and height. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) return null;
  if (bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

function readPng(path: string, where: string, cache: Map<string, PngImage>): PngImage {
  const cached = cache.get(path);
  if (cached) return cached;
  if (!existsSync(path) || !statSync(path).isFile()) throw new SeerError('not_found', `${where}: image ${path} not found`);
  const png = readFileSync(path);
  const size = pngSize(png);
  if (!size) throw new SeerError('bad_file', `${where}: image ${path} is not a PNG`);
  const image = { sha256: createHash('sha256').update(png).digest('hex'), png, ...size };
  cache.set(path, image);
  return image;
}

function lineNumbers(text: string): number[] {
  const lines: number[] = [];
  text.split('\n').forEach((line, i) => {
    if (line.trim() !== '') lines.push(i + 1);
  });
  return lines;
}

/**
 * Items of a pairwise study. `run` is a run folder (rows from `eval/pairs.jsonl`, images relative to
 * the run folder); `pairsFile` is any pairs file (images relative to that file's folder). `vs` keeps
 * only those baselines (all when empty) and fails on a baseline the file does not contain.
 */
export function loadPairs(source: { run: string } | { pairsFile: string }, vs: readonly string[] = []): { items: NewItem[]; source: string } {
  const file = 'run' in source ? join(source.run, 'eval', 'pairs.jsonl') : source.pairsFile;
  const base = 'run' in source ? source.run : dirname(source.pairsFile);
  if (!existsSync(file)) throw new SeerError('not_found', `${file}: pairs file not found${'run' in source ? ' (does the run have an evaluation yet?)' : ''}`);
  const text = readFileSync(file, 'utf8');
  const rows = parseJsonl(text, pairRowSchema, file);
  const lines = lineNumbers(text);
  const available = [...new Set(rows.map((r) => r.baseline))].sort();
  const unknown = vs.filter((b) => !available.includes(b));
  if (unknown.length) {
    throw new SeerError('bad_input', `${file}: no pairs for baseline(s) ${unknown.join(', ')}; the file has: ${available.join(', ') || 'none'}`);
  }
  const keep = new Set(vs.length ? vs : available);
  const cache = new Map<string, PngImage>();
  const seen = new Map<string, number>();
  const items: NewItem[] = [];
  rows.forEach((row, i) => {
    if (!keep.has(row.baseline)) return;
    const where = `${file}:${lines[i] ?? i + 1}`;
    const key = `${row.case_id}|${row.seed}|${row.baseline}`;
    const previous = seen.get(key);
    if (previous !== undefined) throw new SeerError('bad_file', `${where}: duplicate pair (case ${row.case_id}, seed ${row.seed}, baseline ${row.baseline}) also on line ${previous}`);
    seen.set(key, lines[i] ?? i + 1);
    items.push({
      key,
      caseId: row.case_id,
      instruction: row.instruction,
      prompt: row.prompt,
      category: row.category,
      difficulty: row.difficulty,
      split: row.split,
      seed: row.seed,
      baseline: row.baseline,
      imageA: readPng(resolve(base, row.seer_image), where, cache),
      imageB: readPng(resolve(base, row.baseline_image), where, cache),
      oracleVerdict: row.oracle_verdict ?? null,
      judgeVerdict: row.judge_verdict ?? null,
    });
  });
  if (items.length === 0) throw new SeerError('bad_input', `${file}: no pairs to evaluate`);
  return { items, source: resolve(file) };
}

/** Items of a verification study: the candidates that passed the automated check (A.1.2). */
export function loadCandidates(file: string): { items: NewItem[]; source: string; skipped: number } {
  if (!existsSync(file)) throw new SeerError('not_found', `${file}: candidates file not found`);
  const text = readFileSync(file, 'utf8');
  const rows = parseJsonl(text, candidateRowSchema, file);
  const lines = lineNumbers(text);
  const cache = new Map<string, PngImage>();
  const seen = new Map<string, number>();
  const items: NewItem[] = [];
  let skipped = 0;
  rows.forEach((row, i) => {
    const where = `${file}:${lines[i] ?? i + 1}`;
    const previous = seen.get(row.id);
    if (previous !== undefined) throw new SeerError('bad_file', `${where}: duplicate candidate id ${row.id} also on line ${previous}`);
    seen.set(row.id, lines[i] ?? i + 1);
    if (row.auto_check !== 'pass') {
      skipped++;
      return;
    }
    items.push({
      key: row.id,
      caseId: row.id,
      instruction: row.instruction,
      prompt: row.prompt,
      category: row.category,
      difficulty: row.difficulty,
      split: null,
      seed: null,
      baseline: null,
      imageA: readPng(resolve(dirname(file), row.image), where, cache),
      imageB: null,
      oracleVerdict: null,
      judgeVerdict: null,
    });
  });
  if (items.length === 0) throw new SeerError('bad_input', `${file}: no candidate passed the automated check; nothing to verify`);
  return { items, source: resolve(file), skipped };
}

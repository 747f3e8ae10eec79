/**
 * Test fixtures for the human-eval app: small run folders (`eval/pairs.jsonl` + real PNG images
 * drawn with @napi-rs/canvas) and candidates files, in a temporary folder. Used by the app's tests
 * only; no real run exists yet when these tests are written.
 */
import { createCanvas } from '@napi-rs/canvas';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CandidateRow, PairRow, Verdict } from './schemas.ts';

export function tempDir(label: string): string {
  return mkdtempSync(join(tmpdir(), `seer-humaneval-${label}-`));
}

/** A 32×32 PNG: a background colour and a centred square, so every image is distinct. */
export function png(hue: number, shade: number): Buffer {
  const canvas = createCanvas(32, 32);
  const ctx = canvas.getContext('2d');
  ctx.fillStyle = `hsl(${hue % 360}, 60%, ${20 + (shade % 60)}%)`;
  ctx.fillRect(0, 0, 32, 32);
  ctx.fillStyle = `hsl(${(hue + 180) % 360}, 70%, 50%)`;
  ctx.fillRect(8, 8, 16, 16);
  return canvas.toBuffer('image/png');
}

const CATEGORIES = [
  ['material synthesis', 'simple'],
  ['perspective shift', 'simple'],
  ['semantic edit', 'simple'],
  ['attribute reasoning', 'hard'],
  ['constraint reasoning', 'hard'],
  ['conceptual reasoning', 'hard'],
] as const;

const VERDICTS: readonly Verdict[] = ['seer', 'baseline', 'tie'];

/**
 * A run folder `dir/NAME` with `cases` test cases × `seeds` seeds × the given baselines. Case i is
 * ID when i is even, OOD otherwise; oracle and judge verdicts cycle through seer/baseline/tie.
 */
export function makeRun(dir: string, options: { name?: string; cases: number; seeds?: number; baselines: readonly string[] }): { run: string; rows: PairRow[] } {
  const run = join(dir, options.name ?? 'run');
  mkdirSync(join(run, 'eval', 'images'), { recursive: true });
  const rows: PairRow[] = [];
  let n = 0;
  for (let c = 0; c < options.cases; c++) {
    const [category, difficulty] = CATEGORIES[c % CATEGORIES.length] ?? CATEGORIES[0];
    for (let s = 0; s < (options.seeds ?? 1); s++) {
      const seerImage = `eval/images/c${c}-s${s}-seer.png`;
      writeFileSync(join(run, seerImage), png(c * 37 + s, 10));
      for (const baseline of options.baselines) {
        const baselineImage = `eval/images/c${c}-s${s}-${baseline}.png`;
        writeFileSync(join(run, baselineImage), png(c * 37 + s, 40 + baseline.length));
        rows.push({
          case_id: `case-${c}`,
          instruction: `Make it look like instruction ${c} <b>&amp;</b>`,
          prompt: `a small robot number ${c}`,
          category,
          difficulty,
          split: c % 2 === 0 ? 'id' : 'ood',
          seed: s,
          baseline,
          seer_image: seerImage,
          baseline_image: baselineImage,
          oracle_verdict: VERDICTS[n % 3] ?? 'tie',
          judge_verdict: VERDICTS[(n + 1) % 3] ?? 'tie',
        });
        n++;
      }
    }
  }
  writeFileSync(join(run, 'eval', 'pairs.jsonl'), rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { run, rows };
}

/** A candidates.jsonl with `count` rows; every third row failed the automated check. */
export function makeCandidates(dir: string, count: number): { file: string; rows: CandidateRow[] } {
  mkdirSync(join(dir, 'candidates'), { recursive: true });
  const rows: CandidateRow[] = [];
  for (let i = 0; i < count; i++) {
    const image = `candidates/cand-${i}.png`;
    writeFileSync(join(dir, image), png(i * 53, 30));
    rows.push({
      id: `cand-${i}`,
      instruction: `instruction ${i}`,
      prompt: `prompt ${i}`,
      category: 'material synthesis',
      difficulty: i % 2 ? 'hard' : 'simple',
      image,
      auto_check: i % 3 === 2 ? 'fail' : 'pass',
    });
  }
  const file = join(dir, 'candidates.jsonl');
  writeFileSync(file, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  return { file, rows };
}

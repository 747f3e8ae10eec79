/**
 * The import layering, defined once (LAYERS below) and enforced over every `src/**\/*.ts` file:
 *  - production code imports only its own folder or folders earlier in LAYERS (nothing upward);
 *  - production code never imports test code (`*.test.ts`) or test support (`*.testkit.ts`);
 *  - no import cycles, between files or between folders.
 * Tests and test support may import any layer (a conformance suite in src/roles/ draws scenes with
 * the world's renderer; engine tests build a model), but nothing production imports them.
 * README's "Layout" section lists the same order.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/** Top-level folders of src/, lowest first: each may import only itself and the folders before it. */
export const LAYERS = [
  'core', //       errors, seeded randomness, atomic files, progress, HTTP plumbing
  'image', //      RgbImage, PNG codec, base64 / data URLs, resizing
  'roles', //      the shared role contracts (Judge, Reprompter, ImageGenerator, UnifiedModel), blind judging
  'world', //      the VIE world: spec, renderer, grammar, instructions, knowledge, baseline reprompters (engine-free)
  'engine', //     the tensor engine (libtorch through native/)
  'oracle', //     the independent oracle judge (its detector's CNN runs on the engine)
  'data', //       dataset builders and file formats (the builder labels candidates with the oracle)
  'model', //      SEER-Mini: tokenizers, transformer, sampling, the UMM's modes, checkpoints
  'pretrain', //   the base UMM's pretraining
  'rl', //         GRPO: pure algorithm functions and the trainer
  'seer', //       the method: Stage 1, Stage 2, rewards, inference
  'eval', //       evaluations: the base gap, Tables 1–5, inference variants, statistics
  'backends', //   other models behind the role contracts
  'reports', //    report writers, multi-seed summaries
  'run', //        the main job (writes reports, evaluates against the text-only backend)
  'serve', //      `seer serve`: a UnifiedModel behind an OpenAI-compatible API
  'humaneval', //  the human-evaluation app and its UI
  'bench', //      benchmarks and experiments (`seer bench`)
  'cli', //        thin commands
] as const;

const SRC = dirname(fileURLToPath(import.meta.url));

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return path.endsWith('.ts') ? [path] : [];
  });
}

const IMPORT = /(?:^|[\s;])(?:import|export)\s[^'"`;]*?from\s*['"]([^'"]+)['"]|(?:^|[\s;(=])import\s*\(\s*['"]([^'"]+)['"]\s*\)|^import\s+['"]([^'"]+)['"]/gm;

/** Relative imports of one file, resolved to absolute paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT)) {
    const spec = m[1] ?? m[2] ?? m[3];
    if (spec?.startsWith('.')) out.push(resolve(dirname(file), spec));
  }
  return out;
}

const rel = (file: string) => relative(SRC, file).split(sep).join('/');
const layerOf = (file: string) => rel(file).split('/')[0]!;
const isTestCode = (file: string) => /\.(test|testkit)\.ts$/.test(file);

const files = sourceFiles(SRC).filter((f) => dirname(f) !== SRC); // src/*.ts (this test) belongs to no layer
const graph = new Map(files.map((f) => [f, importsOf(f).filter((t) => t.startsWith(SRC + sep))]));

describe('import layering', () => {
  it('every folder of src/ has a place in LAYERS', () => {
    const folders = [...new Set(files.map(layerOf))].sort();
    expect(folders.filter((f) => !(LAYERS as readonly string[]).includes(f))).toEqual([]);
  });

  it('parses imports (sanity: the CLI imports its options and the trainer imports the GRPO core)', () => {
    expect(graph.get(join(SRC, 'cli/bench.ts'))).toContain(join(SRC, 'cli/options.ts'));
    expect(graph.get(join(SRC, 'rl/trainer.ts'))).toContain(join(SRC, 'rl/core.ts'));
  });

  it('production code imports nothing upward and no test code', () => {
    const rank = (file: string) => (LAYERS as readonly string[]).indexOf(layerOf(file));
    const bad: string[] = [];
    for (const [from, targets] of graph) {
      if (isTestCode(from)) continue;
      for (const to of targets) {
        if (isTestCode(to)) bad.push(`${rel(from)} imports test code ${rel(to)}`);
        else if (rank(to) > rank(from)) bad.push(`${rel(from)} (${layerOf(from)}) imports upward ${rel(to)} (${layerOf(to)})`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('has no import cycles between files', () => {
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'open');
      stack.push(file);
      for (const to of graph.get(file) ?? []) {
        if (state.get(to) === 'open') cycles.push([...stack.slice(stack.indexOf(to)), to].map(rel).join(' → '));
        else if (!state.has(to)) visit(to);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of graph.keys()) if (!state.has(file)) visit(file);
    expect(cycles).toEqual([]);
  });

  it('has no import cycles between folders (production code)', () => {
    const edges = new Map<string, Set<string>>();
    for (const [from, targets] of graph) {
      if (isTestCode(from)) continue;
      for (const to of targets) {
        if (layerOf(to) === layerOf(from)) continue;
        edges.set(layerOf(from), (edges.get(layerOf(from)) ?? new Set()).add(layerOf(to)));
      }
    }
    const reaches = (a: string, b: string, seen = new Set<string>()): boolean =>
      [...(edges.get(a) ?? [])].some((n) => n === b || (!seen.has(n) && (seen.add(n), reaches(n, b, seen))));
    expect([...edges.keys()].filter((layer) => reaches(layer, layer))).toEqual([]);
  });
});

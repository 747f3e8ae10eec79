/**
 * What the tensor engine really got: libtorch's version, the BLAS its GEMMs run on, the thread
 * pools, and a GEMM throughput probe — so that a slow set-up is a loud warning with the fix instead
 * of a silent slowdown (a training step ran 22× slower on the reference BLAS, measured). The classic trap (measured, docs/engine.md): `apt-get install
 * --no-install-recommends libtorch-dev` leaves `libblas.so.3` on the reference (netlib) BLAS.
 *
 * The BLAS is identified by the file that defines `sgemm_` in this process (dladdr in the addon),
 * not by reading Debian's alternatives: what the dynamic linker bound is what runs, whatever
 * LD_LIBRARY_PATH or the alternatives say. `blas.test.ts` checks that file against /proc/self/maps.
 */
import { realpathSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { engine, noGrad, T, tidy, type NativeBlasInfo } from './torch.ts';

export type BlasKind = 'openblas' | 'mkl' | 'blis' | 'atlas' | 'reference' | 'unknown' | 'none';

export interface BlasReport {
  kind: BlasKind;
  /** The shared library that defines sgemm_ (as loaded; `realPath` with links resolved). */
  library: string | null;
  realPath: string | null;
  /** OpenBLAS's own description (version, build flags, core), when the BLAS is OpenBLAS. */
  config: string | null;
  core: string | null;
  /** OpenBLAS's GEMM thread pool (−1 when the BLAS is not OpenBLAS). */
  threads: number;
}

export interface EngineReport {
  torchVersion: string;
  /** libtorch's intra-op (OpenMP) threads. */
  threads: number;
  blas: BlasReport;
  /** Measured single-precision GEMM throughput (512³, current thread set-up). */
  gemmGflops: number;
  /** Loud, actionable problems; empty when the set-up is as fast as it should be. */
  warnings: string[];
}

/**
 * Below this a 512³ SGEMM is far off any optimised BLAS on this kind of machine. Measured on a
 * 2-core AMD Zen machine on 2026-12-01 (docs/engine.md): OpenBLAS 0.3.21 ran 67–91 GFLOP/s, the
 * reference BLAS 2.8–4.6. 10 leaves room for a loaded machine without missing a reference BLAS.
 */
export const MIN_GEMM_GFLOPS = 10;

export const BLAS_FIX = 'install an optimised BLAS: `sudo apt-get install libopenblas0-pthread` (or run `bash scripts/setup.sh`), then restart';

/**
 * Name the BLAS from the library that defines sgemm_. `exportsOpenblas` says whether that library
 * carries OpenBLAS's API: OpenBLAS may be loaded by another module (Debian's liblapack pulls it in)
 * while the GEMMs run on netlib, so the process merely having OpenBLAS proves nothing (measured).
 */
export function classifyBlas(realPath: string | null, exportsOpenblas: boolean): BlasKind {
  if (realPath === null) return 'none';
  const p = realPath.toLowerCase();
  if (exportsOpenblas || p.includes('openblas')) return 'openblas';
  if (p.includes('mkl')) return 'mkl';
  if (p.includes('blis')) return 'blis';
  if (p.includes('atlas')) return 'atlas';
  // Debian's netlib package installs /usr/lib/<triplet>/blas/libblas.so.3(.x.y).
  if (/\/blas\/libblas\.so/.test(p) || /refblas|netlib/.test(p)) return 'reference';
  return 'unknown';
}

export function blasReport(info: NativeBlasInfo = engine.nativeBlasInfo()): BlasReport {
  let realPath: string | null = null;
  if (info.library !== null) {
    try {
      realPath = realpathSync(info.library);
    } catch {
      realPath = info.library;
    }
  }
  const kind = classifyBlas(realPath, info.libraryIsOpenblas);
  const openblas = kind === 'openblas';
  return { kind, library: info.library, realPath, config: openblas ? info.openblasConfig : null, core: openblas ? info.openblasCore : null, threads: openblas ? info.blasThreads : -1 };
}

/** Median GFLOP/s of a [n, n] × [n, n] SGEMM over `repeats` runs (after one warm-up). */
export function measureGemmGflops(n = 512, repeats = 5): number {
  return noGrad(() =>
    tidy(() => {
      const a = T.randn([n, n], 1);
      const b = T.randn([n, n], 1);
      T.matmul(a, b).dispose();
      const times: number[] = [];
      for (let r = 0; r < repeats; r++) {
        const start = process.hrtime.bigint();
        T.matmul(a, b).dispose();
        times.push(Number(process.hrtime.bigint() - start) / 1e9);
      }
      times.sort((x, y) => x - y);
      const median = times[Math.floor(times.length / 2)]!;
      return (2 * n * n * n) / median / 1e9;
    }),
  );
}

/** The warnings for a given set-up (pure, so it is tested without swapping libraries). */
export function engineWarnings(blas: BlasReport, gemmGflops: number, threads: number, cores: number = availableParallelism()): string[] {
  const out: string[] = [];
  const speed = `SGEMM runs at ${gemmGflops.toFixed(1)} GFLOP/s with ${threads} thread(s)`;
  if (blas.kind === 'reference') {
    out.push(`the BLAS is the slow reference (netlib) BLAS (${blas.realPath}); ${speed} and training runs many times slower than it should (22× per step, measured); ${BLAS_FIX}`);
  } else if (blas.kind === 'none') {
    out.push(`no BLAS library defines sgemm_ in this process; ${BLAS_FIX}`);
  } else if (gemmGflops < MIN_GEMM_GFLOPS) {
    out.push(`${speed}, below the ${MIN_GEMM_GFLOPS} GFLOP/s an optimised BLAS gives on one core here (BLAS: ${blas.kind}, ${blas.realPath}); if the machine is not busy, ${BLAS_FIX}`);
  }
  const oversubscribed = threadWarning(threads, blas.threads, cores);
  if (oversubscribed) out.push(oversubscribed);
  return out;
}

/** A warning when libtorch's or the BLAS's pool has more threads than the machine has cores. */
export function threadWarning(threads: number, blasThreads: number, cores: number = availableParallelism()): string | null {
  const pools = Math.max(threads, blasThreads);
  return pools > cores ? `${pools} threads on ${cores} cores: oversubscribed pools wait on each other; pass --threads ${cores} or less` : null;
}

/** Everything `seer doctor` and the long commands' first lines report about the engine. */
export function engineReport(options: { gemmRepeats?: number } = {}): EngineReport {
  const info = engine.nativeBlasInfo();
  const blas = blasReport(info);
  const threads = engine.threads();
  const gemmGflops = measureGemmGflops(512, options.gemmRepeats ?? 5);
  return { torchVersion: info.torchVersion, threads, blas, gemmGflops, warnings: engineWarnings(blas, gemmGflops, threads) };
}

/** One line for a log, e.g. `engine: libtorch 1.13.0, OpenBLAS 0.3.21 (Haswell, pthreads), 2+2 threads, 61 GFLOP/s`. */
export function engineSummaryLine(r: EngineReport): string {
  const version = r.blas.config?.match(/OpenBLAS\s+([\d.]+)/)?.[1];
  const name = r.blas.kind === 'openblas' ? `OpenBLAS${version ? ` ${version}` : ''}${r.blas.core ? ` (${r.blas.core})` : ''}` : `${r.blas.kind} BLAS (${r.blas.realPath ?? 'none'})`;
  const blasThreads = r.blas.threads > 0 ? `${r.threads} libtorch + ${r.blas.threads} BLAS threads` : `${r.threads} libtorch threads`;
  return `engine: libtorch ${r.torchVersion}, ${name}, ${blasThreads}, SGEMM ${r.gemmGflops.toFixed(0)} GFLOP/s`;
}

/**
 * Print the engine's set-up as a long command's first lines (stderr, so `--json` stdout stays
 * clean): one summary line, then each warning framed so it cannot be missed.
 */
export function announceEngine(write: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): EngineReport {
  const report = engineReport({ gemmRepeats: 3 });
  write(engineSummaryLine(report));
  for (const w of report.warnings) write(`\n!!! WARNING: ${w}\n`);
  return report;
}

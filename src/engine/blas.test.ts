import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, realpathSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { engine } from './torch.ts';
import { blasReport, classifyBlas, engineWarnings, measureGemmGflops, type BlasReport } from './blas.ts';

const NETLIB = '/usr/lib/x86_64-linux-gnu/blas/libblas.so.3';
const here = fileURLToPath(new URL('.', import.meta.url));

/** Real paths of every file mapped into this process. */
function mappedFiles(): Set<string> {
  const files = new Set<string>();
  for (const line of readFileSync('/proc/self/maps', 'utf8').split('\n')) {
    const path = line.split(/\s+/).slice(5).join(' ');
    if (path.startsWith('/') && existsSync(path)) files.add(realpathSync(path));
  }
  return files;
}

/** The BLAS report of a fresh Node process with `env` (e.g. another libblas.so.3 first on the path). */
function reportInChild(env: NodeJS.ProcessEnv): BlasReport {
  const script = `import { blasReport } from ${JSON.stringify(join(here, 'blas.ts'))}; process.stdout.write(JSON.stringify(blasReport()));`;
  const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env: { ...process.env, ...env }, encoding: 'utf8' });
  return JSON.parse(out) as BlasReport;
}

describe.skipIf(!engine.available())('the BLAS the engine really got', () => {
  it('is a library mapped in this process, and its kind agrees with that file', () => {
    const report = blasReport();
    expect(report.realPath).not.toBeNull();
    expect(mappedFiles().has(report.realPath!)).toBe(true);
    if (report.kind === 'openblas') {
      expect(report.config).toMatch(/OpenBLAS/);
      expect(report.threads).toBeGreaterThan(0);
    } else {
      expect(report.config).toBeNull();
      expect(report.threads).toBe(-1);
    }
    expect(classifyBlas(report.realPath, report.kind === 'openblas')).toBe(report.kind);
  });

  it('follows the dynamic linker, not the alternatives: a netlib libblas.so.3 first on LD_LIBRARY_PATH is found and warned about', { timeout: 60_000 }, () => {
    if (!existsSync(NETLIB)) return; // Debian's libblas3 (netlib) is not installed here: nothing to swap in.
    const dir = mkdtempSync(join(tmpdir(), 'seer-netlib-'));
    symlinkSync(NETLIB, join(dir, 'libblas.so.3'));
    const child = reportInChild({ LD_LIBRARY_PATH: dir });
    expect(child.library).toBe(join(dir, 'libblas.so.3'));
    expect(child.kind).toBe('reference');
    expect(child.config).toBeNull();
    expect(engineWarnings(child, 3, 1, 2).join(' ')).toMatch(/reference \(netlib\) BLAS.*libopenblas0-pthread/);
  });

  // A number, not a timed assertion: the machine may be loaded (the threshold is tested below with given speeds).
  it('measures a finite, positive GEMM throughput (the probe behind the warning)', () => {
    const gflops = measureGemmGflops(128, 3);
    expect(Number.isFinite(gflops)).toBe(true);
    expect(gflops).toBeGreaterThan(0);
  });
});

describe('classifying and warning', () => {
  const openblas: BlasReport = { kind: 'openblas', library: '/lib/libblas.so.3', realPath: '/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', config: 'OpenBLAS 0.3.21', core: 'Zen', threads: 2 };

  it('names libraries by the file that defines sgemm_', () => {
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3', false)).toBe('openblas');
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', false)).toBe('reference');
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/blas/libblas.so.3.11.0', true)).toBe('openblas');
    expect(classifyBlas('/opt/intel/mkl/lib/libmkl_rt.so', false)).toBe('mkl');
    expect(classifyBlas('/usr/lib/x86_64-linux-gnu/blis-openmp/libblas.so.3', false)).toBe('blis');
    expect(classifyBlas('/opt/custom/libfastgemm.so', false)).toBe('unknown');
    expect(classifyBlas(null, false)).toBe('none');
  });

  it('is silent on a fast OpenBLAS set-up and loud on a slow one, with the fix', () => {
    expect(engineWarnings(openblas, 60, 2, 2)).toEqual([]);
    const slow = engineWarnings(openblas, 3, 2, 2);
    expect(slow).toHaveLength(1);
    expect(slow[0]).toMatch(/3\.0 GFLOP\/s.*apt-get install libopenblas0-pthread/);
    const reference = engineWarnings({ ...openblas, kind: 'reference', config: null, core: null, threads: -1 }, 60, 2, 2);
    expect(reference[0]).toMatch(/reference \(netlib\) BLAS/);
    expect(engineWarnings(openblas, 60, 4, 2)[0]).toMatch(/4 threads on 2 cores/);
  });
});

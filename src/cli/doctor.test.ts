import { describe, expect, it } from 'vitest';
import { engine } from '../engine/torch.ts';
import { blasReport } from '../engine/blas.ts';
import { formatChecks, runChecks, type Check } from './doctor.ts';

describe.skipIf(!engine.available())('seer doctor', () => {
  it('reports every part, and its BLAS verdict is the engine\'s own', { timeout: 60_000 }, async () => {
    const checks = await runChecks();
    expect(checks.map((c) => c.name)).toEqual(['node', 'libtorch-dev', 'engine', 'blas', 'gemm', 'threads', 'chromium', 'python3-torch', 'checkpoint']);
    const blas = checks.find((c) => c.name === 'blas')!;
    const kind = blasReport().kind;
    expect(blas.status === 'ok').toBe(kind === 'openblas' || kind === 'mkl' || kind === 'blis');
    expect(blas.detail).toContain(blasReport().realPath!);
    for (const c of checks) if (c.status !== 'ok') expect(c.fix).toBeTruthy();
  });
});

describe('doctor output', () => {
  it('names the problems and their fixes, and says when all is well', () => {
    const good: Check = { name: 'blas', status: 'ok', detail: 'OpenBLAS', required: true };
    const bad: Check = { name: 'gemm', status: 'fail', detail: '3 GFLOP/s', required: true, fix: 'apt-get install libopenblas0-pthread' };
    expect(formatChecks([good])).toMatch(/ready: everything/);
    const text = formatChecks([good, bad]);
    expect(text).toMatch(/fail {2}gemm/);
    expect(text).toMatch(/fix: apt-get install libopenblas0-pthread/);
    expect(text).toMatch(/1 problem\(s\) to fix/);
  });
});

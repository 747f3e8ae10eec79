/**
 * `seer doctor [--json]`: is this machine set up to run seer at full speed? Checks Node, libtorch
 * (headers to build the engine, the built addon), the BLAS the engine really got and its measured
 * GEMM speed, the thread pools, and the optional parts: Chromium (the human-eval app's browser
 * test) and python3-torch (PyTorch references). Each problem comes with the command that fixes it;
 * the exit code is 1 when a required part fails.
 */
import type { Command } from 'commander';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
  /** Required checks fail the doctor; optional ones only warn. */
  required: boolean;
  fix?: string;
}

const TORCH_HEADER = '/usr/include/torch/csrc/api/include/torch/torch.h';
const SETUP = '`bash scripts/setup.sh`';

function versionOf(command: string, args: string[]): string | null {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000 });
  if (run.error || run.status !== 0) return null;
  return run.stdout.trim().split('\n').pop() ?? null;
}

function check(name: string, required: boolean, ok: boolean, detail: string, fix?: string, warnOnly = false): Check {
  const status: CheckStatus = ok ? 'ok' : required && !warnOnly ? 'fail' : 'warn';
  return { name, status, detail, required, ...(ok || fix === undefined ? {} : { fix }) };
}

/** Every check, in the order a set-up is built. Loads the engine only if the addon is built. */
export async function runChecks(): Promise<Check[]> {
  const checks: Check[] = [];
  const major = Number(process.versions.node.split('.')[0]);
  checks.push(check('node', true, major >= 20, `Node ${process.version}`, 'install Node.js 20 or newer'));
  checks.push(check('libtorch-dev', true, existsSync(TORCH_HEADER), existsSync(TORCH_HEADER) ? `headers at ${TORCH_HEADER}` : 'libtorch headers not found', `${SETUP} (or \`sudo apt-get install libtorch-dev\`, then \`npm ci\`)`));

  const { engine } = await import('../engine/torch.ts');
  if (!engine.available()) {
    checks.push(check('engine', true, false, 'the tensor engine (native/build/Release/seer_torch.node) is not built or does not load', `${SETUP}, or \`npm ci\` once libtorch-dev is installed`));
  } else {
    const { blasReport, measureGemmGflops, threadWarning, MIN_GEMM_GFLOPS, BLAS_FIX } = await import('../engine/blas.ts');
    const cores = availableParallelism();
    const info = engine.nativeBlasInfo();
    checks.push(check('engine', true, true, `libtorch ${info.torchVersion}, addon loaded`));
    const blas = blasReport();
    const optimised = blas.kind === 'openblas' || blas.kind === 'mkl' || blas.kind === 'blis';
    const blasName = blas.kind === 'openblas' ? `OpenBLAS (${blas.config ?? '?'})` : `${blas.kind} BLAS`;
    checks.push(check('blas', true, optimised, `${blasName} from ${blas.realPath ?? 'nowhere'}`, BLAS_FIX, blas.kind === 'unknown'));
    const speeds: string[] = [];
    let slowest = Number.POSITIVE_INFINITY;
    for (const threads of [...new Set([1, cores])]) {
      engine.setThreads(threads);
      const gflops = measureGemmGflops(512, 5);
      slowest = Math.min(slowest, gflops);
      speeds.push(`${gflops.toFixed(0)} GFLOP/s with ${threads} thread(s)`);
    }
    checks.push(check('gemm', true, slowest >= MIN_GEMM_GFLOPS, `512³ SGEMM: ${speeds.join(', ')} (an optimised BLAS gives ≥ ${MIN_GEMM_GFLOPS} on one core)`, BLAS_FIX));
    const threadProblem = threadWarning(engine.threads(), blas.threads, cores);
    const envs = ['OMP_WAIT_POLICY', 'OMP_NUM_THREADS', 'OPENBLAS_NUM_THREADS'].filter((k) => process.env[k] !== undefined).map((k) => `${k}=${process.env[k]}`);
    checks.push(
      check(
        'threads',
        true,
        threadProblem === null,
        `${cores} cores; libtorch ${engine.threads()} and ${blas.threads > 0 ? `OpenBLAS ${blas.threads}` : 'BLAS'} threads (commands set both with --threads)${envs.length ? `; ${envs.join(' ')}` : ''}`,
        threadProblem ?? undefined,
        true,
      ),
    );
  }

  const chromium = existsSync('/usr/bin/chromium') ? versionOf('/usr/bin/chromium', ['--version', '--no-sandbox']) : null;
  checks.push(check('chromium', false, chromium !== null, chromium ?? '/usr/bin/chromium not found (only the human-eval app\'s browser test needs it)', `${SETUP} (or \`sudo apt-get install chromium\`)`));
  const pytorch = existsSync('/usr/bin/python3') ? versionOf('/usr/bin/python3', ['-c', 'import torch; print(torch.__version__)']) : null;
  checks.push(check('python3-torch', false, pytorch !== null, pytorch ? `PyTorch ${pytorch} (for \`seer bench --reference\` and the GRPO cross-checks)` : 'PyTorch not importable from /usr/bin/python3 (only the PyTorch references need it)', `${SETUP} (or \`sudo apt-get install python3-torch\`)`));

  const { BASE_CHECKPOINT_DIR } = await import('../model/checkpoint.ts');
  checks.push(check('checkpoint', true, existsSync(BASE_CHECKPOINT_DIR), `shipped SEER-Mini base at ${BASE_CHECKPOINT_DIR}`, 'restore checkpoints/ from git (`git checkout -- checkpoints`)'));
  return checks;
}

export function formatChecks(checks: readonly Check[]): string {
  const lines = checks.map((c) => `  ${c.status.padEnd(5)} ${c.name.padEnd(14)} ${c.detail}${c.fix ? `\n        fix: ${c.fix}` : ''}`);
  const failed = checks.filter((c) => c.status === 'fail').length;
  const warned = checks.filter((c) => c.status === 'warn').length;
  const verdict = failed > 0 ? `${failed} problem(s) to fix before seer runs at full speed` : warned > 0 ? `ready; ${warned} optional part(s) missing or unusual` : 'ready: everything seer needs is here and fast';
  return `seer doctor\n${lines.join('\n')}\n${verdict}\n`;
}

export function registerDoctorCommands(program: Command): void {
  program
    .command('doctor')
    .description('check this machine: libtorch, the BLAS the engine got and its speed, threads, Chromium, python3-torch')
    .option('--json', 'print one JSON object only')
    .action(async (opts: { json?: boolean }) => {
      const checks = await runChecks();
      const ok = checks.every((c) => c.status !== 'fail');
      process.stdout.write(opts.json ? `${JSON.stringify({ ok, checks })}\n` : formatChecks(checks));
      if (!ok) process.exitCode = 1;
    });
}

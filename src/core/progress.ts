/**
 * Progress for long jobs: a cli-progress bar (steps, rate, ETA) on a terminal, and plain
 * periodic lines otherwise (CI logs), both on stderr so `--json` output on stdout stays clean.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  tick(n?: number, info?: Record<string, string | number>): void;
  stop(): void;
}

export function startProgress(label: string, total: number, options: { quiet?: boolean } = {}): Progress {
  if (options.quiet) return { tick() {}, stop() {} };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} {percentage}% | {rate}/s | ETA {eta_formatted} {info}`, stream: process.stderr },
      cliProgress.Presets.shades_classic,
    );
    const start = Date.now();
    let value = 0;
    bar.start(total, 0, { rate: '0', info: '' });
    return {
      tick(n = 1, info) {
        value += n;
        const rate = (value / Math.max(1e-3, (Date.now() - start) / 1000)).toFixed(2);
        bar.update(value, { rate, info: info ? formatInfo(info) : '' });
      },
      stop() {
        bar.stop();
      },
    };
  }
  const start = Date.now();
  let value = 0;
  let lastPrint = 0;
  return {
    tick(n = 1, info) {
      value += n;
      const now = Date.now();
      if (now - lastPrint < 5000 && value < total) return;
      lastPrint = now;
      const elapsed = (now - start) / 1000;
      const rate = value / Math.max(elapsed, 1e-3);
      const eta = rate > 0 ? (total - value) / rate : 0;
      process.stderr.write(
        `${label} ${value}/${total} (${((100 * value) / total).toFixed(0)}%) ${rate.toFixed(2)}/s ETA ${eta.toFixed(0)}s ${info ? formatInfo(info) : ''}\n`,
      );
    },
    stop() {},
  };
}

function formatInfo(info: Record<string, string | number>): string {
  return Object.entries(info)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? (Number.isInteger(v) ? v : v.toFixed(4)) : v}`)
    .join(' ');
}

import type { LoadProgress } from './load-runner.js';

const BAR_WIDTH = 24;
/** Without a terminal (CI logs) only a line every few seconds, not a stream of carriage returns. */
const PLAIN_INTERVAL_MS = 5000;

function bar(fraction: number): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * BAR_WIDTH);
  return `${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}`;
}

/**
 * One progress line per step: a bar redrawn in place on a terminal, a few plain lines elsewhere,
 * then the step's summary.
 *
 * @example
 * const line = startProgressLine('fixed-rate 1000/s converge');
 * line.update({ sent: 500, total: 1000, inFlight: 2, ok: 498 });
 * line.done('p50 1.2 ms  p99 3.4 ms');
 */
export function startProgressLine(label: string) {
  const tty = process.stdout.isTTY === true;
  let lastPlain = 0;
  const draw = (text: string) => {
    if (tty) process.stdout.write(`\r\x1b[2K${text}`);
  };
  draw(`  ${label.padEnd(42)} ${bar(0)}   0%`);
  return {
    update(progress: LoadProgress) {
      const fraction = progress.total === 0 ? 1 : progress.sent / progress.total;
      const text = `  ${label.padEnd(42)} ${bar(fraction)} ${String(Math.round(fraction * 100)).padStart(3)}%  ok ${progress.ok}  in flight ${progress.inFlight}`;
      if (tty) draw(text);
      else if (Date.now() - lastPlain >= PLAIN_INTERVAL_MS) {
        lastPlain = Date.now();
        process.stdout.write(`${text}\n`);
      }
    },
    /** Replaces the bar with the step's result. */
    done(summary: string) {
      if (tty) process.stdout.write('\r\x1b[2K');
      process.stdout.write(`  ${label.padEnd(42)} ${summary}\n`);
    },
  };
}

const startedAt = performance.now();

/** A scenario heading, with the time since the harness started. */
export function printHeading(text: string): void {
  const elapsed = Math.round((performance.now() - startedAt) / 1000);
  process.stdout.write(`\n▸ ${text}  [${elapsed} s]\n`);
}

import { describe, expect, it } from 'vitest';
import { LoadShedder } from './load-shedder.js';

function blockEventLoop(ms: number): void {
  const until = performance.now() + ms;
  while (performance.now() < until) {
    // Busy-wait on purpose: this is the stall the shedder must notice.
  }
}

describe('LoadShedder', () => {
  it('sheds on the in-flight bound regardless of lag', () => {
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 1_000,
      targetEventLoopDelayMs: 1_000,
      maxInflightRequests: 2,
    });
    try {
      expect(shedder.shouldShed(1)).toBeUndefined();
      expect(shedder.shouldShed(2)).toBe('inflight');
    } finally {
      shedder.close();
    }
  });

  it('sheds after a window in which the event loop stalled, and recovers after a calm one', async () => {
    const samples: number[] = [];
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 100,
      targetEventLoopDelayMs: 10_000,
      maxInflightRequests: 1_000,
      sampleIntervalMs: 60_000,
      onSample: (seconds) => samples.push(seconds),
    });
    try {
      // Let the histogram's timer run once, then stall the loop far past the bound.
      await new Promise((resolve) => setTimeout(resolve, 30));
      blockEventLoop(400);
      // The histogram's own timer records the late tick on the next timers phase.
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(shedder.sample()).toBeGreaterThan(100);
      expect(shedder.shouldShed(0)).toBe('event_loop_lag');
      expect(samples.at(-1)).toBeGreaterThan(0.1);
      // A window with no stall: the reading is only the histogram's own jitter.
      shedder.sample();
      await new Promise((resolve) => setTimeout(resolve, 30));
      const calm = shedder.sample();
      expect(calm).toBeLessThan(100);
      expect(shedder.shouldShed(0)).toBeUndefined();
    } finally {
      shedder.close();
    }
  });

  it('sheds a share of requests that grows while the median delay is above target and shrinks after', () => {
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 10_000,
      targetEventLoopDelayMs: 30,
      maxInflightRequests: 1_000_000,
      sampleIntervalMs: 60_000,
    });
    const refusedOf = (requests: number) =>
      Array.from({ length: requests }, () => shedder.shouldShed(0)).filter(
        (reason) => reason === 'queue_delay',
      ).length;
    try {
      shedder.sample({ median: 2, p99: 8 });
      expect(refusedOf(100)).toBe(0);
      // A GC pause or one slow call moves the p99, not the median: no queue.
      shedder.sample({ median: 3, p99: 180 });
      expect(refusedOf(100)).toBe(0);
      shedder.sample({ median: 45, p99: 90 });
      expect(refusedOf(100)).toBe(10);
      expect(shedder.shedShare).toBe(0.1);
      // Twice the target: two tenths more per window; far behind, three.
      shedder.sample({ median: 60, p99: 120 });
      expect(refusedOf(100)).toBe(30);
      shedder.sample({ median: 400, p99: 500 });
      expect(refusedOf(100)).toBe(60);
      for (let window = 0; window < 20; window++) shedder.sample({ median: 80, p99: 150 });
      // Capped: some requests always get through to measure the recovery.
      expect(refusedOf(100)).toBe(90);
      shedder.sample({ median: 12, p99: 40 });
      expect(refusedOf(100)).toBe(80);
      for (let window = 0; window < 9; window++) shedder.sample({ median: 5, p99: 20 });
      expect(refusedOf(100)).toBe(0);
    } finally {
      shedder.close();
    }
  });

  it('reads a loop whose every turn is long as behind, from its own delay histogram', async () => {
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 10_000,
      targetEventLoopDelayMs: 30,
      maxInflightRequests: 1_000_000,
      sampleIntervalMs: 60_000,
    });
    try {
      shedder.sample();
      // Twelve turns of 60 ms each: the histogram's 10 ms timer fires late on every one.
      for (let turn = 0; turn < 12; turn++) {
        await new Promise((resolve) => setImmediate(resolve));
        blockEventLoop(60);
      }
      await new Promise((resolve) => setTimeout(resolve, 0));
      shedder.sample();
      expect(shedder.shedShare).toBe(0.1);
      expect(shedder.shouldShed(0)).toBeUndefined();
    } finally {
      shedder.close();
    }
  });
});

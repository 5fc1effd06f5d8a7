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
    const shedder = new LoadShedder({ maxEventLoopLagMs: 1_000, maxInflightRequests: 2 });
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

  it('sheds a fraction of requests that grows while the loop stays saturated and shrinks as it recovers', () => {
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 10_000,
      maxInflightRequests: 1_000_000,
      maxEventLoopUtilization: 0.95,
      sampleIntervalMs: 60_000,
    });
    const refusedOf = (requests: number) =>
      Array.from({ length: requests }, () => shedder.shouldShed(0)).filter(
        (reason) => reason === 'utilization',
      ).length;
    try {
      shedder.sample(0.5);
      expect(refusedOf(100)).toBe(0);
      // One busy window alone is a burst, not overload.
      shedder.sample(0.99);
      expect(refusedOf(100)).toBe(0);
      shedder.sample(0.99);
      expect(refusedOf(100)).toBe(10);
      shedder.sample(1);
      shedder.sample(1);
      expect(refusedOf(100)).toBe(30);
      for (let window = 0; window < 20; window++) shedder.sample(1);
      // Capped: some requests always get through to show recovery.
      expect(refusedOf(100)).toBe(90);
      shedder.sample(0.6);
      expect(refusedOf(100)).toBe(80);
      for (let window = 0; window < 9; window++) shedder.sample(0.6);
      expect(refusedOf(100)).toBe(0);
    } finally {
      shedder.close();
    }
  });
});

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

  it('sheds a share proportional to how far the median delay is above target, without winding up', () => {
    const shedder = new LoadShedder({
      maxEventLoopLagMs: 10_000,
      targetEventLoopDelayMs: 30,
      maxInflightRequests: 1_000_000,
      sampleIntervalMs: 60_000,
    });
    const refusedOf = (requests: number) =>
      Array.from({ length: requests }, () => shedder.shouldShed(100)).filter(
        (reason) => reason === 'queue_delay',
      ).length;
    const share = (median: number) => {
      shedder.sample({ median, p99: median * 2 });
      return shedder.shedShare;
    };
    try {
      expect(share(2)).toBe(0);
      // A GC pause or one slow call moves the p99, not the median: no queue.
      shedder.sample({ median: 3, p99: 180 });
      expect(refusedOf(100)).toBe(0);
      // 1.5× the target wants two tenths, 2× three; the refusals are spread evenly.
      expect(share(45)).toBe(0.2);
      expect(refusedOf(100)).toBe(20);
      expect(share(60)).toBe(0.3);
      // Far behind: at most three tenths more per window, capped at nine — some requests always pass.
      expect(share(400)).toBe(0.6);
      expect(share(400)).toBe(0.9);
      expect(share(400)).toBe(0.9);
      expect(refusedOf(100)).toBe(90);
      // Staying behind for a while does not ratchet the share: it follows the delay back down.
      expect(share(60)).toBe(0.6);
      expect(share(60)).toBe(0.3);
      expect(share(60)).toBe(0.3);
      expect(refusedOf(100)).toBe(30);
      // With few requests in flight there is no queue to shorten: nothing is refused.
      expect(Array.from({ length: 100 }, () => shedder.shouldShed(31)).filter(Boolean)).toEqual([]);
      expect(share(12)).toBe(0);
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
      // Turns of ~60 ms are about 50 ms of delay: 1.7× the target, two tenths refused.
      expect(shedder.shedShare).toBe(0.2);
    } finally {
      shedder.close();
    }
  });
});

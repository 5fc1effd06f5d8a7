import { describe, expect, it } from 'vitest';
import { LatencyTracker } from './latency-tracker.js';

describe('LatencyTracker', () => {
  it('keeps an exponentially weighted average of TTFT and tokens/s', () => {
    const tracker = new LatencyTracker({ smoothing: 0.5, staleAfterMs: 60_000 }, () => 0);
    tracker.recordTtft('a', 100, 0);
    tracker.recordTtft('a', 300, 0);
    tracker.recordThroughput('a', 100, 0);
    // 200 ms to the first token, then 50 tokens at 100 tokens/s.
    expect(tracker.expectedMs('a', 50, 0)).toBe(700);
    expect(tracker.snapshot()).toEqual({ a: { ttftMs: 200, tokensPerSecond: 100 } });
  });

  it('knows nothing about an unmeasured deployment, and forgets stale averages', () => {
    const tracker = new LatencyTracker({ smoothing: 0.3, staleAfterMs: 1_000 }, () => 0);
    expect(tracker.expectedMs('a', 10, 0)).toBeUndefined();
    tracker.recordTtft('a', 50, 0);
    expect(tracker.expectedMs('a', 10, 1_000)).toBe(50);
    expect(tracker.expectedMs('a', 10, 1_001)).toBeUndefined();
    // A new sample after the average went stale starts afresh instead of blending with it.
    tracker.recordTtft('a', 500, 2_000);
    expect(tracker.expectedMs('a', 0, 2_000)).toBe(500);
  });

  it('ignores unusable samples', () => {
    const tracker = new LatencyTracker({ smoothing: 0.3, staleAfterMs: 1_000 }, () => 0);
    tracker.recordTtft('a', Number.NaN, 0);
    tracker.recordThroughput('a', 0, 0);
    expect(tracker.snapshot()).toEqual({});
  });
});

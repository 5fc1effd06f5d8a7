import { describe, expect, it } from 'vitest';
import { type BreakerTransition, CircuitBreaker } from './circuit-breaker.js';

const settings = {
  consecutiveFailures: 3,
  failureRate: 0.5,
  minimumCalls: 10,
  windowMs: 10_000,
  openMs: 5_000,
  halfOpenProbes: 1,
};

function breakerWithLog() {
  const transitions: BreakerTransition[] = [];
  const breaker = new CircuitBreaker(settings, (transition) => transitions.push(transition));
  return { breaker, transitions };
}

function fail(breaker: CircuitBreaker, now: number, times = 1): void {
  for (let index = 0; index < times; index++) {
    const permit = breaker.tryAcquire(now);
    if (permit === undefined) throw new Error('refused');
    breaker.recordFailure(permit, now);
  }
}

function succeed(breaker: CircuitBreaker, now: number, times = 1): void {
  for (let index = 0; index < times; index++) {
    const permit = breaker.tryAcquire(now);
    if (permit === undefined) throw new Error('refused');
    breaker.recordSuccess(permit, now);
  }
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, refuses while open, and a success resets the count', () => {
    const { breaker, transitions } = breakerWithLog();
    fail(breaker, 0, 2);
    succeed(breaker, 0);
    fail(breaker, 0, 2);
    expect(breaker.state).toBe('closed');
    fail(breaker, 0);
    expect(breaker.state).toBe('open');
    expect(breaker.tryAcquire(4_999)).toBeUndefined();
    expect(breaker.isAvailable(4_999)).toBe(false);
    expect(transitions).toEqual([{ from: 'closed', to: 'open', reason: '3 consecutive failures' }]);
  });

  it('opens on the failure rate over the window once enough calls were seen', () => {
    const { breaker } = breakerWithLog();
    // Alternating never reaches 3 in a row; the 10th call makes 5 of 10 = 50 %.
    for (let index = 0; index < 9; index++) {
      if (index % 2 === 0) fail(breaker, index * 100);
      else succeed(breaker, index * 100);
    }
    expect(breaker.state).toBe('closed');
    succeed(breaker, 950);
    fail(breaker, 1_000);
    expect(breaker.state).toBe('open');
  });

  it('forgets failures that left the rolling window', () => {
    const { breaker } = breakerWithLog();
    for (let index = 0; index < 5; index++) {
      fail(breaker, index);
      succeed(breaker, index);
    }
    // 20 s later the old calls are gone: 9 successes and 1 failure do not open it.
    succeed(breaker, 20_000, 9);
    fail(breaker, 20_000);
    expect(breaker.state).toBe('closed');
  });

  it('after openMs lets one probe through (half-open); a success closes it', () => {
    const { breaker, transitions } = breakerWithLog();
    fail(breaker, 0, 3);
    const probe = breaker.tryAcquire(5_000);
    expect(probe).toBe('probe');
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire(5_000)).toBeUndefined();
    breaker.recordSuccess('probe', 5_001);
    expect(breaker.state).toBe('closed');
    expect(transitions.map((transition) => transition.to)).toEqual(['open', 'half-open', 'closed']);
  });

  it('a failed probe opens it again for another openMs', () => {
    const { breaker } = breakerWithLog();
    fail(breaker, 0, 3);
    breaker.recordFailure(breaker.tryAcquire(5_000) ?? 'call', 5_000);
    expect(breaker.state).toBe('open');
    expect(breaker.reopensAt).toBe(10_000);
    expect(breaker.tryAcquire(9_999)).toBeUndefined();
    expect(breaker.tryAcquire(10_000)).toBe('probe');
  });

  it('a neutral outcome (429, client gone) frees the probe slot without deciding', () => {
    const { breaker } = breakerWithLog();
    fail(breaker, 0, 3);
    breaker.recordNeutral(breaker.tryAcquire(5_000) ?? 'call');
    expect(breaker.state).toBe('half-open');
    expect(breaker.tryAcquire(5_000)).toBe('probe');
  });
});

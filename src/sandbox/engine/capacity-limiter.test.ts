import { describe, expect, it } from 'vitest';
import { CapacityLimiter } from './capacity-limiter.js';
import { formatGoDuration } from './go-duration.js';

const T0 = 1_700_000_000_000;

describe('CapacityLimiter', () => {
  it('admits up to the RPM limit, then refuses with a retry-after until the oldest request leaves', () => {
    const limiter = new CapacityLimiter();
    expect(limiter.admit('m', { rpm: 2 }, 10, T0).allowed).toBe(true);
    const second = limiter.admit('m', { rpm: 2 }, 10, T0 + 10_000);
    expect(second).toMatchObject({ allowed: true, remainingRequests: 0, usedRequests: 1 });
    const refused = limiter.admit('m', { rpm: 2 }, 10, T0 + 20_000);
    expect(refused).toMatchObject({ allowed: false, exceeded: 'requests', usedRequests: 2 });
    expect(refused.retryAfterMs).toBe(40_000);
    expect(limiter.admit('m', { rpm: 2 }, 10, T0 + 60_000).allowed).toBe(true);
  });

  it('charges tokens against TPM and does not count refused requests', () => {
    const limiter = new CapacityLimiter();
    expect(limiter.admit('d', { tpm: 1000 }, 700, T0).allowed).toBe(true);
    const refused = limiter.admit('d', { tpm: 1000 }, 400, T0 + 1000);
    expect(refused).toMatchObject({
      allowed: false,
      exceeded: 'tokens',
      usedTokens: 700,
      remainingTokens: 300,
    });
    expect(limiter.admit('d', { tpm: 1000 }, 300, T0 + 2000)).toMatchObject({
      allowed: true,
      remainingTokens: 0,
    });
  });

  it('flags a request larger than the whole TPM limit as too large', () => {
    const decision = new CapacityLimiter().admit('d', { tpm: 100 }, 101, T0);
    expect(decision).toMatchObject({ allowed: false, tooLarge: true, exceeded: 'tokens' });
  });

  it('keeps keys apart and treats absent limits as unlimited', () => {
    const limiter = new CapacityLimiter();
    expect(limiter.admit('a', { rpm: 1 }, 1, T0).allowed).toBe(true);
    expect(limiter.admit('b', { rpm: 1 }, 1, T0).allowed).toBe(true);
    for (let index = 0; index < 100; index++) expect(limiter.admit('c', {}, 1e6, T0).allowed).toBe(true);
  });
});

describe('formatGoDuration', () => {
  it('formats like Go time.Duration', () => {
    expect(formatGoDuration(0)).toBe('0s');
    expect(formatGoDuration(6)).toBe('6ms');
    expect(formatGoDuration(1000)).toBe('1s');
    expect(formatGoDuration(1200)).toBe('1.2s');
    expect(formatGoDuration(360_000)).toBe('6m0s');
    expect(formatGoDuration(3_723_500)).toBe('1h2m3.5s');
  });
});

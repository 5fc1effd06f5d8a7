import { describe, expect, it } from 'vitest';
import { backoffDelayMs, retryDelayMs } from './backoff.js';

const settings = { baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 1_000 };

describe('backoffDelayMs', () => {
  it('doubles the ceiling per retry and caps it', () => {
    const ceilings = [1, 2, 3, 4, 5, 6].map((retry) => backoffDelayMs(retry, settings, () => 0.999_999));
    expect(ceilings).toEqual([199, 399, 799, 1_599, 1_999, 1_999]);
  });

  it('draws uniformly from zero (full jitter)', () => {
    expect(backoffDelayMs(3, settings, () => 0)).toBe(0);
    expect(backoffDelayMs(3, settings, () => 0.5)).toBe(400);
  });
});

describe('retryDelayMs', () => {
  it('waits at least the retry-after hint when it is within the bound', () => {
    expect(retryDelayMs(1, 750, settings, () => 0.1)).toBe(750);
    expect(retryDelayMs(4, 10, settings, () => 0.5)).toBe(800);
  });

  it('refuses to wait for a hint longer than the bound', () => {
    expect(retryDelayMs(1, 1_001, settings, () => 0.5)).toBeUndefined();
  });

  it('without a hint, is the backoff draw', () => {
    expect(retryDelayMs(2, undefined, settings, () => 0.25)).toBe(100);
  });
});

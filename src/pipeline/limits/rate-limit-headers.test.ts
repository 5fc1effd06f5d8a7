import { describe, expect, it } from 'vitest';
import { emptyCounters } from '../../limits/limit-store.js';
import { formatResetDuration, rateLimitHeaders } from './rate-limit-headers.js';

describe('rate-limit headers', () => {
  it('formats durations the way OpenAI does', () => {
    expect(formatResetDuration(0)).toBe('0ms');
    expect(formatResetDuration(250.2)).toBe('251ms');
    expect(formatResetDuration(1_500)).toBe('1.5s');
    expect(formatResetDuration(59_000)).toBe('59s');
    expect(formatResetDuration(360_000)).toBe('6m0s');
    expect(formatResetDuration(119_000)).toBe('1m59s');
  });

  it('sends the request and token headers only for the limits the key has', () => {
    const counters = {
      ...emptyCounters(),
      requests: { current: 2, previous: 6 },
      tokens: { current: 500, previous: 0 },
    };
    const halfWay = Date.UTC(2030, 0, 1, 0, 0, 30);
    expect(rateLimitHeaders({ rpm: 10 }, counters, halfWay)).toEqual({
      'x-ratelimit-limit-requests': '10',
      'x-ratelimit-remaining-requests': '5',
      'x-ratelimit-reset-requests': '1m30s',
    });
    expect(rateLimitHeaders({ tpm: 2_000 }, counters, halfWay)).toEqual({
      'x-ratelimit-limit-tokens': '2000',
      'x-ratelimit-remaining-tokens': '1500',
      'x-ratelimit-reset-tokens': '1m30s',
    });
    expect(rateLimitHeaders({ concurrency: 3 }, counters, halfWay)).toEqual({});
  });
});

import { describe, expect, it } from 'vitest';
import { emptyCounters, type LimitDecision, type ScopeLimits } from '../../limits/limit-store.js';
import { limitRejection, requestTooLargeForTpm } from './limit-rejection.js';

const NOW = Date.UTC(2030, 0, 15, 18, 0, 15);
const scope = (limits: ScopeLimits) => [{ id: 'key:k', limits }];

function refused(
  dimension: NonNullable<LimitDecision['rejection']>['dimension'],
  counters = emptyCounters(),
): LimitDecision {
  return { allowed: false, rejection: { scopeIndex: 0, dimension }, counters: [counters], now: NOW };
}

describe('limitRejection', () => {
  it('is a retryable rate_limited with the wait the window needs', () => {
    const counters = { ...emptyCounters(), tokens: { current: 900, previous: 0 } };
    const error = limitRejection(refused('tokens', counters), scope({ tpm: 1_000 }), { tokens: 200 }, [
      'key `team-a`',
    ]);
    expect(error.code).toBe('rate_limited');
    expect(error.status).toBe(429);
    expect(error.isRetryable).toBe(true);
    expect(error.details).toEqual({ limit: 'tokens' });
    // Next minute in 45 s, then 900 × (1 − f) + 200 ≤ 1000 once f ≥ 1/9: 6.667 s more.
    expect(error.retryAfterMs).toBe(45_000 + 6_667);
    expect(error.message).toBe(
      'Rate limit reached for tokens per minute (TPM) on key `team-a` (limit 1000, requested 200). Please try again in 52s.',
    );
  });

  it('suggests a short wait for concurrency, which frees when another request ends', () => {
    const error = limitRejection(
      refused('concurrency', { ...emptyCounters(), concurrent: 2 }),
      scope({ concurrency: 2 }),
      { tokens: 1 },
      ['key `k`'],
    );
    expect(error.retryAfterMs).toBe(1_000);
    expect(error.details).toEqual({ limit: 'concurrency' });
    expect(error.message).toMatch(/concurrent requests on key `k` \(2 in flight, limit 2\)/);
  });

  it('is a non-retryable budget_exceeded until the next UTC day or month', () => {
    const day = limitRejection(refused('budget-day'), scope({}), { tokens: 1 }, ['key `k`']);
    expect(day.code).toBe('budget_exceeded');
    expect(day.isRetryable).toBe(false);
    expect(day.retryAfterMs).toBe(6 * 3_600_000 - 15_000);
    expect(day.details).toEqual({ limit: 'budget', period: 'day' });
    const month = limitRejection(refused('budget-month'), scope({}), { tokens: 1 }, ['key `k`']);
    expect(month.retryAfterMs).toBe(Date.UTC(2030, 1, 1) - NOW);
  });

  it('names the scope that refused: a team budget names the team', () => {
    const counters = emptyCounters();
    const decision = {
      ...refused('budget-month'),
      rejection: { scopeIndex: 1, dimension: 'budget-month' as const },
      counters: [counters, counters],
    };
    const scopes = [...scope({ rpm: 5 }), { id: 'team:t1', limits: {} }];
    const error = limitRejection(decision, scopes, { tokens: 1 }, ['key `k`', 'team `search`']);
    expect(error.message).toMatch(/^The monthly budget \(USD\) of team `search` is spent\./);
  });

  it('says a request too large for the TPM limit can never pass (no retry-after)', () => {
    const error = requestTooLargeForTpm(5_000, 1_000, 'key `k`');
    expect(error.code).toBe('rate_limited');
    expect(error.isRetryable).toBe(false);
    expect(error.retryAfterMs).toBeUndefined();
  });
});

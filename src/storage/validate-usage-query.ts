import type { UsageGroupBy, UsageQuery, UsageSummaryQuery } from './types.js';

const groupings: readonly UsageGroupBy[] = ['team', 'key', 'model', 'provider', 'day'];

/**
 * Rejects a query no backend could answer the same way, so every backend fails alike instead of one
 * treating `limit: -1` as "no limit" and another as an error.
 *
 * @example
 * validateUsageQuery({ limit: 50, offset: 100 }); // ok
 * validateUsageQuery({ limit: 1.5 }); // throws RangeError
 */
export function validateUsageQuery(query: UsageQuery): void {
  for (const [field, value] of [
    ['limit', query.limit],
    ['offset', query.offset],
  ] as const) {
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) {
      throw new RangeError(`usage query ${field} must be a non-negative integer, got ${value}`);
    }
  }
  for (const [field, value] of [
    ['since', query.since],
    ['until', query.until],
  ] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new RangeError(`usage query ${field} must be a finite number, got ${value}`);
    }
  }
}

/**
 * `validateUsageQuery` plus a known `by`.
 *
 * @example
 * validateUsageSummaryQuery({ by: 'team', since: 0 }); // ok
 * validateUsageSummaryQuery({ by: 'week' as UsageGroupBy }); // throws RangeError
 */
export function validateUsageSummaryQuery(query: UsageSummaryQuery): void {
  if (!groupings.includes(query.by)) {
    throw new RangeError(`usage summary by must be one of ${groupings.join(', ')}, got ${String(query.by)}`);
  }
  validateUsageQuery(query);
}

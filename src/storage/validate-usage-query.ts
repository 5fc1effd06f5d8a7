import type { UsageQuery } from './types.js';

/**
 * Rejects a query no backend could answer the same way, so every backend fails alike instead of one
 * treating `limit: -1` as "no limit" and another as an error.
 *
 * @example
 * validateUsageQuery({ limit: 50 }); // ok
 * validateUsageQuery({ limit: 1.5 }); // throws RangeError
 */
export function validateUsageQuery(query: UsageQuery): void {
  const { limit, since, until } = query;
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw new RangeError(`usage query limit must be a non-negative integer, got ${limit}`);
  }
  for (const [field, value] of [
    ['since', since],
    ['until', until],
  ] as const) {
    if (value !== undefined && !Number.isFinite(value)) {
      throw new RangeError(`usage query ${field} must be a finite number, got ${value}`);
    }
  }
}

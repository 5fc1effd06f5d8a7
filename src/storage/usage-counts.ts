/** The additive counters of a usage summary row (everything but the group and the cost). */
export const USAGE_COUNT_FIELDS = [
  'requests',
  'succeeded',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
] as const;

export type UsageCounts = Record<(typeof USAGE_COUNT_FIELDS)[number], number>;

/** @example const totals = emptyUsageCounts(); // every counter 0 */
export function emptyUsageCounts(): UsageCounts {
  return {
    requests: 0,
    succeeded: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
  };
}

/**
 * Adds `source`'s counters into `target`.
 *
 * @example addUsageCounts(totals, row);
 */
export function addUsageCounts(target: UsageCounts, source: UsageCounts): void {
  for (const field of USAGE_COUNT_FIELDS) target[field] += source[field];
}

/**
 * A stored USD amount as integer nano-dollars. Costs are computed in nano-dollars and divided by
 * 1e9, so rounding recovers the exact integer: sums of these are exact where float sums drift.
 *
 * @example toNanoUsd(0.1) // 100000000
 */
export function toNanoUsd(usd: number): number {
  return Math.round(usd * 1e9);
}

import type { Budget, PolicyFields, RateLimits } from '../storage/types.js';

/** `60 rpm, 100000 tpm, 4 concurrent`, or `-` when no limit is set. */
export function describeLimits(limits: RateLimits): string {
  const parts = [
    limits.rpm === undefined ? undefined : `${limits.rpm} rpm`,
    limits.tpm === undefined ? undefined : `${limits.tpm} tpm`,
    limits.concurrency === undefined ? undefined : `${limits.concurrency} concurrent`,
  ].filter((part) => part !== undefined);
  return parts.length === 0 ? '-' : parts.join(', ');
}

/** `$5/day, $100/month (alert)`, or `-` when no budget is set. */
export function describeBudget(budget: Budget): string {
  const parts = [
    budget.usdPerDay === undefined ? undefined : `$${budget.usdPerDay}/day`,
    budget.usdPerMonth === undefined ? undefined : `$${budget.usdPerMonth}/month`,
  ].filter((part) => part !== undefined);
  if (parts.length === 0) return '-';
  return `${parts.join(', ')}${budget.mode === 'alert' ? ' (alert)' : ''}`;
}

/** `cost-centre=4711,owner=ml`, or `-`. */
export function describeTags(tags: Record<string, string>): string {
  const entries = Object.entries(tags);
  return entries.length === 0 ? '-' : entries.map(([key, value]) => `${key}=${value}`).join(',');
}

/**
 * A policy as the cells `MODELS, PROCESSING, LIMITS, BUDGET, TAGS` of a list table.
 *
 * @example
 * describePolicy({ models: null, processing: ['eu'], limits: { rpm: 60 }, budget: {}, tags: {} });
 * // ['all', 'eu', '60 rpm', '-', '-']
 */
export function describePolicy(policy: PolicyFields): string[] {
  return [
    policy.models?.join(',') ?? 'all',
    policy.processing?.join(',') ?? 'any',
    describeLimits(policy.limits),
    describeBudget(policy.budget),
    describeTags(policy.tags),
  ];
}

/** Epoch ms as `YYYY-MM-DD HH:MM:SS` (UTC), or `-`. */
export function formatTimestamp(epochMs: number | null): string {
  return epochMs === null ? '-' : new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

import type { ScopeCounters, ScopeLimits } from '../../limits/limit-store.js';
import {
  msUntilEmpty,
  remainingInWindow,
  type WindowCounts,
  type WindowPosition,
  windowPosition,
} from '../../limits/sliding-window.js';

/**
 * A duration the way OpenAI writes it in `x-ratelimit-reset-*`: `250ms`, `1.5s`, `6m0s`.
 *
 * @example
 * formatResetDuration(360_000) // '6m0s'
 */
export function formatResetDuration(ms: number): string {
  const rounded = Math.max(0, Math.ceil(ms));
  if (rounded < 1_000) return `${rounded}ms`;
  if (rounded < 60_000) return `${Number((rounded / 1_000).toFixed(3))}s`;
  const minutes = Math.floor(rounded / 60_000);
  const seconds = Math.floor((rounded % 60_000) / 1_000);
  return `${minutes}m${seconds}s`;
}

/**
 * The OpenAI-style rate-limit headers for the limits a key has (RPM → `…-requests`, TPM →
 * `…-tokens`): the limit, what is left under the sliding estimate, and the time until the window is
 * back to its initial state. Sent on successes and on 429s, in every dialect.
 *
 * @example
 * rateLimitHeaders({ rpm: 60 }, counters, Date.now())
 * // { 'x-ratelimit-limit-requests': '60', 'x-ratelimit-remaining-requests': '59', 'x-ratelimit-reset-requests': '1m12s' }
 */
export function rateLimitHeaders(
  limits: ScopeLimits,
  counters: ScopeCounters,
  now: number,
): Record<string, string> {
  const position = windowPosition(now);
  const headers: Record<string, string> = {};
  if (limits.rpm !== undefined) setHeaders(headers, REQUESTS, limits.rpm, counters.requests, position);
  if (limits.tpm !== undefined) setHeaders(headers, TOKENS, limits.tpm, counters.tokens, position);
  return headers;
}

interface HeaderNames {
  limit: string;
  remaining: string;
  reset: string;
}

const REQUESTS: HeaderNames = {
  limit: 'x-ratelimit-limit-requests',
  remaining: 'x-ratelimit-remaining-requests',
  reset: 'x-ratelimit-reset-requests',
};
const TOKENS: HeaderNames = {
  limit: 'x-ratelimit-limit-tokens',
  remaining: 'x-ratelimit-remaining-tokens',
  reset: 'x-ratelimit-reset-tokens',
};

function setHeaders(
  headers: Record<string, string>,
  names: HeaderNames,
  limit: number,
  counts: WindowCounts,
  position: WindowPosition,
): void {
  headers[names.limit] = String(limit);
  headers[names.remaining] = String(remainingInWindow(counts, position.elapsedFraction, limit));
  headers[names.reset] = formatResetDuration(msUntilEmpty(counts, position.elapsedMs));
}

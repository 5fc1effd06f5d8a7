import { GatewayError } from '../../core/gateway-error.js';
import { msUntilPeriodEnd } from '../../limits/budget-periods.js';
import type { LimitDecision, LimitDimension, LimitScope } from '../../limits/limit-store.js';
import { msUntilFits, windowPosition } from '../../limits/sliding-window.js';

/** Concurrency frees up when some other request ends, which nobody can predict: suggest a short wait. */
const CONCURRENCY_RETRY_MS = 1_000;

const DESCRIPTIONS: Record<LimitDimension, string> = {
  requests: 'requests per minute (RPM)',
  tokens: 'tokens per minute (TPM)',
  concurrency: 'concurrent requests',
  'budget-day': 'daily budget (USD)',
  'budget-month': 'monthly budget (USD)',
};

function formatSeconds(ms: number): string {
  return `${Math.max(1, Math.ceil(ms / 1_000))}s`;
}

/**
 * The 429 for a refused acquire: `rate_limited` (retryable, with `retry-after` computed from the
 * window) or `budget_exceeded` (not retryable until the UTC day or month ends). `details.limit` is
 * `requests`/`tokens`/`concurrency`/`budget`, which dialects use for their error types.
 *
 * @example
 * throw limitRejection(decision, [scope], { tokens: 1200 }, ['key `team-a`']);
 */
export function limitRejection(
  decision: LimitDecision,
  scopes: readonly LimitScope[],
  cost: { tokens: number },
  /** Who each scope belongs to, for the message: ``key `ci` ``, ``team `search` ``. */
  owners: readonly string[],
): GatewayError {
  const rejection = decision.rejection;
  const counters = decision.counters[rejection?.scopeIndex ?? 0];
  const limits = scopes[rejection?.scopeIndex ?? 0]?.limits;
  if (rejection === undefined || counters === undefined || limits === undefined) {
    throw new Error('limitRejection needs a refusal of one of the scopes');
  }
  const { dimension } = rejection;
  const owner = owners[rejection.scopeIndex] ?? 'this key';
  const what = DESCRIPTIONS[dimension];
  if (dimension === 'budget-day' || dimension === 'budget-month') {
    const period = dimension === 'budget-day' ? 'day' : 'month';
    const retryAfterMs = msUntilPeriodEnd(period, decision.now);
    return new GatewayError(
      'budget_exceeded',
      `The ${what} of ${owner} is spent. It resets at the start of the next UTC ${period}.`,
      { retryAfterMs, details: { limit: 'budget', period } },
    );
  }
  const position = windowPosition(decision.now);
  let retryAfterMs = CONCURRENCY_RETRY_MS;
  let usage = `${counters.concurrent} in flight, limit ${limits.concurrency}`;
  if (dimension === 'requests' || dimension === 'tokens') {
    const limit = (dimension === 'requests' ? limits.rpm : limits.tpm) ?? 0;
    const counts = dimension === 'requests' ? counters.requests : counters.tokens;
    const requested = dimension === 'requests' ? 1 : cost.tokens;
    retryAfterMs = msUntilFits(counts, position.elapsedMs, requested, limit);
    usage = `limit ${limit}, requested ${requested}`;
  }
  return new GatewayError(
    'rate_limited',
    `Rate limit reached for ${what} on ${owner} (${usage}). Please try again in ${formatSeconds(retryAfterMs)}.`,
    { isRetryable: true, retryAfterMs, details: { limit: dimension } },
  );
}

/**
 * A request whose estimate alone exceeds the key's TPM can never pass: say so instead of "retry".
 *
 * @example throw requestTooLargeForTpm(5_000, 1_000, 'key `team-a`');
 */
export function requestTooLargeForTpm(tokens: number, tpm: number, owner: string): GatewayError {
  return new GatewayError(
    'rate_limited',
    `Request too large for tokens per minute (TPM) on ${owner}: limit ${tpm}, requested about ${tokens} ` +
      '(prompt estimate + max output tokens). Lower max_tokens or shorten the prompt.',
    { details: { limit: 'tokens' } },
  );
}

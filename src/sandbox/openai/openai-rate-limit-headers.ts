import type { OutgoingHttpHeaders } from 'node:http';
import type { CapacityDecision, CapacityLimits } from '../engine/capacity-limiter.js';
import { formatGoDuration } from '../engine/go-duration.js';

// Shown (not enforced) when a model has no configured capacity: tier-5 gpt-4o figures.
const NOMINAL_RPM = 10_000;
const NOMINAL_TPM = 30_000_000;

/**
 * The OpenAI-side rate-limit headers: limits, what is left after this request (if admitted), and the
 * Go-style time until fully replenished. Unlimited targets show tier-5 figures (not enforced).
 */
export function openAIRateLimitHeaders(
  limits: CapacityLimits,
  decision: CapacityDecision,
): OutgoingHttpHeaders {
  const limitRequests = limits.rpm ?? NOMINAL_RPM;
  const limitTokens = limits.tpm ?? NOMINAL_TPM;
  const usedRequests = decision.usedRequests + (decision.allowed ? 1 : 0);
  const usedTokens = decision.usedTokens + (decision.allowed ? decision.tokenCost : 0);
  const remainingRequests = Math.max(0, limitRequests - usedRequests);
  const remainingTokens = Math.max(0, limitTokens - usedTokens);
  return {
    'x-ratelimit-limit-requests': String(limitRequests),
    'x-ratelimit-limit-tokens': String(limitTokens),
    'x-ratelimit-remaining-requests': String(remainingRequests),
    'x-ratelimit-remaining-tokens': String(remainingTokens),
    // The API replenishes continuously at limit/minute, so "reset" is the time to refill what was used.
    'x-ratelimit-reset-requests': formatGoDuration(
      ((limitRequests - remainingRequests) * 60_000) / limitRequests,
    ),
    'x-ratelimit-reset-tokens': formatGoDuration(((limitTokens - remainingTokens) * 60_000) / limitTokens),
  };
}

import type { OutgoingHttpHeaders } from 'node:http';
import type { CapacityDecision, CapacityLimiter } from '../engine/capacity-limiter.js';
import {
  anthropicError,
  type ErrorResponse,
  rateLimitMessage,
  retryAfterHeader,
  vertexQuotaError,
} from './anthropic-error-response.js';
import type { AnthropicCapacity } from './anthropic-sandbox-options.js';

// Shown (not enforced) when a model has no configured capacity: tier-4 Claude Sonnet figures.
const NOMINAL = { rpm: 4_000, inputTpm: 2_000_000, outputTpm: 400_000 } as const;

/** An error already rendered for the wire (rate limits carry their own headers). */
export class RenderedError extends Error {
  constructor(readonly response: ErrorResponse) {
    super(`HTTP ${response.status}`);
    this.name = 'RenderedError';
  }
}

export interface CapacityRequest {
  limiter: CapacityLimiter;
  /** Capacity window key prefix: one organization per sandbox, one window per model. */
  key: string;
  limits: AnthropicCapacity;
  /** Uncached input tokens: cache reads do not count against the input limit. */
  inputTokens: number;
  /** `max_tokens`, charged against the output limit at admission. */
  maxTokens: number;
  model: string;
  organizationId: string;
  surface: 'api' | 'vertex';
  requestId: string;
}

/** RFC 3339 without fractions, as the API writes `anthropic-ratelimit-*-reset`. */
function resetAt(used: number, limit: number, now: number): string {
  const refillMs = limit > 0 ? (Math.min(used, limit) / limit) * 60_000 : 0;
  return new Date(now + refillMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function windowHeaders(
  name: string,
  limit: number,
  decision: CapacityDecision | undefined,
  now: number,
): OutgoingHttpHeaders {
  const used = decision === undefined ? 0 : decision.usedTokens + (decision.allowed ? decision.tokenCost : 0);
  return {
    [`anthropic-ratelimit-${name}-limit`]: String(limit),
    [`anthropic-ratelimit-${name}-remaining`]: String(Math.max(0, limit - used)),
    [`anthropic-ratelimit-${name}-reset`]: resetAt(used, limit, now),
  };
}

function rateLimitHeaders(
  limits: AnthropicCapacity,
  input: CapacityDecision,
  output: CapacityDecision | undefined,
  now: number,
): OutgoingHttpHeaders {
  const rpm = limits.rpm ?? NOMINAL.rpm;
  const usedRequests = input.usedRequests + (input.allowed ? 1 : 0);
  const inputHeaders = windowHeaders('input-tokens', limits.inputTpm ?? NOMINAL.inputTpm, input, now);
  const outputHeaders = windowHeaders('output-tokens', limits.outputTpm ?? NOMINAL.outputTpm, output, now);
  const inputLeft = Number(inputHeaders['anthropic-ratelimit-input-tokens-remaining']);
  const outputLeft = Number(outputHeaders['anthropic-ratelimit-output-tokens-remaining']);
  // `tokens-*` mirror whichever token limit is closest to running out.
  const tighter = inputLeft <= outputLeft ? 'input-tokens' : 'output-tokens';
  const source = tighter === 'input-tokens' ? inputHeaders : outputHeaders;
  return {
    'anthropic-ratelimit-requests-limit': String(rpm),
    'anthropic-ratelimit-requests-remaining': String(Math.max(0, rpm - usedRequests)),
    'anthropic-ratelimit-requests-reset': resetAt(usedRequests, rpm, now),
    ...inputHeaders,
    ...outputHeaders,
    'anthropic-ratelimit-tokens-limit': source[`anthropic-ratelimit-${tighter}-limit`],
    'anthropic-ratelimit-tokens-remaining': source[`anthropic-ratelimit-${tighter}-remaining`],
    'anthropic-ratelimit-tokens-reset': source[`anthropic-ratelimit-${tighter}-reset`],
  };
}

function refuse(
  request: CapacityRequest,
  decision: CapacityDecision,
  unit: string,
  limit: number,
  headers: OutgoingHttpHeaders,
): never {
  if (request.surface === 'vertex') throw new RenderedError(vertexQuotaError(request.model));
  const message = rateLimitMessage(limit, unit, request.organizationId, request.model);
  throw new RenderedError({
    ...anthropicError(429, 'rate_limit_error', message, request.requestId),
    headers: { ...headers, ...retryAfterHeader(decision.retryAfterMs) },
  });
}

/**
 * Admits one request against requests/min and input tokens/min, then output tokens/min (charged with
 * `max_tokens`, as the API estimates it). Returns the `anthropic-ratelimit-*` headers for the answer,
 * or throws the 429 the API (or Vertex) would send.
 * @example const headers = admitAnthropicCapacity({ limiter, key: 'api|claude-3-7-sonnet-20250219', limits: { rpm: 50 }, inputTokens: 900, maxTokens: 1024, model, organizationId, surface: 'api', requestId });
 */
export function admitAnthropicCapacity(
  request: CapacityRequest,
  now: number = Date.now(),
): OutgoingHttpHeaders {
  const { limiter, limits } = request;
  const input = limiter.admit(
    `${request.key}|input`,
    { rpm: limits.rpm, tpm: limits.inputTpm },
    request.inputTokens,
    now,
  );
  if (!input.allowed) {
    const headers = rateLimitHeaders(limits, input, undefined, now);
    if (input.exceeded === 'requests') refuse(request, input, 'requests', limits.rpm ?? 0, headers);
    refuse(request, input, 'input tokens', limits.inputTpm ?? 0, headers);
  }
  const output = limiter.admit(`${request.key}|output`, { tpm: limits.outputTpm }, request.maxTokens, now);
  const headers = rateLimitHeaders(limits, input, output, now);
  if (!output.allowed) refuse(request, output, 'output tokens', limits.outputTpm ?? 0, headers);
  return request.surface === 'vertex' ? {} : headers;
}

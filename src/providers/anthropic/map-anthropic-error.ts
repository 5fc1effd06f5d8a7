import type { GatewayErrorCode } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { truncate } from '../openai-compatible/map-openai-error.js';
import { parseRetryAfter, type ResponseHeaders } from '../openai-compatible/parse-retry-after.js';
import { type AnthropicErrorObject, anthropicErrorObjectSchema } from './anthropic-api-schemas.js';

const RATE_LIMIT_WINDOWS = ['requests', 'tokens', 'input-tokens', 'output-tokens'] as const;

/** The gateway code an Anthropic `error.type` implies, whatever the status (or mid-stream, none). */
const CODE_FOR_TYPE: Partial<Record<string, GatewayErrorCode>> = {
  overloaded_error: 'upstream_unavailable',
  rate_limit_error: 'upstream_rate_limited',
  api_error: 'upstream_error',
  timeout_error: 'upstream_timeout',
};

function header(headers: ResponseHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * When a 429 carries no `retry-after`, the `anthropic-ratelimit-*-reset` timestamps say when capacity
 * returns: the latest reset among the exhausted windows (all must refill), else the earliest reset.
 *
 * @example rateLimitResetMs({ 'anthropic-ratelimit-requests-remaining': '0', 'anthropic-ratelimit-requests-reset': '2030-01-01T00:00:00Z' })
 */
export function rateLimitResetMs(headers: ResponseHeaders, now: number = Date.now()): number | undefined {
  const exhausted: number[] = [];
  const all: number[] = [];
  for (const window of RATE_LIMIT_WINDOWS) {
    const reset = Date.parse(header(headers, `anthropic-ratelimit-${window}-reset`) ?? '');
    if (Number.isNaN(reset)) continue;
    const wait = Math.max(0, reset - now);
    all.push(wait);
    if (header(headers, `anthropic-ratelimit-${window}-remaining`) === '0') exhausted.push(wait);
  }
  if (exhausted.length > 0) return Math.max(...exhausted);
  return all.length > 0 ? Math.min(...all) : undefined;
}

/** Reads `{type:'error', error:{type, message}}` or Vertex's `{error:{code, message, status}}`. */
export function parseAnthropicErrorBody(bodyText: string): AnthropicErrorObject | undefined {
  const parsed = safeParseJson(bodyText);
  if (!parsed.success || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const result = anthropicErrorObjectSchema.safeParse((parsed.value as { error?: unknown }).error);
  return result.success ? result.data : undefined;
}

function codeFor(
  status: number | undefined,
  error: AnthropicErrorObject | undefined,
): GatewayErrorCode | undefined {
  const byType = error?.type == null ? undefined : CODE_FOR_TYPE[error.type];
  if (byType !== undefined) return byType;
  if (status === 400 && /prompt is too long|exceed context limit/i.test(error?.message ?? '')) {
    return 'context_length_exceeded';
  }
  return undefined;
}

function details(error: AnthropicErrorObject | undefined, requestId: string | undefined) {
  const upstreamType = error?.type ?? error?.status ?? undefined;
  if (upstreamType == null && requestId === undefined) return undefined;
  return {
    ...(upstreamType == null ? {} : { upstreamType }),
    ...(requestId === undefined ? {} : { upstreamRequestId: requestId }),
  };
}

/**
 * Turns a non-2xx Messages response into an `UpstreamError`: the status drives the code and
 * `isRetryable` (529 `overloaded_error` is retryable), `retry-after` or the rate-limit reset headers
 * become `retryAfterMs`, and the upstream's message is kept except for auth failures.
 *
 * @example throw mapAnthropicError({ url, status: 529, headers, bodyText });
 */
export function mapAnthropicError(response: {
  url: string;
  status: number;
  headers: ResponseHeaders;
  bodyText: string;
}): UpstreamError {
  const { status, headers } = response;
  const error = parseAnthropicErrorBody(response.bodyText);
  const isAuthFailure = status === 401 || status === 403;
  const message = isAuthFailure
    ? `The upstream rejected the gateway's credentials (HTTP ${status}).`
    : (error?.message ?? `The upstream answered HTTP ${status}.`);
  return new UpstreamError(message, {
    url: response.url,
    statusCode: status,
    code: codeFor(status, error),
    responseBody: truncate(response.bodyText),
    retryAfterMs: parseRetryAfter(headers) ?? (status === 429 ? rateLimitResetMs(headers) : undefined),
    details: details(error, header(headers, 'request-id')),
  });
}

/**
 * An `error` event inside a 200 stream. Without a status it is retryable; `overloaded_error` maps to
 * `upstream_unavailable`, like the 529 it stands for.
 *
 * @example mapAnthropicStreamError(url, { type: 'overloaded_error', message: 'Overloaded' }).code // 'upstream_unavailable'
 */
export function mapAnthropicStreamError(
  url: string,
  error: AnthropicErrorObject | null | undefined,
): UpstreamError {
  return new UpstreamError(error?.message ?? 'The upstream reported an error mid-stream.', {
    url,
    statusCode: undefined,
    code: codeFor(undefined, error ?? undefined) ?? 'upstream_error',
    responseBody: truncate(JSON.stringify(error ?? {})),
    details: details(error ?? undefined, undefined),
  });
}

import type { GatewayErrorCode } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { truncate } from '../openai-compatible/map-openai-error.js';
import { parseRetryAfter, type ResponseHeaders } from '../openai-compatible/parse-retry-after.js';
import { type GoogleError, googleErrorSchema } from './gemini-api-schemas.js';

const CONTEXT_TOO_LONG = /input token count.*exceeds the maximum|exceeds the maximum number of tokens/i;

/**
 * Turns a non-2xx Gemini API or Vertex AI response (a `google.rpc.Status` envelope, or an array of
 * one from the array-streaming form) into an `UpstreamError`. The status drives code and
 * `isRetryable`; `RetryInfo.retryDelay` (`"37s"`), else a `retry-after` header, becomes
 * `retryAfterMs`. The Gemini API reports a bad key as 400 `API_KEY_INVALID`: that is the gateway's
 * credential, so it maps to `upstream_auth_failed`, not to a client error.
 *
 * @example
 * mapGeminiError({ url, status: 429, headers: {}, bodyText: '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}' });
 */
export function mapGeminiError(response: {
  url: string;
  status: number;
  headers: ResponseHeaders;
  bodyText: string;
}): UpstreamError {
  const error = parseGoogleErrorBody(response.bodyText);
  return toUpstreamError(
    response.url,
    response.status,
    error,
    response.bodyText,
    parseRetryAfter(response.headers),
  );
}

/**
 * An `{"error": …}` object inside a 200 stream. Its own `code` (when an HTTP status) picks the gateway
 * code; with none it is an `upstream_error`.
 *
 * @example
 * mapGeminiEmbeddedError(url, { code: 503, message: 'The model is overloaded.', status: 'UNAVAILABLE' });
 */
export function mapGeminiEmbeddedError(url: string, error: GoogleError): UpstreamError {
  const status =
    typeof error.code === 'number' && error.code >= 400 && error.code < 600 ? error.code : undefined;
  const mapped = toUpstreamError(url, status, error, JSON.stringify(error), undefined);
  if (status !== undefined) return mapped;
  return new UpstreamError(error.message ?? 'The upstream reported an error mid-stream.', {
    url,
    statusCode: undefined,
    code: 'upstream_error',
    responseBody: truncate(JSON.stringify(error)),
  });
}

function toUpstreamError(
  url: string,
  status: number | undefined,
  error: GoogleError | undefined,
  bodyText: string,
  headerRetryAfterMs: number | undefined,
): UpstreamError {
  const reason = error?.details?.find((detail) => detail.reason)?.reason ?? undefined;
  const code = specialCode(status, error, reason);
  const isAuthFailure = status === 401 || status === 403 || code === 'upstream_auth_failed';
  const message = isAuthFailure
    ? `The upstream rejected the gateway's credentials (HTTP ${status}${reason ? ` ${reason}` : ''}).`
    : (error?.message ?? `The upstream answered HTTP ${status}.`);
  const details: Record<string, unknown> = {};
  if (error?.status) details['upstreamStatus'] = error.status;
  if (reason !== undefined) details['upstreamReason'] = reason;
  return new UpstreamError(message, {
    url,
    statusCode: status,
    code,
    responseBody: truncate(bodyText),
    retryAfterMs: retryDelayMs(error) ?? headerRetryAfterMs,
    details: Object.keys(details).length > 0 ? details : undefined,
  });
}

function specialCode(
  status: number | undefined,
  error: GoogleError | undefined,
  reason: string | undefined,
): GatewayErrorCode | undefined {
  if (status !== 400) return undefined;
  if (reason === 'API_KEY_INVALID' || /API key not valid/i.test(error?.message ?? ''))
    return 'upstream_auth_failed';
  if (CONTEXT_TOO_LONG.test(error?.message ?? '')) return 'context_length_exceeded';
  return undefined;
}

/** `google.rpc.RetryInfo.retryDelay` is a protobuf Duration in JSON: `"37s"`, `"0.250s"`. */
function retryDelayMs(error: GoogleError | undefined): number | undefined {
  const delay = error?.details?.find((detail) => detail.retryDelay)?.retryDelay;
  const match = delay ? /^(\d+(?:\.\d+)?)s$/.exec(delay) : null;
  return match ? Math.ceil(Number.parseFloat(match[1] ?? '0') * 1000) : undefined;
}

/**
 * Reads `{"error": {...}}` (or `[{"error": {...}}]`, the array-stream form) into a `google.rpc.Status`.
 *
 * @example
 * parseGoogleErrorBody('{"error":{"code":404,"message":"not found","status":"NOT_FOUND"}}')?.status; // 'NOT_FOUND'
 */
export function parseGoogleErrorBody(bodyText: string): GoogleError | undefined {
  const parsed = safeParseJson(bodyText);
  if (!parsed.success) return undefined;
  const value = Array.isArray(parsed.value) ? parsed.value[0] : parsed.value;
  if (typeof value !== 'object' || value === null || !('error' in value)) return undefined;
  const result = googleErrorSchema.safeParse(value.error);
  return result.success ? result.data : undefined;
}

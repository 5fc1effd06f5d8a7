import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { type OpenAIErrorObject, openAIErrorObjectSchema } from './openai-chat-api-schemas.js';
import { parseRetryAfter, type ResponseHeaders } from './parse-retry-after.js';

const MAX_BODY_CHARS = 4096;

/** Everything known about one upstream failure, handed to a provider's `mapError` hook first. */
export interface OpenAIErrorDetails {
  url: string;
  /** HTTP status; undefined for an error event inside a 200 stream. */
  status: number | undefined;
  /** The body's `error` object (or the whole body when it has none), when it parsed. */
  error: OpenAIErrorObject | undefined;
  /** The raw body, truncated. */
  responseBody: string;
  retryAfterMs: number | undefined;
}

export type MapErrorHook = (details: OpenAIErrorDetails) => GatewayError | undefined;

/**
 * Turns a non-2xx Chat Completions or Embeddings response into an `UpstreamError`: status drives the
 * code and `isRetryable`, `retry-after-ms`/`retry-after` become `retryAfterMs`, and the upstream's
 * own message is kept (except for auth failures, whose messages may echo part of the gateway's key).
 *
 * @example
 * throw mapOpenAIError({ url, status: 429, headers: { 'retry-after-ms': '20' }, bodyText });
 */
export function mapOpenAIError(
  response: { url: string; status: number; headers: ResponseHeaders; bodyText: string },
  mapError?: MapErrorHook,
): GatewayError {
  const details: OpenAIErrorDetails = {
    url: response.url,
    status: response.status,
    error: parseOpenAIErrorBody(response.bodyText),
    responseBody: truncate(response.bodyText),
    retryAfterMs: parseRetryAfter(response.headers),
  };
  return mapError?.(details) ?? defaultUpstreamError(details);
}

/**
 * An error object inside a 2xx answer: an `error` event in a stream, or a JSON body holding `error`
 * instead of a completion. Without a status it counts as retryable (mid-stream that no longer matters).
 *
 * @example
 * mapOpenAIEmbeddedError(url, { message: 'model is loading' }).isRetryable; // true
 */
export function mapOpenAIEmbeddedError(
  url: string,
  error: OpenAIErrorObject,
  mapError?: MapErrorHook,
): GatewayError {
  const details: OpenAIErrorDetails = {
    url,
    status: undefined,
    error,
    responseBody: truncate(JSON.stringify(error)),
    retryAfterMs: undefined,
  };
  return (
    mapError?.(details) ??
    new UpstreamError(error.message ?? 'The upstream reported an error mid-stream.', {
      url,
      statusCode: undefined,
      code: 'upstream_error',
      responseBody: details.responseBody,
      details: upstreamDetails(error),
    })
  );
}

function defaultUpstreamError(details: OpenAIErrorDetails): UpstreamError {
  const { status, error } = details;
  const isAuthFailure = status === 401 || status === 403;
  const message = isAuthFailure
    ? `The upstream rejected the gateway's credentials (HTTP ${status}).`
    : (error?.message ?? `The upstream answered HTTP ${status}.`);
  return new UpstreamError(message, {
    url: details.url,
    statusCode: status,
    code: status === 400 && error?.code === 'context_length_exceeded' ? 'context_length_exceeded' : undefined,
    responseBody: details.responseBody,
    retryAfterMs: details.retryAfterMs,
    param: error?.param ?? undefined,
    details: upstreamDetails(error),
  });
}

function upstreamDetails(error: OpenAIErrorObject | undefined): Record<string, unknown> | undefined {
  if (error?.code == null && error?.type == null) return undefined;
  return { upstreamCode: error.code ?? undefined, upstreamType: error.type ?? undefined };
}

/** Reads `{"error": {...}}`; a body without an `error` key is itself the error, as the OpenAI SDK reads it.  *
 * @example
 * parseOpenAIErrorBody('{"error":{"message":"bad"}}'); // { message: 'bad' }
 */
export function parseOpenAIErrorBody(bodyText: string): OpenAIErrorObject | undefined {
  const parsed = safeParseJson(bodyText);
  if (!parsed.success || typeof parsed.value !== 'object' || parsed.value === null) return undefined;
  const value = parsed.value as Record<string, unknown>;
  const candidate = typeof value['error'] === 'object' && value['error'] !== null ? value['error'] : value;
  const result = openAIErrorObjectSchema.safeParse(candidate);
  return result.success ? result.data : undefined;
}

/** Caps a kept upstream body at 4 KiB of text. */
export function truncate(text: string): string {
  return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text;
}

import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { postUpstream, toTransportError } from '../http/post-upstream.js';

export { toTransportError } from '../http/post-upstream.js';

import { type MapErrorHook, mapOpenAIError, truncate } from './map-openai-error.js';

export interface OpenAIRequest {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  accept: 'application/json' | 'text/event-stream';
  mapError?: MapErrorHook;
}

/**
 * POSTs a JSON body and resolves with the response once it answered 2xx. Anything else rejects
 * before a byte of the body is handed on: a non-2xx becomes the mapped `UpstreamError`, a network
 * failure an `upstream_unavailable` (or `upstream_timeout`) one, and an abort rethrows as is.
 *
 * @example
 * const response = await sendOpenAIRequest({ http, url, headers, body, signal, accept: 'application/json' });
 */
export function sendOpenAIRequest(request: OpenAIRequest): Promise<HttpResponse> {
  return postUpstream({
    http: request.http,
    url: request.url,
    headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
    body: JSON.stringify(request.body),
    signal: request.signal,
    mapError: (failure) => mapOpenAIError(failure, request.mapError),
  });
}

/** Reads and parses a 2xx JSON body; malformed JSON is an `upstream_bad_response`.  *
 * @example
 * const json = await readJsonBody(response, url, signal);
 */
export async function readJsonBody(
  response: HttpResponse,
  url: string,
  signal: AbortSignal,
): Promise<unknown> {
  let text: string;
  try {
    text = await response.body.text();
  } catch (error: unknown) {
    throw toTransportError(error, url, signal);
  }
  const parsed = safeParseJson(text);
  if (!parsed.success)
    throw badResponse(url, `The upstream sent malformed JSON (HTTP ${response.statusCode}).`, text);
  return parsed.value;
}

/**
 * A 2xx whose body is not what the API promises. Marked retryable (no status code): another
 * target, or the same one again, may well answer properly.
 *
 * @example
 * throw badResponse(url, 'The upstream answer is not a chat completion.', text);
 */
export function badResponse(url: string, message: string, body: string, cause?: unknown): UpstreamError {
  return new UpstreamError(message, {
    url,
    statusCode: undefined,
    code: 'upstream_bad_response',
    responseBody: truncate(body),
    cause,
  });
}

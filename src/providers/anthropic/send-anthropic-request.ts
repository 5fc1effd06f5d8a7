import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { postUpstream } from '../http/post-upstream.js';
import { mapAnthropicError } from './map-anthropic-error.js';

export interface AnthropicHttpRequest {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  accept: 'application/json' | 'text/event-stream';
}

/**
 * POSTs a Messages body and resolves with the response once it answered 2xx. Anything else rejects
 * before a byte of the body is handed on: a non-2xx becomes the mapped `UpstreamError`, a network
 * failure an `upstream_unavailable` (or `upstream_timeout`) one, and an abort rethrows as is.
 *
 * @example const response = await sendAnthropicRequest({ http, url, headers, body, signal, accept: 'application/json' });
 */
export function sendAnthropicRequest(request: AnthropicHttpRequest): Promise<HttpResponse> {
  return postUpstream({
    http: request.http,
    url: request.url,
    headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
    body: JSON.stringify(request.body),
    signal: request.signal,
    mapError: mapAnthropicError,
  });
}

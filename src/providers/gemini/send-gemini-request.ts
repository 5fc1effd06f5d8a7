import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { postUpstream } from '../http/post-upstream.js';
import { mapGeminiError } from './map-gemini-error.js';

export interface GeminiHttpRequest {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  accept: 'application/json' | 'text/event-stream';
}

/**
 * POSTs a JSON body to a Google endpoint and resolves once it answered 2xx. A non-2xx rejects with the
 * mapped `UpstreamError` (Google error shape), a network failure with `upstream_unavailable` or
 * `upstream_timeout`; an abort rethrows as is.
 *
 * @example
 * const response = await sendGeminiRequest({ http, url, headers, body, signal, accept: 'application/json' });
 */
export function sendGeminiRequest(request: GeminiHttpRequest): Promise<HttpResponse> {
  return postUpstream({
    http: request.http,
    url: request.url,
    headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
    body: JSON.stringify(request.body),
    signal: request.signal,
    mapError: mapGeminiError,
  });
}

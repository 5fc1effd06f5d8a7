import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { postUpstream } from '../http/post-upstream.js';
import type { BedrockAuthorizer } from './create-bedrock-authorizer.js';
import { mapBedrockError } from './map-bedrock-error.js';

export interface BedrockRequest {
  http: HttpClient;
  url: string;
  body: unknown;
  /** `application/json`, or `application/vnd.amazon.eventstream` for ConverseStream. */
  accept: string;
  authorize: BedrockAuthorizer;
  signal: AbortSignal;
}

/**
 * Authenticates and POSTs a JSON body; resolves once Bedrock answered 2xx. The body is serialised
 * once and those exact bytes are both signed and sent. A non-2xx rejects with the mapped
 * `UpstreamError` before any of the body is handed on; a network failure becomes
 * `upstream_unavailable` (or `upstream_timeout`); an abort rethrows as is.
 *
 * @example
 * const response = await sendBedrockRequest({ http, url, body, accept: 'application/json', authorize, signal });
 */
export async function sendBedrockRequest(request: BedrockRequest): Promise<HttpResponse> {
  const body = JSON.stringify(request.body);
  const headers = await request.authorize(
    { url: request.url, headers: { 'content-type': 'application/json', accept: request.accept }, body },
    request.signal,
  );
  return postUpstream({
    http: request.http,
    url: request.url,
    headers,
    body,
    signal: request.signal,
    mapError: mapBedrockError,
  });
}

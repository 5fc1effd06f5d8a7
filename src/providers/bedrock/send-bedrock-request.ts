import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { toTransportError } from '../openai-compatible/send-openai-request.js';
import type { BedrockAuthorizer } from './create-bedrock-authorizer.js';
import { mapBedrockError } from './map-bedrock-error.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

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
  let response: HttpResponse;
  try {
    response = await request.http.request(request.url, {
      method: 'POST',
      headers,
      body,
      signal: request.signal,
      // The caller's signal carries the gateway's timeouts; undici's 300 s defaults would cut long
      // non-streamed generations first, with a less helpful error.
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
  } catch (error: unknown) {
    throw toTransportError(error, request.url, request.signal);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const bodyText = await readBoundedText(response).catch((error: unknown) => {
    if (request.signal.aborted) throw error;
    return '';
  });
  throw mapBedrockError({
    url: request.url,
    status: response.statusCode,
    headers: response.headers,
    bodyText,
  });
}

async function readBoundedText(response: HttpResponse): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= MAX_ERROR_BODY_BYTES) {
      // An error body this large is noise; stop reading and drop the connection.
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

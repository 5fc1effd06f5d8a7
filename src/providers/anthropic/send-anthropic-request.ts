import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { toTransportError } from '../openai-compatible/send-openai-request.js';
import { mapAnthropicError } from './map-anthropic-error.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface AnthropicHttpRequest {
  http: HttpClient;
  url: string;
  headers: Record<string, string>;
  body: unknown;
  signal: AbortSignal;
  accept: 'application/json' | 'text/event-stream';
}

async function readErrorBody(response: HttpResponse): Promise<string> {
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

/**
 * POSTs a Messages body and resolves with the response once it answered 2xx. Anything else rejects
 * before a byte of the body is handed on: a non-2xx becomes the mapped `UpstreamError`, a network
 * failure an `upstream_unavailable` (or `upstream_timeout`) one, and an abort rethrows as is.
 *
 * @example const response = await sendAnthropicRequest({ http, url, headers, body, signal, accept: 'application/json' });
 */
export async function sendAnthropicRequest(request: AnthropicHttpRequest): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await request.http.request(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
      body: JSON.stringify(request.body),
      signal: request.signal,
      // The caller's signal carries the gateway's own timeouts; undici's 300 s defaults would cut long
      // non-streamed thinking calls first, with a less helpful error.
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
  } catch (error: unknown) {
    throw toTransportError(error, request.url, request.signal);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const bodyText = await readErrorBody(response).catch((error: unknown) => {
    if (request.signal.aborted) throw error;
    return '';
  });
  throw mapAnthropicError({
    url: request.url,
    status: response.statusCode,
    headers: response.headers,
    bodyText,
  });
}

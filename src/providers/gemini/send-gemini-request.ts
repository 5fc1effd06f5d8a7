import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { toTransportError } from '../openai-compatible/send-openai-request.js';
import { mapGeminiError } from './map-gemini-error.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

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
export async function sendGeminiRequest(request: GeminiHttpRequest): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await request.http.request(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
      body: JSON.stringify(request.body),
      signal: request.signal,
      // The caller's signal carries the gateway's own timeout (see sendOpenAIRequest).
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
  } catch (error: unknown) {
    throw toTransportError(error, request.url, request.signal);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const bodyText = await readBodyText(response, MAX_ERROR_BODY_BYTES).catch((error: unknown) => {
    if (request.signal.aborted) throw error;
    return '';
  });
  throw mapGeminiError({
    url: request.url,
    status: response.statusCode,
    headers: response.headers,
    bodyText,
  });
}

async function readBodyText(response: HttpResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= maxBytes) {
      // An error body this large is noise; stop reading and drop the connection.
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

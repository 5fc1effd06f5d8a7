import type { GatewayErrorCode } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { HttpClient, HttpResponse } from './http-client.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** A non-2xx answer, as each provider's error mapper reads it. */
export interface UpstreamFailure {
  url: string;
  status: number;
  headers: HttpResponse['headers'];
  bodyText: string;
}

export interface UpstreamPost {
  http: HttpClient;
  url: string;
  /** The complete request headers (content type, accept, auth). */
  headers: Record<string, string>;
  /** The serialised body: exactly these bytes are sent (and, for SigV4, were signed). */
  body: string;
  signal: AbortSignal;
  /** Turns a non-2xx answer into the provider's `UpstreamError`. */
  mapError(failure: UpstreamFailure): unknown;
}

/**
 * POSTs a body and resolves with the response once the upstream answered 2xx. Anything else rejects
 * before a byte of the body is handed on: a non-2xx becomes the provider's mapped error, a network
 * failure an `upstream_unavailable` (or `upstream_timeout`) one, and an abort rethrows as is.
 *
 * @example
 * const response = await postUpstream({ http, url, headers, body: JSON.stringify(body), signal, mapError });
 */
export async function postUpstream(request: UpstreamPost): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await request.http.request(request.url, {
      method: 'POST',
      headers: request.headers,
      body: request.body,
      signal: request.signal,
      // The caller's signal carries the gateway's own timeouts; undici's 300 s defaults would cut long
      // non-streamed generations first, with a less helpful error.
      headersTimeoutMs: 0,
      bodyTimeoutMs: 0,
    });
  } catch (error: unknown) {
    throw toTransportError(error, request.url, request.signal);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const bodyText = await readBoundedText(response, MAX_ERROR_BODY_BYTES).catch((error: unknown) => {
    if (request.signal.aborted) throw error;
    return '';
  });
  throw request.mapError({
    url: request.url,
    status: response.statusCode,
    headers: response.headers,
    bodyText,
  });
}

/**
 * Maps a failure to send or receive to an `UpstreamError`; aborts by the caller pass through untouched.
 *
 * @example
 * throw toTransportError(error, url, signal); // ECONNREFUSED → upstream_unavailable
 */
export function toTransportError(error: unknown, url: string, signal: AbortSignal): unknown {
  if (signal.aborted || error instanceof UpstreamError) return error;
  const code = errorCode(error);
  const timeout = code !== undefined && /TIMEOUT/.test(code);
  const gatewayCode: GatewayErrorCode = timeout ? 'upstream_timeout' : 'upstream_unavailable';
  const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
  return new UpstreamError(
    timeout
      ? `The upstream did not answer in time (${reason}).`
      : `Could not reach the upstream (${reason}).`,
    { url, statusCode: undefined, code: gatewayCode, cause: error },
  );
}

/** `ECONNREFUSED`, `UND_ERR_SOCKET` …, also from inside an AggregateError (happy eyeballs) or a cause. */
function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const record = error as { code?: unknown; errors?: unknown; cause?: unknown };
  if (typeof record.code === 'string') return record.code;
  if (Array.isArray(record.errors)) return errorCode(record.errors[0]);
  return record.cause === undefined ? undefined : errorCode(record.cause);
}

/** Reads an error body up to `maxBytes`; a larger one is noise, so the rest is dropped with the connection. */
async function readBoundedText(response: HttpResponse, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of response.body) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as Uint8Array);
    chunks.push(buffer);
    size += buffer.length;
    if (size >= maxBytes) {
      response.body.destroy();
      break;
    }
  }
  return Buffer.concat(chunks).toString('utf8');
}

import type { GatewayErrorCode } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { HttpClient, HttpResponse } from '../http/http-client.js';
import { type MapErrorHook, mapOpenAIError, truncate } from './map-openai-error.js';

const MAX_ERROR_BODY_BYTES = 64 * 1024;

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
export async function sendOpenAIRequest(request: OpenAIRequest): Promise<HttpResponse> {
  let response: HttpResponse;
  try {
    response = await request.http.request(request.url, {
      method: 'POST',
      headers: { ...request.headers, 'content-type': 'application/json', accept: request.accept },
      body: JSON.stringify(request.body),
      signal: request.signal,
      // The caller's signal carries the gateway's own timeout; undici's 300 s defaults would cut
      // long non-streamed reasoning calls first, with a less helpful error.
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
  throw mapOpenAIError(
    { url: request.url, status: response.statusCode, headers: response.headers, bodyText },
    request.mapError,
  );
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

/** Maps a failure to send or receive to an `UpstreamError`; aborts by the caller pass through untouched.  *
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

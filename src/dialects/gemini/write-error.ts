import type { FastifyReply } from 'fastify';
import type { GatewayError } from '../../core/gateway-error.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';

/** Which Google API the caller speaks: they differ in how a bad key is reported. */
export type GoogleFlavor = 'gemini' | 'vertex';

const TYPE_PREFIX = 'type.googleapis.com/google.rpc.';

/** google.rpc.Code names by HTTP status, as Google's JSON mapping pairs them. */
const STATUS_NAMES: Record<number, string> = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  405: 'UNIMPLEMENTED',
  409: 'ABORTED',
  413: 'INVALID_ARGUMENT',
  415: 'INVALID_ARGUMENT',
  429: 'RESOURCE_EXHAUSTED',
  499: 'CANCELLED',
  500: 'INTERNAL',
  501: 'UNIMPLEMENTED',
  502: 'UNAVAILABLE',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};

export interface GoogleErrorBody {
  error: { code: number; message: string; status: string; details: Record<string, unknown>[] };
}

function statusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT');
}

/** The Gemini API answers a wrong key with 400 INVALID_ARGUMENT, reason API_KEY_INVALID; Vertex with 401. */
function isGeminiBadKey(error: GatewayError, flavor: GoogleFlavor): boolean {
  return flavor === 'gemini' && error.code === 'invalid_api_key';
}

function errorInfo(error: GatewayError, flavor: GoogleFlavor): Record<string, unknown> {
  const metadata: Record<string, string> = { code: error.code };
  if (error.param !== undefined) metadata['param'] = error.param;
  const suggestions = error.details?.['suggestions'];
  if (Array.isArray(suggestions) && suggestions.length > 0) metadata['suggestions'] = suggestions.join(',');
  if (isGeminiBadKey(error, flavor)) {
    return {
      '@type': `${TYPE_PREFIX}ErrorInfo`,
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { ...metadata, service: 'generativelanguage.googleapis.com' },
    };
  }
  return {
    '@type': `${TYPE_PREFIX}ErrorInfo`,
    reason: error.code.toUpperCase(),
    domain: 'converge',
    metadata,
  };
}

/** Google writes durations as seconds with an `s`: `"37s"`, `"2.5s"`. */
function formatDuration(milliseconds: number): string {
  return `${Number((milliseconds / 1000).toFixed(3))}s`;
}

/**
 * The google.rpc.Status error body and HTTP status. `details` always holds an ErrorInfo whose
 * `metadata.code` is the stable Converge code (`model_not_found`, `upstream_rate_limited` …); a
 * field error adds a BadRequest field violation, a retryable 429 a RetryInfo with the delay.
 *
 * @example
 * googleErrorResponse(new GatewayError('model_not_found', 'No such model', { param: 'model' }), 'gemini').body.error
 * // { code: 404, message: 'No such model', status: 'NOT_FOUND', details: [ErrorInfo, BadRequest] }
 */
export function googleErrorResponse(
  error: GatewayError,
  flavor: GoogleFlavor,
): { status: number; body: GoogleErrorBody } {
  const status = isGeminiBadKey(error, flavor) ? 400 : error.status;
  const details: Record<string, unknown>[] = [errorInfo(error, flavor)];
  if (error.param !== undefined && status < 500) {
    details.push({
      '@type': `${TYPE_PREFIX}BadRequest`,
      fieldViolations: [{ field: error.param, description: error.message }],
    });
  }
  if (status === 429 && error.retryAfterMs !== undefined) {
    details.push({ '@type': `${TYPE_PREFIX}RetryInfo`, retryDelay: formatDuration(error.retryAfterMs) });
  }
  return {
    status,
    body: { error: { code: status, message: error.message, status: statusName(status), details } },
  };
}

/**
 * Writes an error before any byte of the response was sent (the exchange set the common headers).
 *
 * @example
 * writeGoogleError(response, new GatewayError('not_found', 'No such method'), 'gemini'); // 404 NOT_FOUND
 */
export function writeGoogleError(response: RawResponse, error: GatewayError, flavor: GoogleFlavor): void {
  const { status, body } = googleErrorResponse(error, flavor);
  writeJson(response, status, body, { 'x-converge-error-code': error.code });
}

/** Sends an error through Fastify's reply, outside the exchange (countTokens, unknown paths). */
export function sendGoogleError(
  reply: FastifyReply,
  error: GatewayError,
  flavor: GoogleFlavor,
  requestId: string,
) {
  const { status, body } = googleErrorResponse(error, flavor);
  return reply
    .code(status)
    .headers({ 'x-converge-error-code': error.code, 'x-converge-request-id': requestId })
    .send(body);
}

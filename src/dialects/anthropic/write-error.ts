import type { FastifyReply } from 'fastify';
import type { GatewayError } from '../../core/gateway-error.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';

export type AnthropicErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'api_error'
  | 'timeout_error'
  | 'overloaded_error';

export interface AnthropicErrorBody {
  type: 'error';
  error: { type: AnthropicErrorType; message: string };
  request_id: string;
}

/** Overload of an upstream or of the gateway: Anthropic's own 529, which its SDK retries. */
const OVERLOADED_CODES = new Set(['upstream_unavailable', 'overloaded']);

/** Errors whose status would make the SDK retry but which cannot succeed on a retry. */
const FINAL_CODES = new Set(['budget_exceeded', 'upstream_auth_failed']);

/**
 * `req_` + the gateway's request id without dashes: Anthropic's shape, still traceable to the
 * usage row (`x-converge-request-id` carries the id as stored).
 *
 * @example
 * anthropicRequestId('0b5c…-…') // 'req_0b5c…'
 */
export function anthropicRequestId(requestId: string): string {
  return `req_${requestId.replaceAll('-', '')}`;
}

/** The HTTP status in this dialect: the gateway's own, except overload, which is Anthropic's 529. */
export function anthropicErrorStatus(error: GatewayError): number {
  return OVERLOADED_CODES.has(error.code) ? 529 : error.status;
}

/** Anthropic's `error.type` for a status. */
export function anthropicErrorType(status: number): AnthropicErrorType {
  switch (status) {
    case 401:
      return 'authentication_error';
    case 403:
      return 'permission_error';
    case 404:
      return 'not_found_error';
    case 413:
      return 'request_too_large';
    case 429:
      return 'rate_limit_error';
    case 504:
      return 'timeout_error';
    case 529:
      return 'overloaded_error';
    default:
      return status >= 500 ? 'api_error' : 'invalid_request_error';
  }
}

/**
 * The Anthropic error body, also used as the data of an in-stream `error` event.
 *
 * @example
 * anthropicErrorBody(new GatewayError('model_not_found', 'No such model'), id)
 * // { type: 'error', error: { type: 'not_found_error', message: 'No such model' }, request_id: 'req_…' }
 */
export function anthropicErrorBody(error: GatewayError, requestId: string): AnthropicErrorBody {
  return {
    type: 'error',
    error: { type: anthropicErrorType(anthropicErrorStatus(error)), message: error.message },
    request_id: anthropicRequestId(requestId),
  };
}

/**
 * Headers on every Anthropic error: `request-id` (the SDK's `requestID`), the stable Converge code,
 * `x-should-retry: false` where a retry cannot help, and the retry hint when one is known.
 */
export function anthropicErrorHeaders(error: GatewayError, requestId: string): Record<string, string> {
  const headers: Record<string, string> = {
    'request-id': anthropicRequestId(requestId),
    'x-converge-error-code': error.code,
  };
  if (FINAL_CODES.has(error.code)) headers['x-should-retry'] = 'false';
  if (error.retryAfterMs !== undefined) {
    headers['retry-after'] = String(Math.max(1, Math.ceil(error.retryAfterMs / 1000)));
    headers['retry-after-ms'] = String(Math.round(error.retryAfterMs));
  }
  return headers;
}

/** Writes an error before any byte of the response was sent. */
export function writeAnthropicError(response: RawResponse, error: GatewayError, requestId: string): void {
  writeJson(
    response,
    anthropicErrorStatus(error),
    anthropicErrorBody(error, requestId),
    anthropicErrorHeaders(error, requestId),
  );
}

/** Sends an error through Fastify's reply, for failures outside the exchange. */
export function sendAnthropicErrorReply(reply: FastifyReply, error: GatewayError, requestId: string) {
  return reply
    .code(anthropicErrorStatus(error))
    .headers(anthropicErrorHeaders(error, requestId))
    .send(anthropicErrorBody(error, requestId));
}

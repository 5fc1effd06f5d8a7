import type { GatewayError } from '../../core/gateway-error.js';
import type { RawResponse } from '../dialect-writer.js';
import type { WireFlavor } from './wire-flavor.js';
import { writeJson } from './write-json.js';

export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string };
}

/**
 * OpenAI's `type` for an error: `requests`/`tokens` for rate limits, `insufficient_quota` for an
 * exhausted budget, `server_error` for 5xx, and `invalid_request_error` for every other 4xx —
 * including 401, as OpenAI itself does.
 */
export function openAIErrorType(error: GatewayError): string {
  if (error.code === 'budget_exceeded') return 'insufficient_quota';
  if (error.status === 429) return error.details?.['limit'] === 'tokens' ? 'tokens' : 'requests';
  if (error.status >= 500) return 'server_error';
  return 'invalid_request_error';
}

/**
 * The OpenAI error body. `code` is the stable Converge code (`invalid_api_key`, `model_not_found`,
 * `upstream_rate_limited` …) so clients can match on it.
 *
 * @example
 * openAIErrorResponse(new GatewayError('model_not_found', 'No such model', { param: 'model' })).body
 * // { error: { message: 'No such model', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }
 */
export function openAIErrorResponse(error: GatewayError): { status: number; body: OpenAIErrorBody } {
  return {
    status: error.status,
    body: {
      error: {
        message: error.message,
        type: openAIErrorType(error),
        param: error.param ?? null,
        code: error.code,
      },
    },
  };
}

/**
 * Headers on every error in every OpenAI-format dialect: the stable code, and `x-should-retry: false`
 * where the status (429) would make the SDK retry an error that cannot succeed by retrying — a spent
 * budget, or a request larger than the key's whole TPM limit.
 */
export function errorHeaders(
  error: GatewayError,
  flavor: WireFlavor,
  requestId: string,
): Record<string, string> {
  const headers: Record<string, string> = {
    ...flavor.requestIdHeaders(requestId),
    'x-converge-error-code': error.code,
  };
  if (error.status === 429 && !error.isRetryable) headers['x-should-retry'] = 'false';
  return headers;
}

/** Writes an error before any byte of the response was sent, in the flavor's shape. */
export function writeErrorResponse(
  response: RawResponse,
  error: GatewayError,
  flavor: WireFlavor,
  requestId: string,
): void {
  const { status, body } = flavor.errorResponse(error);
  writeJson(response, status, body, errorHeaders(error, flavor, requestId));
}

/**
 * Stable error codes. They are part of the public API: clients match on them, `docs/errors.md`
 * documents each one, and a test fails when the two drift apart.
 */
export const GATEWAY_ERROR_CODES = {
  invalid_json: 400,
  invalid_request: 400,
  unsupported_parameter: 400,
  context_length_exceeded: 400,
  duplicate_name: 400,
  authentication_required: 401,
  invalid_api_key: 401,
  incomplete_signature: 403,
  unknown_access_key: 403,
  signature_mismatch: 403,
  request_expired: 403,
  permission_denied: 403,
  model_not_found: 404,
  not_found: 404,
  method_not_allowed: 405,
  request_too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  budget_exceeded: 429,
  content_filtered: 400,
  guardrail_blocked: 400,
  upstream_rate_limited: 429,
  upstream_error: 502,
  upstream_bad_response: 502,
  upstream_auth_failed: 502,
  upstream_timeout: 504,
  upstream_unavailable: 503,
  upstream_invalid_request: 400,
  no_eligible_target: 503,
  overloaded: 503,
  shutting_down: 503,
  limits_unavailable: 503,
  storage_unavailable: 503,
  cancelled: 499,
  internal_error: 500,
} as const satisfies Record<string, number>;

export type GatewayErrorCode = keyof typeof GATEWAY_ERROR_CODES;

export interface GatewayErrorOptions {
  /** Overrides the code's default HTTP status (e.g. an upstream 503 passed through as 503). */
  status?: number;
  /** The request field the error is about, e.g. `messages[0].content`. */
  param?: string;
  isRetryable?: boolean;
  /** Seconds the client should wait before retrying, sent as `retry-after`/`retry-after-ms`. */
  retryAfterMs?: number;
  cause?: unknown;
  /** Extra fields a dialect may surface (e.g. Azure `innererror`), never secrets. */
  details?: Record<string, unknown>;
}

/**
 * The one error type the gateway raises. Each dialect's `write-error.ts` turns it into that dialect's
 * shape (status, body, headers).
 *
 * @example
 * throw new GatewayError('model_not_found', 'The model `gpt-5o` does not exist. Did you mean `gpt-4o`?', {
 *   param: 'model',
 * });
 */
export class GatewayError extends Error {
  readonly code: GatewayErrorCode;
  readonly status: number;
  readonly param: string | undefined;
  readonly isRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: GatewayErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    this.code = code;
    this.status = options.status ?? GATEWAY_ERROR_CODES[code];
    this.param = options.param;
    this.isRetryable = options.isRetryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
    this.details = options.details;
  }

  static isGatewayError(error: unknown): error is GatewayError {
    return error instanceof GatewayError;
  }
}

/** Wraps anything thrown into a GatewayError, keeping GatewayErrors as they are. */
export function toGatewayError(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  if (error instanceof Error && error.name === 'AbortError') {
    return new GatewayError('cancelled', 'The request was cancelled.', { cause: error });
  }
  return new GatewayError('internal_error', 'An internal error occurred.', { cause: error });
}

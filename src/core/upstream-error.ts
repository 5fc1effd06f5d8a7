import { GatewayError, type GatewayErrorCode } from './gateway-error.js';

export interface UpstreamErrorOptions {
  url: string;
  statusCode: number | undefined;
  /** The upstream's response body, truncated; kept for logs, never sent to clients verbatim. */
  responseBody?: string;
  retryAfterMs?: number;
  cause?: unknown;
  param?: string;
  details?: Record<string, unknown>;
}

/** Status codes worth another attempt, on this target or the next. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Maps an upstream HTTP status to the gateway code a client sees. */
export function codeForUpstreamStatus(status: number | undefined): GatewayErrorCode {
  if (status === undefined) return 'upstream_unavailable';
  if (status === 429) return 'upstream_rate_limited';
  if (status === 408 || status === 504) return 'upstream_timeout';
  if (status === 401 || status === 403) return 'upstream_auth_failed';
  if (status === 503 || status === 529) return 'upstream_unavailable';
  // A 404 from an upstream means the gateway's deployment config is wrong, not the client's request.
  if (status >= 500 || status === 404) return 'upstream_error';
  return 'upstream_invalid_request';
}

/**
 * A failed call to an upstream provider. `isRetryable` drives retry and failover; `retryAfterMs`
 * carries the provider's `retry-after`/`retry-after-ms` hint.
 */
export class UpstreamError extends GatewayError {
  readonly url: string;
  readonly statusCode: number | undefined;
  readonly responseBody: string | undefined;

  constructor(message: string, options: UpstreamErrorOptions & { code?: GatewayErrorCode; status?: number }) {
    const code = options.code ?? codeForUpstreamStatus(options.statusCode);
    // A client-side upstream error (400, 413, 422) keeps its status; everything else uses the code's own.
    const passThroughStatus = code === 'upstream_invalid_request' ? options.statusCode : undefined;
    super(code, message, {
      status: options.status ?? passThroughStatus,
      isRetryable: options.statusCode === undefined || isRetryableStatus(options.statusCode),
      retryAfterMs: options.retryAfterMs,
      cause: options.cause,
      param: options.param,
      details: options.details,
    });
    this.name = 'UpstreamError';
    this.url = options.url;
    this.statusCode = options.statusCode;
    this.responseBody = options.responseBody;
  }
}

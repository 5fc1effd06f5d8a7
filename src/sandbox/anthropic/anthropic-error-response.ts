import type { OutgoingHttpHeaders } from 'node:http';
import { type ErrorRenderers, renderWith, type SandboxErrorSpec } from '../engine/sandbox-error.js';

/** Which wire the request came in on: api.anthropic.com, or Claude on Vertex AI. */
export type AnthropicSurface = 'api' | 'vertex';

export interface ErrorResponse {
  status: number;
  body: unknown;
  headers?: OutgoingHttpHeaders;
}

export interface ErrorContext {
  surface: AnthropicSurface;
  requestId: string;
  /** `projects/p/locations/l/publishers/anthropic/models/m`, for Vertex's not-found message. */
  vertexResource?: string | undefined;
}

const RATE_LIMITS_URL = 'https://docs.claude.com/en/api/rate-limits';
const CONTACT_SALES =
  'Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.';
const GOOGLE_AUTH_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

/**
 * The Anthropic error envelope: `{type: 'error', error: {type, message}, request_id}`.
 * @example anthropicError(529, 'overloaded_error', 'Overloaded', 'req_011C…')
 */
export function anthropicError(
  status: number,
  type: string,
  message: string,
  requestId: string,
): ErrorResponse {
  return { status, body: { type: 'error', error: { type, message }, request_id: requestId } };
}

/** Vertex's platform errors (auth, quota, routing) come back in the google.rpc shape. */
export function googleError(status: number, code: string, message: string): ErrorResponse {
  return { status, body: { error: { code: status, message, status: code } } };
}

export function retryAfterHeader(retryAfterMs: number): OutgoingHttpHeaders {
  return { 'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))) };
}

/** The 429 message the API sends, naming the limit that was hit. */
export function rateLimitMessage(limit: number, unit: string, organizationId: string, model: string): string {
  return `This request would exceed your organization's rate limit of ${limit.toLocaleString('en-US')} ${unit} per minute (org: ${organizationId}, model: ${model}). For details, refer to: ${RATE_LIMITS_URL}. You can see the response headers for current usage. ${CONTACT_SALES}`;
}

/** Vertex answers quota exhaustion with RESOURCE_EXHAUSTED and no retry hint. */
export function vertexQuotaError(model: string): ErrorResponse {
  return googleError(
    429,
    'RESOURCE_EXHAUSTED',
    `Quota exceeded for aiplatform.googleapis.com/online_prediction_requests_per_base_model with base model: anthropic-${model}. Please submit a quota increase request. https://cloud.google.com/vertex-ai/docs/generative-ai/quotas-genai.`,
  );
}

const invalid = (message: string, context: ErrorContext) =>
  anthropicError(400, 'invalid_request_error', message, context.requestId);

const RENDERERS: ErrorRenderers<ErrorResponse, ErrorContext> = {
  missing_key: (_spec, context) =>
    context.surface === 'vertex'
      ? googleError(
          401,
          'UNAUTHENTICATED',
          `Request is missing required authentication credential. ${GOOGLE_AUTH_HELP}`,
        )
      : anthropicError(401, 'authentication_error', 'x-api-key header is required', context.requestId),
  invalid_key: (_spec, context) =>
    context.surface === 'vertex'
      ? googleError(
          401,
          'UNAUTHENTICATED',
          `Request had invalid authentication credentials. ${GOOGLE_AUTH_HELP}`,
        )
      : anthropicError(401, 'authentication_error', 'invalid x-api-key', context.requestId),
  invalid_json: (_spec, context) =>
    invalid(
      'There was an error parsing the body of your request. Please check that it is valid JSON.',
      context,
    ),
  invalid_request: (spec, context) => invalid(spec.message, context),
  body_too_large: (_spec, context) =>
    anthropicError(
      413,
      'request_too_large',
      'Request exceeds the maximum allowed number of bytes. The maximum request size is 32 MB.',
      context.requestId,
    ),
  route_not_found: (_spec, context) =>
    context.surface === 'vertex'
      ? googleError(404, 'NOT_FOUND', 'The requested URL was not found on this server.')
      : anthropicError(404, 'not_found_error', 'Not Found', context.requestId),
  unknown_model: (spec, context) =>
    context.surface === 'vertex'
      ? googleError(
          404,
          'NOT_FOUND',
          `Publisher Model \`${context.vertexResource ?? spec.model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
        )
      : anthropicError(404, 'not_found_error', `model: ${spec.model}`, context.requestId),
  unknown_deployment: (spec, context) =>
    anthropicError(404, 'not_found_error', `model: ${spec.deployment}`, context.requestId),
  wrong_operation: (spec, context) =>
    invalid(`model: ${spec.model} does not support ${spec.operation}`, context),
  api_version_missing: (_spec, context) =>
    invalid(
      context.surface === 'vertex'
        ? 'anthropic_version: Field required'
        : 'anthropic-version: header is required',
      context,
    ),
  api_version_unsupported: (spec, context) =>
    invalid(
      context.surface === 'vertex'
        ? `anthropic_version: Input should be 'vertex-2023-10-16'`
        : `anthropic-version: invalid version '${spec.version}'`,
      context,
    ),
  rate_limited: (spec, context) => ({
    ...anthropicError(429, 'rate_limit_error', `Rate limit reached for ${spec.model}.`, context.requestId),
    headers: retryAfterHeader(spec.decision.retryAfterMs),
  }),
  fault_rate_limited: (spec, context) =>
    context.surface === 'vertex'
      ? vertexQuotaError(spec.model)
      : {
          ...anthropicError(
            429,
            'rate_limit_error',
            `Number of request tokens has exceeded your per-minute rate limit (${RATE_LIMITS_URL}); see the response headers for current usage. ${CONTACT_SALES}`,
            context.requestId,
          ),
          headers: retryAfterHeader(spec.retryAfterMs),
        },
  server_error: (_spec, context) =>
    anthropicError(500, 'api_error', 'Internal server error', context.requestId),
  overloaded: (_spec, context) => anthropicError(529, 'overloaded_error', 'Overloaded', context.requestId),
  content_filter: (_spec, context) => invalid('Output blocked by content filtering policy', context),
};

/**
 * Renders a provider-neutral refusal as the Messages API (or Vertex, for platform errors) sends it.
 * @example renderAnthropicError({ kind: 'invalid_key', key }, { surface: 'api', requestId }).status // 401
 */
export function renderAnthropicError(spec: SandboxErrorSpec, context: ErrorContext): ErrorResponse {
  return renderWith(RENDERERS, spec, context);
}

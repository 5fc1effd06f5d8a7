import { type ErrorRenderers, renderWith, type SandboxErrorSpec } from '../engine/sandbox-error.js';

/** Where an error happened: which API, which method, and what the 429 text depends on. */
export interface GoogleErrorContext {
  flavor: 'gemini' | 'vertex';
  apiVersion: string;
  /** The RPC method, e.g. `generateContent`. */
  method: string;
  /** Vertex: `projects/{p}/locations/{l}`; empty on the Gemini API. */
  resourcePrefix: string;
  provisioned: boolean;
}

export interface GoogleErrorResponse {
  status: number;
  body: { error: { code: number; message: string; status: string; details?: unknown[] } };
}

const TYPE = 'type.googleapis.com/google.rpc.';
const AUTH_HELP =
  'Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.';

function status(code: number, name: string, message: string, details?: unknown[]): GoogleErrorResponse {
  return { status: code, body: { error: { code, message, status: name, ...(details ? { details } : {}) } } };
}

function errorInfo(reason: string, context: GoogleErrorContext, metadata: Record<string, string> = {}) {
  const service =
    context.flavor === 'gemini' ? 'generativelanguage.googleapis.com' : 'aiplatform.googleapis.com';
  return {
    '@type': `${TYPE}ErrorInfo`,
    reason,
    domain: 'googleapis.com',
    metadata: { service, ...metadata },
  };
}

/** Protobuf Duration JSON, as RetryInfo carries it: whole seconds when whole, else milliseconds. */
function duration(milliseconds: number): string {
  const seconds = Math.max(0, milliseconds) / 1000;
  return Number.isInteger(seconds) ? `${seconds}s` : `${seconds.toFixed(3)}s`;
}

function notFound(model: string, context: GoogleErrorContext): GoogleErrorResponse {
  if (context.flavor === 'gemini') {
    return status(
      404,
      'NOT_FOUND',
      `models/${model} is not found for API version ${context.apiVersion}, or is not supported for ${context.method}. Call ListModels to see the list of available models and their supported methods.`,
    );
  }
  return status(
    404,
    'NOT_FOUND',
    `Publisher Model \`${context.resourcePrefix}/publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`,
  );
}

function rateLimited(
  model: string,
  retryAfterMs: number,
  exceeded: 'requests' | 'tokens' | undefined,
  context: GoogleErrorContext,
): GoogleErrorResponse {
  if (context.flavor === 'vertex') {
    const message = context.provisioned
      ? 'Too many requests. Exceeded the Provisioned Throughput. Please retry or use a different capacity option.'
      : 'Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.';
    return status(429, 'RESOURCE_EXHAUSTED', message);
  }
  const tokens = exceeded === 'tokens';
  return status(
    429,
    'RESOURCE_EXHAUSTED',
    `You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. Please retry in ${duration(retryAfterMs)}.`,
    [
      {
        '@type': `${TYPE}QuotaFailure`,
        violations: [
          {
            quotaMetric: tokens
              ? 'generativelanguage.googleapis.com/generate_content_paid_tier_input_token_count'
              : 'generativelanguage.googleapis.com/generate_content_paid_tier_requests',
            quotaId: tokens
              ? 'GenerateContentPaidTierInputTokensPerModelPerMinute'
              : 'GenerateRequestsPerMinutePerProjectPerModel',
            quotaDimensions: { location: 'global', model },
          },
        ],
      },
      {
        '@type': `${TYPE}Help`,
        links: [
          {
            description: 'Learn more about Gemini API quotas',
            url: 'https://ai.google.dev/gemini-api/docs/rate-limits',
          },
        ],
      },
      { '@type': `${TYPE}RetryInfo`, retryDelay: duration(retryAfterMs) },
    ],
  );
}

const RENDERERS: ErrorRenderers<GoogleErrorResponse, GoogleErrorContext> = {
  missing_key: (_spec, context) =>
    context.flavor === 'gemini'
      ? status(
          403,
          'PERMISSION_DENIED',
          "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.",
        )
      : status(
          401,
          'UNAUTHENTICATED',
          `Request is missing required authentication credential. ${AUTH_HELP}`,
          [errorInfo('CREDENTIALS_MISSING', context)],
        ),
  invalid_key: (_spec, context) =>
    context.flavor === 'gemini'
      ? status(400, 'INVALID_ARGUMENT', 'API key not valid. Please pass a valid API key.', [
          errorInfo('API_KEY_INVALID', context),
          {
            '@type': `${TYPE}LocalizedMessage`,
            locale: 'en-US',
            message: 'API key not valid. Please pass a valid API key.',
          },
        ])
      : status(401, 'UNAUTHENTICATED', `Request had invalid authentication credentials. ${AUTH_HELP}`, [
          errorInfo('ACCESS_TOKEN_TYPE_UNSUPPORTED', context),
        ]),
  invalid_json: () => status(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received. Unexpected token.'),
  invalid_request: (spec) =>
    status(
      400,
      'INVALID_ARGUMENT',
      spec.message,
      spec.param === null
        ? undefined
        : [
            {
              '@type': `${TYPE}BadRequest`,
              fieldViolations: [{ field: spec.param, description: spec.message }],
            },
          ],
    ),
  body_too_large: (spec) =>
    status(400, 'INVALID_ARGUMENT', `Request payload size exceeds the limit: ${spec.limitBytes} bytes.`),
  route_not_found: (spec) =>
    status(
      404,
      'NOT_FOUND',
      `Method not found: ${spec.method} ${spec.path} is not a Gemini or Vertex AI method.`,
    ),
  unknown_model: (spec, context) => notFound(spec.model, context),
  unknown_deployment: (spec, context) => notFound(spec.deployment, context),
  wrong_operation: (spec, context) => notFound(spec.model, context),
  api_version_missing: (_spec, context) =>
    status(404, 'NOT_FOUND', `API version missing for ${context.method}.`),
  api_version_unsupported: (spec) =>
    status(404, 'NOT_FOUND', `API version ${spec.version} is not supported.`),
  rate_limited: (spec, context) =>
    rateLimited(spec.model, spec.decision.retryAfterMs, spec.decision.exceeded, context),
  fault_rate_limited: (spec, context) => rateLimited(spec.model, spec.retryAfterMs, 'requests', context),
  server_error: (_spec, context) =>
    status(
      500,
      'INTERNAL',
      context.flavor === 'gemini'
        ? 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting'
        : 'Internal error encountered.',
    ),
  overloaded: () => status(503, 'UNAVAILABLE', 'The model is overloaded. Please try again later.'),
  // Safety blocks are HTTP 200 answers on Google (promptFeedback / finishReason); this is never thrown.
  content_filter: () => status(400, 'INVALID_ARGUMENT', 'The request was blocked by safety filters.'),
};

/**
 * Renders a sandbox refusal as Google does: a `google.rpc.Status` envelope with typed `details`
 * (ErrorInfo for auth, BadRequest naming the field, QuotaFailure + RetryInfo on Gemini API 429s).
 *
 * @example
 * renderGoogleError({ kind: 'invalid_key', key: 'x' }, context).status; // 400 on the Gemini API, 401 on Vertex
 */
export function renderGoogleError(spec: SandboxErrorSpec, context: GoogleErrorContext): GoogleErrorResponse {
  return renderWith(RENDERERS, spec, context);
}

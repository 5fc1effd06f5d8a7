import { formatGoDuration } from '../engine/go-duration.js';
import { type ErrorRenderers, renderWith, type SandboxErrorSpec } from '../engine/sandbox-error.js';
import type { ErrorResponse } from './inference-surface.js';
import { openAIRateLimitHeaders } from './openai-rate-limit-headers.js';

const RATE_LIMITS_URL = 'Visit https://platform.openai.com/account/rate-limits to learn more.';
const INVALID = 'invalid_request_error';

/** The real API's wording for the fixed messages. */
const MESSAGES = {
  missingKey:
    "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank username) if you're accessing the API from your browser and are prompted for a username. You can obtain an API key from https://platform.openai.com/account/api-keys.",
  invalidJson:
    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
  notChatModel:
    'This is not a chat model and thus not supported in the v1/chat/completions endpoint. Did you mean to use v1/completions?',
  serverError: 'The server had an error while processing your request. Sorry about that!',
  overloaded: 'The engine is currently overloaded, please try again later.',
} as const;

function error(
  status: number,
  message: string,
  type: string | null,
  param: string | null,
  code: string | null,
): ErrorResponse {
  return { status, body: { error: { message, type, param, code } } };
}

/** "sk-sandb**********-key": the real API shows a little of each end of a wrong key. */
export function maskKey(key: string): string {
  const head = Math.min(8, Math.floor(key.length / 3));
  const tail = Math.min(4, Math.floor(key.length / 4));
  return `${key.slice(0, head)}${'*'.repeat(Math.max(4, key.length - head - tail))}${key.slice(key.length - tail)}`;
}

function retryHeaders(retryAfterMs: number): Record<string, string> {
  return {
    'retry-after': String(Math.max(1, Math.ceil(retryAfterMs / 1000))),
    'retry-after-ms': String(Math.round(retryAfterMs)),
  };
}

function rateLimited(
  spec: Extract<SandboxErrorSpec, { kind: 'rate_limited' }>,
  organization: string,
): ErrorResponse {
  const { decision, limits, tokenCost, model } = spec;
  const tokens = decision.exceeded === 'tokens';
  const window = tokens ? 'tokens per min (TPM)' : 'requests per min (RPM)';
  const limit = (tokens ? limits.tpm : limits.rpm) ?? 0;
  const used = tokens ? decision.usedTokens : decision.usedRequests;
  const requested = tokens ? tokenCost : 1;
  const where = `${model} in organization ${organization} on ${window}`;
  const message = decision.tooLarge
    ? `Request too large for ${where}: Limit ${limit}, Requested ${requested}. The input or output tokens must be reduced in order to run successfully. ${RATE_LIMITS_URL}`
    : `Rate limit reached for ${where}: Limit ${limit}, Used ${used}, Requested ${requested}. Please try again in ${formatGoDuration(decision.retryAfterMs)}. ${RATE_LIMITS_URL}`;
  const headers = { ...openAIRateLimitHeaders(limits, decision), ...retryHeaders(decision.retryAfterMs) };
  return { ...error(429, message, tokens ? 'tokens' : 'requests', null, 'rate_limit_exceeded'), headers };
}

function faultRateLimited(
  spec: Extract<SandboxErrorSpec, { kind: 'fault_rate_limited' }>,
  organization: string,
): ErrorResponse {
  const message = `Rate limit reached for ${spec.model} in organization ${organization} on requests per min (RPM): Limit 500, Used 500, Requested 1. Please try again in ${formatGoDuration(spec.retryAfterMs)}. ${RATE_LIMITS_URL}`;
  return {
    ...error(429, message, 'requests', null, 'rate_limit_exceeded'),
    headers: retryHeaders(spec.retryAfterMs),
  };
}

const notFound = (model: string) =>
  error(
    404,
    `The model \`${model}\` does not exist or you do not have access to it.`,
    INVALID,
    null,
    'model_not_found',
  );
const invalidUrl = (where: string) => error(404, `Invalid URL (${where})`, INVALID, null, null);

/** api.openai.com's error dialect: `{error: {message, type, param, code}}` and its status codes. */
const OPENAI_ERRORS: ErrorRenderers<ErrorResponse, string> = {
  missing_key: () => error(401, MESSAGES.missingKey, INVALID, null, null),
  invalid_key: (spec) =>
    error(
      401,
      `Incorrect API key provided: ${maskKey(spec.key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
      INVALID,
      null,
      'invalid_api_key',
    ),
  invalid_json: () => error(400, MESSAGES.invalidJson, INVALID, null, null),
  invalid_request: (spec) => error(400, spec.message, INVALID, spec.param, spec.code),
  body_too_large: (spec) =>
    error(413, `Request body too large: the limit is ${spec.limitBytes} bytes.`, INVALID, null, null),
  route_not_found: (spec) => invalidUrl(`${spec.method} ${spec.path}`),
  unknown_model: (spec) => notFound(spec.model),
  unknown_deployment: (spec) => notFound(spec.deployment),
  wrong_operation: (spec) =>
    spec.operation === 'chat'
      ? error(404, MESSAGES.notChatModel, INVALID, 'model', null)
      : error(400, `The model \`${spec.model}\` does not support embeddings.`, INVALID, 'model', null),
  api_version_missing: () => invalidUrl('unknown'),
  api_version_unsupported: () => invalidUrl('unknown'),
  rate_limited: rateLimited,
  fault_rate_limited: faultRateLimited,
  server_error: () => error(500, MESSAGES.serverError, 'server_error', null, null),
  overloaded: () => error(503, MESSAGES.overloaded, 'server_error', null, null),
  content_filter: () =>
    error(
      400,
      'Your request was rejected as a result of our safety system.',
      INVALID,
      null,
      'content_policy_violation',
    ),
};

/**
 * Renders a refusal as api.openai.com does, with the real API's wording.
 * @example renderOpenAIError({ kind: 'unknown_model', model: 'gpt-9' }, 'org-sandbox').status // 404
 */
export function renderOpenAIError(spec: SandboxErrorSpec, organization: string): ErrorResponse {
  return renderWith(OPENAI_ERRORS, spec, organization);
}

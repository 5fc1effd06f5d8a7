import type { GatewayErrorCode } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { truncate } from '../openai-compatible/map-openai-error.js';
import { parseRetryAfter, type ResponseHeaders } from '../openai-compatible/parse-retry-after.js';
import { type BedrockErrorBody, bedrockErrorBodySchema } from './bedrock-api-schemas.js';

interface ErrorClass {
  /** The status that decides code and retryability; Bedrock's own may say less (a 424, a 400 quota). */
  statusCode: number;
  code?: GatewayErrorCode;
}

const RATE_LIMITED: ErrorClass = { statusCode: 429, code: 'upstream_rate_limited' };
const UNAVAILABLE: ErrorClass = { statusCode: 503, code: 'upstream_unavailable' };
const MODEL_FAILED: ErrorClass = { statusCode: 502, code: 'upstream_error' };
const AUTH_FAILED: ErrorClass = { statusCode: 403, code: 'upstream_auth_failed' };

/**
 * Bedrock error codes (lower case, `Exception` dropped) → how the gateway treats them. Bedrock sends
 * no `retry-after`, so none is invented: the call stage's own backoff applies.
 */
const ERROR_CLASSES: Record<string, ErrorClass> = {
  throttling: RATE_LIMITED,
  toomanyrequests: RATE_LIMITED,
  // A quota, not a rate, but per minute for most Bedrock quotas: another target or a later retry helps.
  servicequotaexceeded: RATE_LIMITED,
  modelnotready: UNAVAILABLE,
  serviceunavailable: UNAVAILABLE,
  internalserver: { statusCode: 500, code: 'upstream_error' },
  internalfailure: { statusCode: 500, code: 'upstream_error' },
  modelerror: MODEL_FAILED,
  modelstreamerror: MODEL_FAILED,
  modeltimeout: { statusCode: 408, code: 'upstream_timeout' },
  validation: { statusCode: 400 },
  accessdenied: AUTH_FAILED,
  unrecognizedclient: AUTH_FAILED,
  expiredtoken: AUTH_FAILED,
  invalidsignature: AUTH_FAILED,
  incompletesignature: AUTH_FAILED,
  invalidclienttokenid: AUTH_FAILED,
  missingauthenticationtoken: AUTH_FAILED,
  resourcenotfound: { statusCode: 404, code: 'upstream_error' },
};

const CONTEXT_TOO_LONG =
  /too long|context (?:window|length)|too many (?:input )?tokens|max(?:imum)? (?:context|input)/i;

export interface BedrockErrorResponse {
  url: string;
  status: number;
  headers: ResponseHeaders;
  bodyText: string;
}

/**
 * Turns a non-2xx Bedrock answer into an `UpstreamError`. The code comes from `x-amzn-errortype`
 * (`ThrottlingException:http://internal.amazon.com/…` → `ThrottlingException`), else the body's
 * `__type`/`code`; the message from the body. Auth failures do not repeat Bedrock's message, which
 * can name the gateway's IAM role and account.
 *
 * @example
 * mapBedrockError({ url, status: 429, headers: { 'x-amzn-errortype': 'ThrottlingException' }, bodyText });
 * // UpstreamError { code: 'upstream_rate_limited', isRetryable: true }
 */
export function mapBedrockError(response: BedrockErrorResponse): UpstreamError {
  const body = parseBedrockErrorBody(response.bodyText);
  const errorType =
    firstValue(response.headers['x-amzn-errortype']) ?? body?.__type ?? body?.code ?? undefined;
  return createBedrockError({
    url: response.url,
    status: response.status,
    errorCode: errorType === undefined ? undefined : normalizeErrorCode(errorType),
    body,
    bodyText: response.bodyText,
    requestId: firstValue(response.headers['x-amzn-requestid']),
    retryAfterMs: parseRetryAfter(response.headers) ?? parseAmazonRetryAfter(response.headers),
  });
}

/**
 * An exception event inside a 200 ConverseStream (`:message-type: exception`), or an unmodelled
 * `:message-type: error` one. Classified like the HTTP error of the same name.
 *
 * @example
 * mapBedrockStreamException(url, 'throttlingException', '{"message":"Too many requests"}').isRetryable; // true
 */
export function mapBedrockStreamException(
  url: string,
  exceptionType: string,
  bodyText: string,
): UpstreamError {
  const body = parseBedrockErrorBody(bodyText);
  return createBedrockError({
    url,
    status: undefined,
    errorCode: normalizeErrorCode(exceptionType),
    body,
    bodyText,
    requestId: undefined,
    retryAfterMs: undefined,
  });
}

interface BedrockErrorDetails {
  url: string;
  status: number | undefined;
  errorCode: string | undefined;
  body: BedrockErrorBody | undefined;
  bodyText: string;
  requestId: string | undefined;
  retryAfterMs: number | undefined;
}

function createBedrockError(details: BedrockErrorDetails): UpstreamError {
  const { errorCode, body, status } = details;
  const known = errorCode === undefined ? undefined : ERROR_CLASSES[errorClassKey(errorCode)];
  // An unknown exception inside a stream has no status: treat it as a server-side failure.
  const errorClass = known ?? { statusCode: status ?? 500 };
  const upstreamMessage = body?.message ?? body?.Message ?? undefined;
  const isAuthFailure = errorClass.code === 'upstream_auth_failed';
  const isValidation = errorClass.statusCode === 400 && errorClass.code === undefined;
  const message = isAuthFailure
    ? `The upstream rejected the gateway's AWS credentials (${errorCode ?? `HTTP ${status}`}).`
    : (upstreamMessage ?? `Bedrock answered ${errorCode ?? `HTTP ${status}`}.`);
  return new UpstreamError(message, {
    url: details.url,
    statusCode: errorClass.statusCode,
    code:
      isValidation && upstreamMessage !== undefined && CONTEXT_TOO_LONG.test(upstreamMessage)
        ? 'context_length_exceeded'
        : errorClass.code,
    responseBody: truncate(details.bodyText),
    retryAfterMs: details.retryAfterMs,
    details: compact({
      upstreamCode: errorCode,
      upstreamStatus: status !== errorClass.statusCode ? status : undefined,
      requestId: details.requestId,
      originalStatusCode: body?.originalStatusCode ?? undefined,
    }),
  });
}

/** `ThrottlingException:http://internal…` → `ThrottlingException`; `aws.protocols#X` → `X`. */
function normalizeErrorCode(raw: string): string {
  const withoutUri = raw.split(':')[0] ?? raw;
  return (withoutUri.split('#').at(-1) ?? withoutUri).trim();
}

function errorClassKey(errorCode: string): string {
  return errorCode.toLowerCase().replace(/exception$/, '');
}

function parseBedrockErrorBody(bodyText: string): BedrockErrorBody | undefined {
  const parsed = safeParseJson(bodyText);
  if (!parsed.success) return undefined;
  const body = bedrockErrorBodySchema.safeParse(parsed.value);
  return body.success ? body.data : undefined;
}

/** `x-amz-retry-after`, in milliseconds, which the AWS SDKs honour (Bedrock itself rarely sends it). */
function parseAmazonRetryAfter(headers: ResponseHeaders): number | undefined {
  const value = Number.parseInt(firstValue(headers['x-amz-retry-after']) ?? '', 10);
  return Number.isFinite(value) && value >= 0 ? value : undefined;
}

function firstValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

function compact(record: Record<string, unknown>): Record<string, unknown> | undefined {
  const entries = Object.entries(record).filter(([, value]) => value !== undefined);
  return entries.length === 0 ? undefined : Object.fromEntries(entries);
}

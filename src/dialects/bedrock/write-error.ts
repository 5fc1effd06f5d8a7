import type { GatewayError, GatewayErrorCode } from '../../core/gateway-error.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';

/** An AWS exception name and the HTTP status Bedrock answers it with. */
export interface BedrockError {
  name: string;
  status: number;
}

const validation = (status = 400): BedrockError => ({ name: 'ValidationException', status });
const throttling: BedrockError = { name: 'ThrottlingException', status: 429 };
const unavailable: BedrockError = { name: 'ServiceUnavailableException', status: 503 };
const modelError: BedrockError = { name: 'ModelErrorException', status: 424 };

/**
 * Every gateway code as the AWS exception the AWS SDKs know. Signature failures use the AWS front
 * end's own names (`InvalidSignatureException` for a mismatch and for clock skew, which the SDKs
 * recognise and correct), and 5xx/429 only where a retry can help — the SDKs retry those.
 */
const BEDROCK_ERRORS: Record<GatewayErrorCode, BedrockError> = {
  invalid_json: validation(),
  invalid_request: validation(),
  unsupported_parameter: validation(),
  duplicate_name: validation(),
  context_length_exceeded: validation(),
  authentication_required: { name: 'MissingAuthenticationTokenException', status: 403 },
  invalid_api_key: { name: 'UnrecognizedClientException', status: 403 },
  incomplete_signature: { name: 'IncompleteSignatureException', status: 403 },
  unknown_access_key: { name: 'UnrecognizedClientException', status: 403 },
  signature_mismatch: { name: 'InvalidSignatureException', status: 403 },
  request_expired: { name: 'InvalidSignatureException', status: 403 },
  permission_denied: { name: 'AccessDeniedException', status: 403 },
  model_not_found: { name: 'ResourceNotFoundException', status: 404 },
  not_found: { name: 'UnknownOperationException', status: 404 },
  method_not_allowed: { name: 'UnknownOperationException', status: 405 },
  request_too_large: validation(413),
  unsupported_media_type: validation(415),
  rate_limited: throttling,
  // Not a 429: the SDKs would retry an error that cannot succeed until the budget resets.
  budget_exceeded: { name: 'ServiceQuotaExceededException', status: 400 },
  content_filtered: validation(),
  guardrail_blocked: validation(),
  upstream_rate_limited: throttling,
  upstream_invalid_request: validation(),
  upstream_error: modelError,
  upstream_bad_response: modelError,
  upstream_auth_failed: modelError,
  upstream_timeout: { name: 'ModelTimeoutException', status: 408 },
  upstream_unavailable: unavailable,
  no_eligible_target: unavailable,
  overloaded: unavailable,
  shutting_down: unavailable,
  limits_unavailable: unavailable,
  storage_unavailable: unavailable,
  cancelled: { name: 'InternalServerException', status: 499 },
  internal_error: { name: 'InternalServerException', status: 500 },
};

/**
 * The AWS exception for a gateway error. An upstream 4xx keeps its status (e.g. 413).
 *
 * @example
 * bedrockErrorFor(new GatewayError('model_not_found', 'x')) // { name: 'ResourceNotFoundException', status: 404 }
 */
export function bedrockErrorFor(error: GatewayError): BedrockError {
  const mapped = BEDROCK_ERRORS[error.code];
  if (error.code === 'upstream_invalid_request' && error.status >= 400 && error.status < 500) {
    return { name: mapped.name, status: error.status };
  }
  return mapped;
}

/** The event-stream exception types a ConverseStream / InvokeModelWithResponseStream may carry. */
export type StreamOperation = 'converse' | 'invoke';

/**
 * The in-stream exception for an error after the 200 went out, from the operation's declared set:
 * `throttlingException`, `validationException`, `modelStreamErrorException`,
 * `serviceUnavailableException`, `internalServerException` (+ `modelTimeoutException` on Invoke).
 *
 * @example
 * streamExceptionFor(new GatewayError('upstream_rate_limited', 'x'), 'converse') // 'throttlingException'
 */
export function streamExceptionFor(error: GatewayError, operation: StreamOperation): string {
  switch (bedrockErrorFor(error).name) {
    case 'ThrottlingException':
      return 'throttlingException';
    case 'ServiceUnavailableException':
      return 'serviceUnavailableException';
    case 'ModelErrorException':
      return 'modelStreamErrorException';
    case 'ModelTimeoutException':
      return operation === 'invoke' ? 'modelTimeoutException' : 'modelStreamErrorException';
    case 'InternalServerException':
      return 'internalServerException';
    default:
      return 'validationException';
  }
}

/** Bedrock's error-type header value, which the AWS SDKs read the exception name from. */
export function errorTypeHeader(name: string): string {
  return `${name}:http://internal.amazon.com/coral/com.amazon.bedrock/`;
}

/**
 * Writes an error the way Bedrock does: the exception's status, `x-amzn-ErrorType`,
 * `x-amzn-RequestId` and a `{"message": …}` body — so the AWS SDK throws the named exception class
 * (`ValidationException`, `ThrottlingException` …). The stable Converge code is in
 * `x-converge-error-code`.
 *
 * @example
 * writeBedrockError(response, new GatewayError('model_not_found', 'No such model'), requestId);
 */
export function writeBedrockError(response: RawResponse, error: GatewayError, requestId: string): void {
  const { name, status } = bedrockErrorFor(error);
  writeJson(
    response,
    status,
    { message: error.message },
    {
      'x-amzn-errortype': errorTypeHeader(name),
      'x-amzn-requestid': requestId,
      'x-converge-error-code': error.code,
    },
  );
}

import type { OutgoingHttpHeaders } from 'node:http';

/** Where AWS says an error code is defined: Bedrock's own model, or the shared front end (auth). */
const NAMESPACE = {
  bedrock: 'http://internal.amazon.com/coral/com.amazon.bedrock/',
  coral: 'http://internal.amazon.com/coral/com.amazon.coral.service/',
} as const;

/**
 * A Bedrock Runtime refusal as the service sends it: status, `x-amzn-ErrorType: Code:namespace` and a
 * `{"message": …}` body (plus any extra members, e.g. `originalStatusCode`). Thrown anywhere in a
 * handler; the route renders it.
 * @example throw new BedrockError(404, 'ResourceNotFoundException', 'Model not found.')
 */
export class BedrockError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly namespace: keyof typeof NAMESPACE = 'bedrock',
  ) {
    super(message);
    this.name = 'BedrockError';
  }

  headers(): OutgoingHttpHeaders {
    return { 'x-amzn-errortype': `${this.code}:${NAMESPACE[this.namespace]}` };
  }

  body(): string {
    return JSON.stringify({ message: this.message });
  }
}

export const INTERNAL_SERVER_MESSAGE =
  'The system encountered an unexpected error during processing. Try your request again.';
export const SERVICE_UNAVAILABLE_MESSAGE = 'Bedrock is unable to process your request.';
export const TOO_MANY_REQUESTS_MESSAGE = 'Too many requests, please wait before trying again.';
export const TOO_MANY_TOKENS_MESSAGE = 'Too many tokens, please wait before trying again.';

/** 400 ValidationException. */
export function validationError(message: string): BedrockError {
  return new BedrockError(400, 'ValidationException', message);
}

/** The message InvokeModel gives for a body the model's JSON schema rejects (everit-style path). */
export function malformedInput(detail: string): BedrockError {
  return validationError(`Malformed input request: ${detail}, please reformat your input and try again.`);
}

export function throttlingError(message = TOO_MANY_REQUESTS_MESSAGE): BedrockError {
  return new BedrockError(429, 'ThrottlingException', message);
}

export function internalServerError(): BedrockError {
  return new BedrockError(500, 'InternalServerException', INTERNAL_SERVER_MESSAGE);
}

export function serviceUnavailableError(): BedrockError {
  return new BedrockError(503, 'ServiceUnavailableException', SERVICE_UNAVAILABLE_MESSAGE);
}

/** 403 from the AWS front end, before Bedrock sees the request. */
export function authError(code: string, message: string): BedrockError {
  return new BedrockError(403, code, message, 'coral');
}

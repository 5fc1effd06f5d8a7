import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../../core/gateway-error.js';
import { readBearerToken } from '../openai/read-bearer-token.js';

function firstValue(value: string | string[] | undefined): string | undefined {
  const first = Array.isArray(value) ? value[0] : value;
  const trimmed = first?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}

/**
 * The virtual key: `x-api-key` (Anthropic's own header), else `Authorization: Bearer` (what the SDK
 * sends for `authToken`, and for `apiKey` in recent versions).
 *
 * @example
 * readAnthropicCredential({ 'x-api-key': 'sk-cvg-…' }) // 'sk-cvg-…'
 */
export function readAnthropicCredential(headers: IncomingHttpHeaders): string | undefined {
  return firstValue(headers['x-api-key']) ?? readBearerToken(headers);
}

/**
 * Every `anthropic-beta` flag, from comma-joined values and repeated headers, trimmed and deduplicated.
 *
 * @example
 * readAnthropicBetas({ 'anthropic-beta': 'prompt-caching-2024-07-31, context-1m-2025-08-07' })
 * // ['prompt-caching-2024-07-31', 'context-1m-2025-08-07']
 */
export function readAnthropicBetas(headers: IncomingHttpHeaders): string[] {
  const raw = headers['anthropic-beta'];
  const values = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  const flags = values.flatMap((value) => value.split(',')).map((flag) => flag.trim());
  return [...new Set(flags.filter((flag) => flag !== ''))];
}

/** API versions are dates; the SDK sends the one it was built for, so any well-formed date is accepted. */
const VERSION_FORMAT = /^\d{4}-\d{2}-\d{2}$/;

/**
 * Anthropic requires `anthropic-version`; without it (or with a value that is not a version date)
 * the request is refused with 400 `invalid_request_error`, as Anthropic does.
 *
 * @example
 * checkAnthropicVersion({ 'anthropic-version': '2023-06-01' }) // no throw
 */
export function checkAnthropicVersion(headers: IncomingHttpHeaders): void {
  const version = firstValue(headers['anthropic-version']);
  if (version === undefined) {
    throw new GatewayError('invalid_request', 'anthropic-version: header is required', {
      param: 'anthropic-version',
    });
  }
  if (!VERSION_FORMAT.test(version)) {
    throw new GatewayError(
      'invalid_request',
      `anthropic-version: invalid version \`${version.slice(0, 40)}\`; expected a date such as 2023-06-01`,
      { param: 'anthropic-version' },
    );
  }
}

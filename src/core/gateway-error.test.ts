import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GATEWAY_ERROR_CODES, GatewayError, toGatewayError } from './gateway-error.js';
import { UpstreamError } from './upstream-error.js';

function documentedCodes(): Map<string, string> {
  const text = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
  const rows = new Map<string, string>();
  for (const match of text.matchAll(/^\| `([a-z_]+)` \| (\d{3}|4xx) \|/gm))
    rows.set(match[1] ?? '', match[2] ?? '');
  return rows;
}

describe('error codes', () => {
  it('docs/errors.md lists exactly the codes in GATEWAY_ERROR_CODES, with their statuses', () => {
    const documented = documentedCodes();
    expect([...documented.keys()].sort()).toEqual(Object.keys(GATEWAY_ERROR_CODES).sort());
    for (const [code, status] of Object.entries(GATEWAY_ERROR_CODES)) {
      if (documented.get(code) !== '4xx') expect(`${code} ${documented.get(code)}`).toBe(`${code} ${status}`);
    }
  });

  it('takes the status from the code unless overridden', () => {
    expect(new GatewayError('model_not_found', 'x').status).toBe(404);
    expect(new GatewayError('upstream_error', 'x', { status: 503 }).status).toBe(503);
  });

  it('wraps unknown throwables as internal errors and aborts as cancellations', () => {
    expect(toGatewayError(new TypeError('boom')).code).toBe('internal_error');
    const abort = new Error('aborted');
    abort.name = 'AbortError';
    expect(toGatewayError(abort).code).toBe('cancelled');
  });
});

describe('UpstreamError', () => {
  const base = { url: 'https://upstream.test/v1/chat/completions' };
  it.each([
    [429, 'upstream_rate_limited', 429, true],
    [500, 'upstream_error', 502, true],
    [503, 'upstream_unavailable', 503, true],
    [504, 'upstream_timeout', 504, true],
    [400, 'upstream_invalid_request', 400, false],
    [422, 'upstream_invalid_request', 422, false],
    [401, 'upstream_auth_failed', 502, false],
    [404, 'upstream_error', 502, false],
    [undefined, 'upstream_unavailable', 503, true],
  ] as const)('status %s → %s (%s), retryable %s', (statusCode, code, status, retryable) => {
    const error = new UpstreamError('failed', { ...base, statusCode });
    expect([error.code, error.status, error.isRetryable]).toEqual([code, status, retryable]);
  });
});

import { describe, expect, it } from 'vitest';
import { UpstreamError } from '../../core/upstream-error.js';
import { mapOpenAIError, parseOpenAIErrorBody } from './map-openai-error.js';
import { parseRetryAfter } from './parse-retry-after.js';

const url = 'https://api.openai.com/v1/chat/completions';

describe('parseRetryAfter', () => {
  const now = Date.parse('2025-01-01T00:00:00Z');

  it('prefers retry-after-ms (float ms, rounded up) over retry-after', () => {
    expect(parseRetryAfter({ 'retry-after-ms': '10.2', 'retry-after': '30' }, now)).toBe(11);
  });

  it('reads retry-after as seconds or as an HTTP date', () => {
    expect(parseRetryAfter({ 'retry-after': '2' }, now)).toBe(2000);
    expect(parseRetryAfter({ 'retry-after': '0.5' }, now)).toBe(500);
    expect(parseRetryAfter({ 'retry-after': 'Wed, 01 Jan 2025 00:00:03 GMT' }, now)).toBe(3000);
    expect(parseRetryAfter({ 'retry-after': 'Tue, 31 Dec 2024 23:59:00 GMT' }, now)).toBe(0);
  });

  it('ignores missing or unreadable values', () => {
    expect(parseRetryAfter({}, now)).toBeUndefined();
    expect(parseRetryAfter({ 'retry-after': 'soon', 'retry-after-ms': '-5' }, now)).toBeUndefined();
  });
});

describe('mapOpenAIError', () => {
  it('reads a body without an error key as the error itself, like the OpenAI SDK', () => {
    expect(parseOpenAIErrorBody('{"message":"bad","code":"x"}')).toMatchObject({ message: 'bad', code: 'x' });
    expect(parseOpenAIErrorBody('<html>502 Bad Gateway</html>')).toBeUndefined();
  });

  it('maps context_length_exceeded to its own gateway code', () => {
    const error = mapOpenAIError({
      url,
      status: 400,
      headers: {},
      bodyText: JSON.stringify({
        error: { message: 'too long', code: 'context_length_exceeded', param: 'messages' },
      }),
    });
    expect(error).toMatchObject({
      code: 'context_length_exceeded',
      status: 400,
      isRetryable: false,
      param: 'messages',
    });
  });

  it('falls back to the status for non-JSON bodies and truncates what it keeps', () => {
    const error = mapOpenAIError({ url, status: 503, headers: {}, bodyText: 'x'.repeat(10_000) });
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
      message: 'The upstream answered HTTP 503.',
    });
    expect((error as UpstreamError).responseBody?.length).toBeLessThan(4200);
  });

  it('lets a provider hook take over, and falls back when it declines', () => {
    const hooked = mapOpenAIError(
      { url, status: 400, headers: {}, bodyText: '{"error":{"code":"special"}}' },
      (details) =>
        details.error?.code === 'special'
          ? new UpstreamError('special', { url, statusCode: 400, code: 'guardrail_blocked' })
          : undefined,
    );
    expect(hooked.code).toBe('guardrail_blocked');
    const declined = mapOpenAIError(
      { url, status: 400, headers: {}, bodyText: '{"error":{"code":"other"}}' },
      () => undefined,
    );
    expect(declined.code).toBe('upstream_invalid_request');
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import {
  ANTHROPIC_KEY,
  LIMITED_ANTHROPIC_KEY,
  startAnthropicFixture,
} from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = (apiKey = ANTHROPIC_KEY) => new Anthropic({ baseURL: fixture.url, apiKey, maxRetries: 0 });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];
const valid = { model, max_tokens: 16, messages: hello };

/** Runs a call that must fail and returns what it threw. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const thrown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(thrown instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(thrown)}`);
  return thrown;
}

type ErrorBody = { type: string; error: { type: string; message: string }; request_id: string };

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': ANTHROPIC_KEY,
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ErrorBody };
}

describe('bad input through the Anthropic dialect', () => {
  it('malformed JSON → 400 invalid_request_error in Anthropic’s shape, with a rejected usage row', async () => {
    const response = await post('/v1/messages', '{"model": "claude-sonnet-4-6", "messages": [');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      type: 'error',
      error: {
        type: 'invalid_request_error',
        message: expect.stringContaining('could not parse the JSON body'),
      },
      request_id: response.headers.get('request-id'),
    });
    expect(response.body.request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('x-converge-error-code')).toBe('invalid_json');
    const requestId = response.headers.get('x-converge-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_json',
      dialect: 'anthropic',
      keyName: 'full',
    });
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it.each([
    [{ model, messages: hello }, 'max_tokens: Field required'],
    [{ ...valid, max_tokens: 'many' }, 'max_tokens: Input should be a valid number'],
    [{ ...valid, max_tokens: 1.5 }, 'max_tokens: Input should be a valid integer'],
    [{ ...valid, max_tokens: 0 }, 'max_tokens: Input should be greater than or equal to 1'],
    [{ ...valid, model: undefined }, 'model: Field required'],
    [{ ...valid, messages: 'hello' }, 'messages: Input should be a valid list'],
    [{ ...valid, messages: [] }, 'messages: List should have at least 1 item'],
    [
      { ...valid, messages: [{ role: 'user', content: 5 }] },
      'messages.0.content: Input should be a valid string or a valid list',
    ],
    [
      { ...valid, messages: [{ role: 'robot', content: 'x' }] },
      "messages.0.role: Input should be 'user', 'assistant' or 'system'",
    ],
    [
      { ...valid, messages: [{ role: 'user', content: [{ text: 'x' }] }] },
      'messages.0.content.0.type: Field required',
    ],
    [
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'base64', data: 'x' } }] }],
      },
      "messages.0.content.0.source.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'",
    ],
    [{ ...valid, temperature: 1.5 }, 'temperature: Input should be less than or equal to 1'],
    [{ ...valid, stop_sequences: 'END' }, 'stop_sequences: Input should be a valid list'],
    [
      { ...valid, tool_choice: { type: 'sometimes' } },
      "tool_choice.type: Input should be 'auto', 'any', 'tool' or 'none'",
    ],
    [
      { ...valid, max_tokens: 4096, thinking: { type: 'enabled', budget_tokens: 100 } },
      'thinking.budget_tokens: Input should be greater than or equal to 1024',
    ],
    [
      { ...valid, max_tokens: 2048, thinking: { type: 'enabled', budget_tokens: 2048 } },
      '`max_tokens` must be greater than `thinking.budget_tokens`.',
    ],
    [{ ...valid, tools: [{ name: 'f', description: 'no schema' }] }, 'tools.0.input_schema: Field required'],
    [
      {
        ...valid,
        messages: [
          { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'ok' }] },
        ],
      },
      'messages.0.content.0: unexpected `tool_use_id` found in `tool_result` blocks: toolu_x.',
    ],
    [
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'tool_use', id: 'a', name: 'f', input: {} }] }],
      },
      'messages.0.content.0: `tool_use` blocks are not allowed in user messages.',
    ],
  ])('invalid body %# → 400 BadRequestError naming the field', async (body, message) => {
    const error = await failure(
      client().messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming),
    );
    expect(error).toBeInstanceOf(Anthropic.BadRequestError);
    expect([error.status, error.type, error.headers?.get('x-converge-error-code')]).toEqual([
      400,
      'invalid_request_error',
      'invalid_request',
    ]);
    expect(error.apiMessage).toContain(message);
  });

  it.each([
    [{ ...valid, tools: [{ type: 'web_search_20250305', name: 'web_search' }] }, 'tools.0.type'],
    [{ ...valid, container: 'container_123' }, 'container'],
    [{ ...valid, mcp_servers: [{ type: 'url', url: 'https://mcp.test', name: 'x' }] }, 'mcp_servers'],
    [
      { ...valid, messages: [{ role: 'user', content: [{ type: 'search_result', source: 's' }] }] },
      'messages.0.content.0.type',
    ],
    [
      {
        ...valid,
        messages: [{ role: 'user', content: [{ type: 'image', source: { type: 'file', file_id: 'f' } }] }],
      },
      'messages.0.content.0.source',
    ],
  ])(
    'an Anthropic feature the gateway cannot carry %# → 400 unsupported_parameter naming it',
    async (body, param) => {
      const error = await failure(
        client().messages.create(body as unknown as Anthropic.MessageCreateParamsNonStreaming),
      );
      expect([error.status, error.type, error.headers?.get('x-converge-error-code')]).toEqual([
        400,
        'invalid_request_error',
        'unsupported_parameter',
      ]);
      expect(error.apiMessage).toMatch(new RegExp(`^${param.replaceAll('.', '\\.')}: `));
      expect(fixture.provider.calls).toHaveLength(0);
    },
  );

  it('unknown model → 404 NotFoundError not_found_error listing close names', async () => {
    const error = await failure(client().messages.create({ ...valid, model: 'claude-sonnet-4' }));
    expect(error).toBeInstanceOf(Anthropic.NotFoundError);
    expect([error.type, error.headers?.get('x-converge-error-code')]).toEqual([
      'not_found_error',
      'model_not_found',
    ]);
    expect(error.apiMessage).toContain('Did you mean `claude-sonnet-4-6`');
    // A limited key neither reaches nor is told about models outside its list.
    const limited = await failure(
      client(LIMITED_ANTHROPIC_KEY).messages.create({ ...valid, model: 'claude-haiku-4' }),
    );
    expect(limited).toBeInstanceOf(Anthropic.NotFoundError);
    expect(limited.apiMessage).toContain('Did you mean `claude-haiku-4-5`?');
    const hidden = await failure(client(LIMITED_ANTHROPIC_KEY).messages.create(valid));
    expect(hidden).toBeInstanceOf(Anthropic.NotFoundError);
    expect(hidden.apiMessage).not.toContain('claude-sonnet-4-6`?');
  });

  it('bad or missing key → 401 AuthenticationError authentication_error, with a rejected usage row', async () => {
    const wrong = await failure(client('sk-cvg-not-a-real-key-000000000000').messages.create(valid));
    expect(wrong).toBeInstanceOf(Anthropic.AuthenticationError);
    expect([wrong.type, wrong.headers?.get('x-converge-error-code')]).toEqual([
      'authentication_error',
      'invalid_api_key',
    ]);
    expect(wrong.apiMessage).not.toContain('not-a-real-key');
    expect(wrong.requestID).toMatch(/^req_/);
    const requestId = wrong.headers?.get('x-converge-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_api_key',
      httpStatus: 401,
      keyId: null,
    });
    const missing = await post('/v1/messages', JSON.stringify(valid), { 'x-api-key': '' });
    expect([missing.status, missing.body.error.type]).toEqual([401, 'authentication_error']);
  });

  it('a body over the limit → 413 ContentTooLargeError request_too_large, recorded as an early rejection', async () => {
    const error = await failure(
      client().messages.create({ ...valid, messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }] }),
    );
    expect(error).toBeInstanceOf(Anthropic.ContentTooLargeError);
    expect([error.status, error.type]).toEqual([413, 'request_too_large']);
    expect(error.apiMessage).toContain('65536 bytes');
    const row = await fixture.waitForUsageRow((candidate) => candidate.errorCode === 'request_too_large');
    expect(row).toMatchObject({ status: 'rejected', httpStatus: 413, dialect: 'anthropic' });
  });

  it('an upstream 429 → RateLimitError rate_limit_error with retry-after', async () => {
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError('Rate limit reached.', {
        url: 'https://upstream.test',
        statusCode: 429,
        retryAfterMs: 2_500,
      }),
    });
    const error = await failure(client().messages.create(valid));
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect([error.type, error.headers?.get('retry-after'), error.headers?.get('retry-after-ms')]).toEqual([
      'rate_limit_error',
      '3',
      '2500',
    ]);
    expect(error.headers?.get('x-converge-error-code')).toBe('upstream_rate_limited');
  });

  it('an overloaded upstream (503 or 529) → 529 OverloadedError overloaded_error, an InternalServerError', async () => {
    for (const statusCode of [503, 529]) {
      fixture.provider.enqueue({
        type: 'error',
        error: new UpstreamError('Overloaded', { url: 'https://upstream.test', statusCode }),
      });
      const error = await failure(client().messages.create(valid));
      expect(error).toBeInstanceOf(Anthropic.OverloadedError);
      expect(error).toBeInstanceOf(Anthropic.InternalServerError);
      expect([error.status, error.type]).toEqual([529, 'overloaded_error']);
    }
  });

  it('an upstream 500 → api_error; an exhausted budget → rate_limit_error the SDK must not retry', async () => {
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError('boom', { url: 'https://upstream.test', statusCode: 500 }),
    });
    const upstream = await failure(client().messages.create(valid));
    expect(upstream).toBeInstanceOf(Anthropic.InternalServerError);
    expect([upstream.status, upstream.type]).toEqual([502, 'api_error']);
    fixture.provider.enqueue({
      type: 'error',
      error: new GatewayError('budget_exceeded', 'The team budget is spent.'),
    });
    const budget = await failure(client().messages.create(valid));
    expect([budget.status, budget.type, budget.headers?.get('x-should-retry')]).toEqual([
      429,
      'rate_limit_error',
      'false',
    ]);
  });
});

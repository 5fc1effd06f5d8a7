import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import {
  type DialectFixture,
  FULL_KEY,
  startDialectFixture,
} from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startDialectFixture('openai');
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = (apiKey = FULL_KEY) => new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey, maxRetries: 0 });
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];

/** Runs a call that must fail and returns what it threw. */
async function failure(call: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const thrown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(thrown instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(thrown)}`);
  return thrown;
}

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${FULL_KEY}`, ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { error: Record<string, unknown> },
  };
}

describe('bad input through the OpenAI dialect', () => {
  it('malformed JSON → 400 invalid_json in OpenAI’s error shape, with a rejected usage row', async () => {
    const response = await post('/v1/chat/completions', '{"model": "gpt-4o", "messages": [');
    expect(response.status).toBe(400);
    expect(response.body).toEqual({
      error: {
        message: expect.stringContaining('could not parse the JSON body'),
        type: 'invalid_request_error',
        param: null,
        code: 'invalid_json',
      },
    });
    expect(response.headers.get('x-converge-error-code')).toBe('invalid_json');
    const requestId = response.headers.get('x-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_json',
      httpStatus: 400,
      keyName: 'full',
    });
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it('an empty body and a non-object body are refused clearly', async () => {
    expect((await post('/v1/chat/completions', '')).body.error).toMatchObject({ code: 'invalid_json' });
    expect((await post('/v1/chat/completions', '[1,2]')).body.error).toMatchObject({
      code: 'invalid_request',
      message: 'The request body must be a JSON object, not an array.',
    });
  });

  it.each([
    [
      { model: 'gpt-4o', messages: 'hello' },
      'messages',
      "Invalid type for 'messages': expected an array, but got a string instead.",
    ],
    [
      { model: 'gpt-4o', messages: [{ role: 'user', content: 5 }] },
      'messages[0].content',
      "Invalid type for 'messages[0].content': expected a string or an array, but got an integer instead.",
    ],
    [
      { model: 'gpt-4o', messages: [{ role: 'robot', content: 'x' }] },
      'messages[0].role',
      "Invalid value for 'messages[0].role': 'robot'. Supported values are: 'system', 'developer', 'user', 'assistant', 'tool', 'function'.",
    ],
    [
      {
        model: 'gpt-4o',
        messages: [
          { role: 'user', content: [{ type: 'image_url', image_url: { url: 'x', detail: 'huge' } }] },
        ],
      },
      'messages[0].content[0].image_url.detail',
      "Invalid value for 'messages[0].content[0].image_url.detail': 'huge'. Supported values are: 'auto', 'low', 'high'.",
    ],
    [
      { model: 'gpt-4o', messages: [{ role: 'tool', content: 'x' }] },
      'messages[0].tool_call_id',
      "Missing required parameter: 'messages[0].tool_call_id'.",
    ],
    [
      { model: 'gpt-4o', messages, temperature: 'hot' },
      'temperature',
      "Invalid type for 'temperature': expected a number, but got a string instead.",
    ],
    [
      { model: 'gpt-4o', messages, temperature: 3 },
      'temperature',
      "Invalid 'temperature': expected a value <= 2, but got 3 instead.",
    ],
    [
      { model: 'gpt-4o', messages, stop: ['a', 'b', 'c', 'd', 'e'] },
      'stop',
      "Invalid 'stop': expected an array with at most 4 items, but got 5.",
    ],
    [{ model: 'gpt-4o', messages: [] }, 'messages', "Invalid 'messages': expected a non-empty array."],
    [{ messages }, 'model', "Missing required parameter: 'model'."],
  ])('wrong field %# → 400 BadRequestError naming %s', async (body, param, message) => {
    const error = await failure(
      client().chat.completions.create(body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming),
    );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect([error.status, error.code, error.param, error.type]).toEqual([
      400,
      'invalid_request',
      param,
      'invalid_request_error',
    ]);
    expect(error.error).toMatchObject({ message });
  });

  it('n other than 1 → 400 unsupported_parameter naming n', async () => {
    const error = await failure(client().chat.completions.create({ model: 'gpt-4o', messages, n: 2 }));
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect([error.code, error.param]).toEqual(['unsupported_parameter', 'n']);
  });

  it('unknown model → 404 NotFoundError model_not_found listing close names', async () => {
    const error = await failure(client().chat.completions.create({ model: 'gpt-4', messages }));
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    expect([error.code, error.param]).toEqual(['model_not_found', 'model']);
    expect(error.message).toContain('Did you mean `gpt-4o`');
  });

  it('missing key → 401 authentication_required; wrong key → 401 invalid_api_key; both leave rejected rows', async () => {
    const missing = await failure(
      new OpenAI({
        baseURL: `${fixture.url}/v1`,
        apiKey: 'unused',
        maxRetries: 0,
        defaultHeaders: { authorization: null },
      }).chat.completions.create({
        model: 'gpt-4o',
        messages,
      }),
    );
    expect(missing).toBeInstanceOf(OpenAI.AuthenticationError);
    expect([missing.code, missing.type]).toEqual(['authentication_required', 'invalid_request_error']);
    const wrong = await failure(
      client('sk-cvg-not-a-real-key-000000000000').chat.completions.create({ model: 'gpt-4o', messages }),
    );
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(wrong.code).toBe('invalid_api_key');
    expect(wrong.message).toContain('sk-c');
    expect(wrong.message).not.toContain('not-a-real-key');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === wrong.requestID);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_api_key',
      httpStatus: 401,
      keyId: null,
    });
  });

  it('a bad key is refused before the body is read', async () => {
    const response = await post('/v1/chat/completions', '{not json', {
      authorization: 'Bearer sk-wrong-000000000000',
    });
    expect([response.status, response.body.error['code']]).toEqual([401, 'invalid_api_key']);
  });

  it('accepts the Bearer scheme in any case and with extra spaces', async () => {
    const response = await fetch(`${fixture.url}/v1/models`, {
      headers: { authorization: `  bEaReR   ${FULL_KEY} ` },
    });
    expect(response.status).toBe(200);
  });

  it('a body over the limit → 413 request_too_large, recorded as an early rejection', async () => {
    const error = await failure(
      client().chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
      }),
    );
    expect([error.status, error.code, error.type]).toEqual([
      413,
      'request_too_large',
      'invalid_request_error',
    ]);
    expect(error.message).toContain('65536 bytes');
    expect(error.headers?.get('x-converge-error-code')).toBe('request_too_large');
    const row = await fixture.waitForUsageRow((candidate) => candidate.errorCode === 'request_too_large');
    expect(row).toMatchObject({ status: 'rejected', httpStatus: 413, dialect: 'openai' });
  });

  it('an upstream 429 → RateLimitError with retry-after headers', async () => {
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError('Rate limit reached for gpt-4o.', {
        url: 'https://upstream.test',
        statusCode: 429,
        retryAfterMs: 2_500,
      }),
    });
    const error = await failure(client().chat.completions.create({ model: 'gpt-4o', messages }));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect([error.code, error.type]).toEqual(['upstream_rate_limited', 'requests']);
    expect(error.headers?.get('retry-after')).toBe('3');
    expect(error.headers?.get('retry-after-ms')).toBe('2500');
    expect(error.headers?.get('x-should-retry')).toBeNull();
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === error.requestID);
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_rate_limited', httpStatus: 429 });
  });

  it('an exhausted budget → 429 insufficient_quota that tells the SDK not to retry', async () => {
    fixture.provider.enqueue({
      type: 'error',
      error: new GatewayError('budget_exceeded', 'The team budget is spent.'),
    });
    const error = await failure(client().chat.completions.create({ model: 'gpt-4o', messages }));
    expect([error.status, error.code, error.type]).toEqual([429, 'budget_exceeded', 'insufficient_quota']);
    expect(error.headers?.get('x-should-retry')).toBe('false');
  });

  it('an internal failure → 500 server_error', async () => {
    fixture.provider.enqueue({ type: 'error', error: new TypeError('boom') });
    const error = await failure(client().chat.completions.create({ model: 'gpt-4o', messages }));
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect([error.code, error.type, error.message]).toEqual([
      'internal_error',
      'server_error',
      '500 An internal error occurred.',
    ]);
  });

  it('unknown paths → 404 not_found and wrong methods → 405, in OpenAI’s shape', async () => {
    const unknown = await post('/v1/completions', '{}');
    expect([unknown.status, unknown.body.error['code'], unknown.body.error['type']]).toEqual([
      404,
      'not_found',
      'invalid_request_error',
    ]);
    const wrongMethod = await fetch(`${fixture.url}/v1/chat/completions`, {
      headers: { authorization: `Bearer ${FULL_KEY}` },
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(((await wrongMethod.json()) as { error: { code: string } }).error.code).toBe('method_not_allowed');
  });
});

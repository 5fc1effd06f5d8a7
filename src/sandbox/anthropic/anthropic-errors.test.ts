import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicSandbox, startAnthropicSandbox } from './start-anthropic-sandbox.js';

let sandbox: AnthropicSandbox;
let client: Anthropic;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox({
    anthropic: {
      capacity: { 'claude-3-5-haiku-latest': { rpm: 2 }, 'claude-opus-4-1': { inputTpm: 5 } },
    },
  });
  client = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const MODEL = 'claude-3-7-sonnet-20250219';
const base = { model: MODEL, max_tokens: 64, messages: [{ role: 'user' as const, content: 'Hello' }] };
const fault = (value: string) => ({ headers: { 'x-sandbox-fault': value } });

type ErrorBody = { type: string; error: { type: string; message: string }; request_id: string };

function post(body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(`${sandbox.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

describe('authentication and version', () => {
  it('refuses a wrong key with AuthenticationError and the real body', async () => {
    const wrong = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-wrong', maxRetries: 0 });
    const error = await wrong.messages.create(base).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.AuthenticationError);
    if (!(error instanceof Anthropic.AuthenticationError)) return;
    expect(error.type).toBe('authentication_error');
    expect(error.requestID).toMatch(/^req_011C/);
    expect(error.error).toMatchObject({
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    });
  });

  it('refuses a missing key and a missing anthropic-version', async () => {
    const anonymous = await post(base, { 'anthropic-version': '2023-06-01' });
    expect(anonymous.status).toBe(401);
    expect(((await anonymous.json()) as ErrorBody).error.message).toBe('x-api-key header is required');
    const unversioned = await post(base, { 'x-api-key': 'sk-ant-sandbox' });
    expect(unversioned.status).toBe(400);
    expect((await unversioned.json()) as ErrorBody).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });
});

describe('validation (400 invalid_request_error naming the field)', () => {
  it.each([
    [{ model: MODEL, messages: base.messages }, 'max_tokens: Field required'],
    [{ ...base, max_tokens: 'many' }, 'max_tokens: Input should be a valid integer'],
    [{ ...base, temperature: 3 }, 'temperature: Input should be less than or equal to 1'],
    [{ ...base, top_n: 1 }, 'top_n: Extra inputs are not permitted'],
    [
      { ...base, messages: [{ role: 'system', content: 'x' }] },
      "messages.0.role: Input should be 'user' or 'assistant'",
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'video', url: 'x' }] }] },
      "messages.0.content.0: Input tag 'video' found using 'type' does not match any of the expected tags",
    ],
    [
      { ...base, messages: [{ role: 'user', content: [{ type: 'text' }] }] },
      'messages.0.content.0.text: Field required',
    ],
    [
      { ...base, max_tokens: 100_000 },
      'max_tokens: 100000 > 64000, which is the maximum allowed number of output tokens',
    ],
  ])('%j → %s', async (body, message) => {
    const response = await post(body, { 'x-api-key': 'sk-ant-sandbox', 'anthropic-version': '2023-06-01' });
    expect(response.status).toBe(400);
    const error = (await response.json()) as ErrorBody;
    expect(error.error.type).toBe('invalid_request_error');
    expect(error.error.message).toContain(message);
  });

  it('raises BadRequestError in the SDK for a missing max_tokens', async () => {
    const attempt = client.messages.create({
      model: MODEL,
      messages: base.messages,
    } as unknown as Anthropic.MessageCreateParamsNonStreaming);
    await expect(attempt).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(attempt).rejects.toMatchObject({ status: 400, type: 'invalid_request_error' });
  });

  it('answers an unknown model with NotFoundError "model: …"', async () => {
    const attempt = client.messages.create({ ...base, model: 'claude-9' });
    await expect(attempt).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(attempt).rejects.toMatchObject({
      type: 'not_found_error',
      message: expect.stringContaining('model: claude-9'),
    });
  });
});

describe('capacity and faults', () => {
  it('429 RateLimitError with retry-after and anthropic-ratelimit headers when the RPM is spent', async () => {
    const haiku = { ...base, model: 'claude-3-5-haiku-20241022' };
    const ok = await client.messages.create(haiku).withResponse();
    expect(ok.response.headers.get('anthropic-ratelimit-requests-limit')).toBe('2');
    expect(ok.response.headers.get('anthropic-ratelimit-requests-remaining')).toBe('1');
    await client.messages.create(haiku);
    const error = await client.messages.create(haiku).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    if (!(error instanceof Anthropic.RateLimitError)) return;
    expect(error.type).toBe('rate_limit_error');
    expect(error.message).toContain('rate limit of 2 requests per minute');
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(error.headers?.get('anthropic-ratelimit-requests-remaining')).toBe('0');
  });

  it('counts uncached input tokens against the input limit', async () => {
    const error = await client.messages
      .create({ ...base, model: 'claude-opus-4-1' })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    expect(error instanceof Anthropic.RateLimitError && error.message).toContain('5 input tokens per minute');
  });

  it('x-sandbox-fault: overloaded → 529 overloaded_error (an InternalServerError the SDK would retry)', async () => {
    const error = await client.messages.create(base, fault('overloaded')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Anthropic.InternalServerError);
    expect(error).toMatchObject({
      status: 529,
      type: 'overloaded_error',
      error: { error: { message: 'Overloaded' } },
    });
  });

  it('x-sandbox-fault: 429 → RateLimitError with retry-after: 1; 500 → api_error', async () => {
    const limited = await client.messages.create(base, fault('429')).catch((caught: unknown) => caught);
    expect(limited instanceof Anthropic.RateLimitError && limited.headers?.get('retry-after')).toBe('1');
    await expect(client.messages.create(base, fault('500'))).rejects.toMatchObject({
      status: 500,
      type: 'api_error',
    });
  });

  it('overloaded-after:N sends an error event mid-stream, which the SDK throws', async () => {
    const stream = await client.messages.create({ ...base, stream: true }, fault('overloaded-after:2'));
    const seen: string[] = [];
    const failure = await (async () => {
      for await (const event of stream) seen.push(event.type);
    })().catch((caught: unknown) => caught);
    expect(failure).toBeInstanceOf(Anthropic.APIError);
    expect(failure).toMatchObject({ type: 'overloaded_error' });
    expect(seen).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
    ]);
  });

  it('cut-stream-after:N drops the connection mid-stream', async () => {
    const stream = client.messages.stream(base, fault('cut-stream-after:3'));
    await expect(stream.finalMessage()).rejects.toThrow();
  });

  it('counts faults and requests in the engine stats', () => {
    const stats = sandbox.engine.stats.snapshot()['anthropic']?.[MODEL];
    expect(stats?.faults).toBeGreaterThanOrEqual(5);
  });
});

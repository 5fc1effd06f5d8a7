import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';

let sandbox: RunningSandbox;
let client: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({
    latency: 'zero',
    openai: {
      keys: ['sk-sandbox', 'sk-second'],
      capacity: { 'gpt-4o-mini': { tpm: 1000 }, 'gpt-4.1': { rpm: 2 } },
    },
  });
  client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const messages = [{ role: 'user' as const, content: 'hello' }];

type ErrorBody = {
  error: { message: string; type: string | null; param: string | null; code: string | null };
};

async function errorOf(response: Response): Promise<ErrorBody['error']> {
  return ((await response.json()) as ErrorBody).error;
}

function post(path: string, body: string, headers: Record<string, string> = {}) {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json', ...headers },
  });
}

describe('OpenAI auth', () => {
  it('refuses a missing key with the real message', async () => {
    const response = await post('/v1/chat/completions', JSON.stringify({ model: 'gpt-4o', messages }));
    expect(response.status).toBe(401);
    const error = await errorOf(response);
    expect(error).toMatchObject({ type: 'invalid_request_error', code: null, param: null });
    expect(error.message).toMatch(/^You didn't provide an API key\./);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('refuses a wrong key with AuthenticationError invalid_api_key and a masked key', async () => {
    const wrong = new OpenAI({
      baseURL: `${sandbox.url}/v1`,
      apiKey: 'sk-wrong-key-123456789xyz',
      maxRetries: 0,
    });
    const attempt = wrong.chat.completions.create({ model: 'gpt-4o', messages });
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(attempt).rejects.toMatchObject({ status: 401, code: 'invalid_api_key' });
    await expect(attempt).rejects.toThrow(/Incorrect API key provided: sk-wrong\*+9xyz\./);
  });
});

describe('OpenAI request errors', () => {
  it('answers an unknown model with NotFoundError model_not_found', async () => {
    const attempt = client.chat.completions.create({ model: 'gpt-9', messages });
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.NotFoundError);
    await expect(attempt).rejects.toMatchObject({
      code: 'model_not_found',
      message: expect.stringContaining('`gpt-9` does not exist'),
    });
  });

  it('answers malformed JSON with invalid_request_error', async () => {
    const response = await post('/v1/chat/completions', '{"model":', { authorization: 'Bearer sk-sandbox' });
    expect(response.status).toBe(400);
    expect(await errorOf(response)).toMatchObject({ type: 'invalid_request_error', param: null });
  });

  it('names the offending field in param', async () => {
    const cases: [unknown, string, string][] = [
      [{ model: 'gpt-4o' }, 'messages', 'missing_required_parameter'],
      [{ model: 'gpt-4o', messages: [] }, 'messages', 'empty_array'],
      [{ model: 'gpt-4o', messages: [{ role: 'user', content: 5 }] }, 'messages[0].content', 'invalid_type'],
      [{ model: 'gpt-4o', messages, temperature: 3 }, 'temperature', 'decimal_above_max_value'],
      [{ model: 'gpt-4o', messages, stop: ['a', 'b', 'c', 'd', 'e'] }, 'stop', 'array_above_max_length'],
      [{ model: 'gpt-4o', messages, max_tokens: 'ten' }, 'max_tokens', 'invalid_type'],
      [{ model: 'gpt-4o', messages, max_tokens: 999_999 }, 'max_tokens', 'invalid_value'],
    ];
    for (const [body, param, code] of cases) {
      const response = await post('/v1/chat/completions', JSON.stringify(body), {
        authorization: 'Bearer sk-sandbox',
      });
      expect(response.status, JSON.stringify(body)).toBe(400);
      expect(await errorOf(response), JSON.stringify(body)).toMatchObject({
        type: 'invalid_request_error',
        param,
        code,
      });
    }
  });

  it('refuses a prompt over the context window with context_length_exceeded', async () => {
    const small = await startSandbox({
      latency: 'zero',
      models: { tiny: { contextWindow: 50, maxOutputTokens: 10 } },
    });
    try {
      const tinyClient = new OpenAI({ baseURL: `${small.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
      const attempt = tinyClient.chat.completions.create({
        model: 'tiny',
        messages: [{ role: 'user', content: 'word '.repeat(60) }],
      });
      await expect(attempt).rejects.toMatchObject({
        status: 400,
        code: 'context_length_exceeded',
        param: 'messages',
      });
    } finally {
      await small.close();
    }
  });

  it('answers an unknown path with the real 404 shape', async () => {
    const response = await post('/v1/nothing-here', '{}', { authorization: 'Bearer sk-sandbox' });
    expect(response.status).toBe(404);
    expect((await errorOf(response)).message).toBe('Invalid URL (POST /v1/nothing-here)');
  });
});

describe('OpenAI capacity', () => {
  it('refuses over TPM with RateLimitError, the real message and retry headers', async () => {
    const ok = await client.chat.completions
      .create({ model: 'gpt-4o-mini', messages, max_tokens: 600 })
      .withResponse();
    expect(ok.response.headers.get('x-ratelimit-limit-tokens')).toBe('1000');
    const remaining = Number(ok.response.headers.get('x-ratelimit-remaining-tokens'));
    expect(remaining).toBe(1000 - 600 - (ok.data.usage?.prompt_tokens ?? 0));
    const attempt = client.chat.completions.create({ model: 'gpt-4o-mini', messages, max_tokens: 600 });
    await expect(attempt).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const error = await attempt.catch((caught: unknown) => caught);
    if (!(error instanceof OpenAI.RateLimitError)) throw new Error('expected a RateLimitError');
    expect(error.code).toBe('rate_limit_exceeded');
    expect(error.type).toBe('tokens');
    expect(error.message).toMatch(
      /Rate limit reached for gpt-4o-mini in organization org-sandbox on tokens per min \(TPM\): Limit 1000, Used \d+, Requested \d+\. Please try again in [\d.]+s\./,
    );
    expect(Number(error.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(error.headers?.get('x-ratelimit-limit-tokens')).toBe('1000');
    expect(Number(error.headers?.get('x-ratelimit-remaining-tokens'))).toBe(remaining);
    expect(error.headers?.get('x-ratelimit-reset-tokens')).toMatch(/^[\d.]+(ms|s)$/);
    expect(sandbox.stats()['openai']?.['gpt-4o-mini']).toMatchObject({ requests: 1, rejections: 1 });
  });

  it('refuses over RPM with type requests', async () => {
    await client.chat.completions.create({ model: 'gpt-4.1', messages });
    await client.chat.completions.create({ model: 'gpt-4.1', messages });
    const attempt = client.chat.completions.create({ model: 'gpt-4.1', messages });
    await expect(attempt).rejects.toMatchObject({
      status: 429,
      type: 'requests',
      code: 'rate_limit_exceeded',
    });
  });
});

import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LIMITED_KEY, type Stack, startStack, TEST_KEY } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack({
    bodyLimitBytes: 64 * 1024,
    sandbox: {
      azure: {
        deployments: {
          'gpt-4o': { model: 'gpt-4o' },
          'gpt-4o-mini': { model: 'gpt-4o-mini' },
          'o3-mini': { model: 'o3-mini' },
          'text-embedding-3-small': { model: 'text-embedding-3-small' },
          'tiny-quota': { model: 'gpt-4o-mini', capacity: { rpm: 1 } },
        },
      },
    },
    config: {
      deployments: { 'tiny@azure': { provider: 'azure', model: 'tiny-quota' } },
      models: { 'quota-model': { deployments: ['tiny@azure'] } },
    },
  });
});
afterAll(async () => {
  await stack?.close();
});

const openai = (apiKey = TEST_KEY) =>
  new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey, maxRetries: 0 });
const azure = (apiKey = TEST_KEY, deployment = 'gpt-4o') =>
  new AzureOpenAI({
    endpoint: stack.gateway.url,
    apiKey,
    apiVersion: '2024-10-21',
    deployment,
    maxRetries: 0,
  });

async function postRaw(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${stack.gateway.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_KEY}`, ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { error: Record<string, unknown> },
  };
}

const userMessage = [{ role: 'user' as const, content: 'hello' }];

describe('bad input gets a clear 4xx in the caller’s dialect, and a usage row', () => {
  it('malformed JSON → 400 invalid_json (OpenAI and Azure shapes)', async () => {
    const plain = await postRaw('/v1/chat/completions', '{"model": "gpt-4o", "messages": [');
    expect(plain.status).toBe(400);
    expect(plain.body.error).toMatchObject({ type: 'invalid_request_error', code: 'invalid_json' });
    expect(plain.headers.get('x-converge-error-code')).toBe('invalid_json');
    const onAzure = await postRaw(
      '/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21',
      '{oops',
      {
        'api-key': TEST_KEY,
      },
    );
    expect(onAzure.status).toBe(400);
    expect(onAzure.body.error).toMatchObject({ code: 'invalid_json' });
    const requestId = plain.headers.get('x-converge-request-id');
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_json',
      httpStatus: 400,
      keyName: 'e2e',
    });
  });

  it('wrong field types → 400 naming the field, as the SDK’s BadRequestError', async () => {
    const error = await openai()
      .chat.completions.create({ model: 'gpt-4o', messages: 'hello' as never })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('messages');
    const temperature = await openai()
      .chat.completions.create({ model: 'gpt-4o', messages: userMessage, temperature: 'hot' as never })
      .catch((caught: unknown) => caught);
    expect(temperature).toBeInstanceOf(OpenAI.BadRequestError);
    expect((temperature as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('temperature');
  });

  it('unknown model → 404 model_not_found listing close names (both dialects)', async () => {
    const error = await openai()
      .chat.completions.create({ model: 'gpt-4', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const notFound = error as InstanceType<typeof OpenAI.NotFoundError>;
    expect(notFound.code).toBe('model_not_found');
    expect(notFound.message).toContain('`gpt-4o`');
    const onAzure = await azure(TEST_KEY, 'gpt-4o-mni')
      .chat.completions.create({ model: 'ignored', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(onAzure).toBeInstanceOf(OpenAI.NotFoundError);
    expect((onAzure as Error).message).toContain('`gpt-4o-mini`');
  });

  it('a key restricted to other models gets 404 and only sees its models', async () => {
    const error = await openai(LIMITED_KEY)
      .chat.completions.create({ model: 'gpt-4o', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.NotFoundError);
    const ids = (await openai(LIMITED_KEY).models.list()).data.map((model) => model.id);
    expect(ids).toEqual(['gpt-4o-mini']);
  });

  it('missing or wrong key → 401 AuthenticationError', async () => {
    const wrong = await openai('sk-cvg-not-a-real-key-000000000000')
      .chat.completions.create({ model: 'gpt-4o', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(wrong).toBeInstanceOf(OpenAI.AuthenticationError);
    expect((wrong as InstanceType<typeof OpenAI.AuthenticationError>).code).toBe('invalid_api_key');
    const onAzure = await azure('wrong-azure-key-00000000')
      .chat.completions.create({ model: 'gpt-4o', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(onAzure).toBeInstanceOf(OpenAI.AuthenticationError);
    const missing = await fetch(`${stack.gateway.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4o', messages: userMessage }),
    });
    expect(missing.status).toBe(401);
    expect(((await missing.json()) as { error: { code: string } }).error.code).toBe(
      'authentication_required',
    );
  });

  it('a body over the limit → 413 request_too_large', async () => {
    const error = await openai()
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x'.repeat(100 * 1024) }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(413);
    expect((error as InstanceType<typeof OpenAI.APIError>).code).toBe('request_too_large');
    await stack.waitForRow((row) => row.errorCode === 'request_too_large');
  });

  it('an upstream 429 is passed through as RateLimitError with retry-after', async () => {
    const client = openai();
    await client.chat.completions.create({ model: 'quota-model', messages: userMessage });
    const error = await client.chat.completions
      .create({ model: 'quota-model', messages: userMessage })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const limited = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(Number(limited.headers?.get('retry-after'))).toBeGreaterThan(0);
    expect(limited.headers?.get('x-converge-error-code')).toBe('upstream_rate_limited');
    const requestId = limited.headers?.get('x-converge-request-id');
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_rate_limited', httpStatus: 429 });
    expect(row.attempts).toHaveLength(1);
  });

  it('Azure content filter on the prompt → BadRequestError with code content_filter', async () => {
    const error = await azure()
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'tell me CF_BLOCK_PROMPT' }],
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).code).toBe('content_filter');
  });

  it('an Azure dated path without api-version is refused like Azure does', async () => {
    const response = await fetch(`${stack.gateway.url}/openai/deployments/gpt-4o/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'api-key': TEST_KEY },
      body: JSON.stringify({ messages: userMessage }),
    });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBeTypeOf('string');
  });
});

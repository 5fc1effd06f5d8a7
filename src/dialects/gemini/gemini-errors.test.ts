import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import {
  GEMINI_KEY,
  type GeminiFixture,
  LIMITED_GEMINI_KEY,
  startGeminiFixture,
} from '../../test-support/start-gemini-fixture.js';

let fixture: GeminiFixture;
beforeAll(async () => {
  fixture = await startGeminiFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

interface GoogleError {
  code: number;
  message: string;
  status: string;
  details: Array<Record<string, unknown>>;
}

const client = (apiKey = GEMINI_KEY) => new GoogleGenAI({ apiKey, httpOptions: { baseUrl: fixture.url } });

/** Runs an SDK call that must fail; returns the ApiError and its parsed google.rpc.Status body. */
async function failure(call: Promise<unknown>): Promise<{ status: number; error: GoogleError }> {
  const thrown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(thrown instanceof ApiError)) throw new Error(`expected an ApiError, got ${String(thrown)}`);
  return { status: thrown.status, error: (JSON.parse(thrown.message) as { error: GoogleError }).error };
}

async function post(
  path: string,
  body: string,
  headers: Record<string, string> = { 'x-goog-api-key': GEMINI_KEY },
) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body,
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as { error: GoogleError },
  };
}

const info = (error: GoogleError) =>
  error.details.find((detail) => String(detail['@type']).endsWith('ErrorInfo'));

describe('bad input through the Gemini dialect', () => {
  it('malformed JSON → 400 INVALID_ARGUMENT with the Converge code, and a rejected usage row', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:generateContent', '{"contents": [');
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(response.body.error.message).toContain('could not parse the JSON body');
    expect(info(response.body.error)).toEqual({
      '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
      reason: 'INVALID_JSON',
      domain: 'converge',
      metadata: { code: 'invalid_json' },
    });
    expect(response.headers.get('x-converge-error-code')).toBe('invalid_json');
    const requestId = response.headers.get('x-converge-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'invalid_json',
      httpStatus: 400,
      dialect: 'gemini',
    });
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it.each([
    [
      { contents: 'hello' },
      'contents',
      "Invalid type for 'contents': expected an array, but got a string instead.",
    ],
    [
      { contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] },
      'contents[0].role',
      "Invalid value for 'contents[0].role': 'assistant'. Supported values are: 'user', 'model', 'function'.",
    ],
    [
      { contents: [{ parts: [{ text: 5 }] }] },
      'contents[0].parts[0].text',
      "Invalid type for 'contents[0].parts[0].text': expected a string, but got an integer instead.",
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { temperature: 'hot' } },
      'generationConfig.temperature',
      "Invalid type for 'generationConfig.temperature': expected a number, but got a string instead.",
    ],
    [
      { contents: [{ parts: [{ text: 'x' }] }], generationConfig: { candidateCount: 2 } },
      'generationConfig.candidateCount',
      "Unsupported value: 'generationConfig.candidateCount' must be 1; the gateway returns one candidate.",
    ],
    [
      {
        contents: [{ parts: [{ text: 'x' }] }],
        toolConfig: { functionCallingConfig: { mode: 'SOMETIMES' } },
      },
      'toolConfig.functionCallingConfig.mode',
      "Invalid value for 'toolConfig.functionCallingConfig.mode': 'SOMETIMES'. Supported values are: 'MODE_UNSPECIFIED', 'AUTO', 'ANY', 'NONE', 'VALIDATED'.",
    ],
    [
      { contents: [{ parts: [{ videoThing: {} }] }] },
      'contents[0].parts[0].videoThing',
      "Unsupported part field 'contents[0].parts[0].videoThing'. Supported: text, inlineData, fileData, functionCall, functionResponse, executableCode, codeExecutionResult.",
    ],
    [{ contents: [] }, 'contents', "Invalid 'contents': expected a non-empty array."],
  ])('wrong field %# → 400 naming %s', async (body, field, message) => {
    const response = await post('/v1beta/models/gemini-2.0-flash:generateContent', JSON.stringify(body));
    expect(response.status).toBe(400);
    expect(response.body.error).toMatchObject({ status: 'INVALID_ARGUMENT', message });
    expect(response.body.error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.BadRequest',
      fieldViolations: [{ field, description: message }],
    });
  });

  it('unknown model → 404 NOT_FOUND listing close names, through the SDK', async () => {
    const { status, error } = await failure(
      client().models.generateContent({ model: 'gemini-2.0-flsh', contents: 'x' }),
    );
    expect(status).toBe(404);
    expect(error).toMatchObject({ code: 404, status: 'NOT_FOUND' });
    expect(error.message).toContain('Did you mean `gemini-2.0-flash`');
    expect(info(error)).toMatchObject({
      reason: 'MODEL_NOT_FOUND',
      metadata: { code: 'model_not_found', param: 'model', suggestions: 'gemini-2.0-flash,gemini-2.5-pro' },
    });
  });

  it('a model the key may not use is as unknown as a missing one', async () => {
    const { status } = await failure(
      client(LIMITED_GEMINI_KEY).models.generateContent({ model: 'gemini-2.5-pro', contents: 'x' }),
    );
    expect(status).toBe(404);
    const ok = await client(LIMITED_GEMINI_KEY).models.generateContent({ model: 'flash', contents: 'x' });
    expect(ok.text).toBe('Hello world');
  });

  it('a wrong key → 400 INVALID_ARGUMENT with reason API_KEY_INVALID (the Gemini API’s answer)', async () => {
    const { status, error } = await failure(
      client('sk-cvg-not-a-real-key-000000000000').models.generateContent({ model: 'flash', contents: 'x' }),
    );
    expect(status).toBe(400);
    expect(error).toMatchObject({ code: 400, status: 'INVALID_ARGUMENT' });
    expect(error.message).not.toContain('not-a-real-key');
    expect(info(error)).toMatchObject({
      reason: 'API_KEY_INVALID',
      domain: 'googleapis.com',
      metadata: { code: 'invalid_api_key', service: 'generativelanguage.googleapis.com' },
    });
  });

  it('no key → 401 UNAUTHENTICATED; the key is also accepted as ?key= and as a Bearer token', async () => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] });
    const missing = await post('/v1beta/models/flash:generateContent', body, {});
    expect([missing.status, missing.body.error.status]).toEqual([401, 'UNAUTHENTICATED']);
    const byQuery = await fetch(`${fixture.url}/v1beta/models/flash:generateContent?key=${GEMINI_KEY}`, {
      method: 'POST',
      body,
    });
    expect(byQuery.status).toBe(200);
    const byBearer = await post('/v1beta/models/flash:generateContent', body, {
      authorization: `Bearer ${GEMINI_KEY}`,
    });
    expect(byBearer.status).toBe(200);
  });

  it('a bad key is refused before the body is read', async () => {
    const response = await post('/v1beta/models/flash:generateContent', '{not json', {
      'x-goog-api-key': 'sk-wrong-0000000000',
    });
    expect([response.status, response.headers.get('x-converge-error-code')]).toEqual([
      400,
      'invalid_api_key',
    ]);
  });

  it('a body over the limit → 413 in Google’s shape, recorded as an early rejection', async () => {
    const { status, error } = await failure(
      client().models.generateContent({ model: 'flash', contents: 'x'.repeat(100 * 1024) }),
    );
    expect(status).toBe(413);
    expect(error).toMatchObject({ code: 413, status: 'INVALID_ARGUMENT' });
    expect(error.message).toContain('65536 bytes');
    const row = await fixture.waitForUsageRow((candidate) => candidate.errorCode === 'request_too_large');
    expect(row).toMatchObject({ status: 'rejected', httpStatus: 413, dialect: 'gemini' });
  });

  it('an upstream 429 → 429 RESOURCE_EXHAUSTED with RetryInfo and retry-after, as the SDK’s ApiError', async () => {
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError('Quota exceeded.', {
        url: 'https://upstream.test',
        statusCode: 429,
        retryAfterMs: 2_500,
      }),
    });
    const thrown = await client()
      .models.generateContent({ model: 'flash', contents: 'x' })
      .catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(429);
    const { error } = JSON.parse((thrown as ApiError).message) as { error: GoogleError };
    expect(error).toMatchObject({ code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Quota exceeded.' });
    expect(error.details).toContainEqual({
      '@type': 'type.googleapis.com/google.rpc.RetryInfo',
      retryDelay: '2.5s',
    });
    expect(info(error)).toMatchObject({ reason: 'UPSTREAM_RATE_LIMITED' });
    fixture.provider.enqueue({
      type: 'error',
      error: new UpstreamError('Quota exceeded.', {
        url: 'https://upstream.test',
        statusCode: 429,
        retryAfterMs: 2_500,
      }),
    });
    const limited = await post(
      '/v1beta/models/flash:generateContent',
      JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] }),
    );
    expect([limited.status, limited.headers.get('retry-after')]).toEqual([429, '3']);
  });

  it.each([
    [new GatewayError('budget_exceeded', 'The team budget is spent.'), 429, 'RESOURCE_EXHAUSTED'],
    [new UpstreamError('down', { url: 'https://upstream.test', statusCode: 504 }), 504, 'DEADLINE_EXCEEDED'],
    [new UpstreamError('bad', { url: 'https://upstream.test', statusCode: 500 }), 502, 'UNAVAILABLE'],
    [new TypeError('boom'), 500, 'INTERNAL'],
  ])('%s → %s %s', async (error, status, name) => {
    fixture.provider.enqueue({ type: 'error', error });
    const failed = await failure(client().models.generateContent({ model: 'flash', contents: 'x' }));
    expect([failed.status, failed.error.status]).toEqual([status, name]);
  });

  it('unknown methods and paths → 404 NOT_FOUND, wrong HTTP method → 405, all Google-shaped', async () => {
    const method = await post('/v1beta/models/flash:generateImages', '{}');
    expect([method.status, method.body.error.status]).toEqual([404, 'NOT_FOUND']);
    expect(method.body.error.message).toContain('generateContent');
    const path = await post('/v1beta/files', '{}');
    expect([path.status, path.body.error.status]).toEqual([404, 'NOT_FOUND']);
    const get = await fetch(`${fixture.url}/v1beta/models/flash:generateContent`, {
      headers: { 'x-goog-api-key': GEMINI_KEY },
    });
    expect([get.status, get.headers.get('allow')]).toEqual([405, 'POST']);
    expect(((await get.json()) as { error: GoogleError }).error.status).toBe('UNIMPLEMENTED');
  });

  it('serves /v1 paths too, and leaves the rest of /v1 to the OpenAI dialect', async () => {
    const body = JSON.stringify({ contents: [{ parts: [{ text: 'x' }] }] });
    const v1 = await fetch(`${fixture.url}/v1/models/gemini-2.0-flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': GEMINI_KEY },
      body,
    });
    expect(v1.status).toBe(200);
    const openai = await fetch(`${fixture.url}/v1/models`, {
      headers: { authorization: `Bearer ${GEMINI_KEY}` },
    });
    expect(((await openai.json()) as { object: string }).object).toBe('list');
  });
});

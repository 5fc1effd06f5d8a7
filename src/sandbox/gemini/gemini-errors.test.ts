import { ApiError, GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiTestSandbox, startGeminiTestSandbox } from './testing/start-gemini-test-sandbox.js';

let sandbox: GeminiTestSandbox;
let ai: GoogleGenAI;

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox(
    {},
    { keys: ['sandbox-gemini-key', 'other-key'], capacity: { 'gemini-1.5-pro': { rpm: 1 } } },
  );
  ai = new GoogleGenAI({ apiKey: 'sandbox-gemini-key', httpOptions: { baseUrl: sandbox.url } });
});
afterAll(() => sandbox.close());

async function apiError(
  promise: Promise<unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error: unknown) {
    if (!(error instanceof ApiError)) throw error;
    return { status: error.status, body: JSON.parse(error.message) as Record<string, unknown> };
  }
  throw new Error('expected an ApiError');
}

function post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': 'sandbox-gemini-key', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

const hello = { contents: [{ role: 'user', parts: [{ text: 'Hello' }] }] };

describe('Gemini API errors (google.rpc.Status)', () => {
  it('refuses a bad key with 400 INVALID_ARGUMENT and ErrorInfo API_KEY_INVALID; accepts ?key=', async () => {
    const bad = new GoogleGenAI({ apiKey: 'wrong', httpOptions: { baseUrl: sandbox.url } });
    const { status, body } = await apiError(
      bad.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' }),
    );
    expect(status).toBe(400);
    expect(body).toMatchObject({
      error: {
        code: 400,
        status: 'INVALID_ARGUMENT',
        message: 'API key not valid. Please pass a valid API key.',
        details: [
          expect.objectContaining({
            '@type': 'type.googleapis.com/google.rpc.ErrorInfo',
            reason: 'API_KEY_INVALID',
          }),
          expect.anything(),
        ],
      },
    });
    const byQuery = await fetch(
      `${sandbox.url}/v1beta/models/gemini-2.0-flash:generateContent?key=other-key`,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(hello),
      },
    );
    expect(byQuery.status).toBe(200);
    const anonymous = await fetch(`${sandbox.url}/v1beta/models/gemini-2.0-flash:generateContent`, {
      method: 'POST',
      body: JSON.stringify(hello),
    });
    expect(anonymous.status).toBe(403);
  });

  it('answers an unknown model with 404 NOT_FOUND naming the model and method', async () => {
    const { status, body } = await apiError(
      ai.models.generateContent({ model: 'gemini-9-ultra', contents: 'Hi' }),
    );
    expect(status).toBe(404);
    expect(body).toMatchObject({
      error: {
        status: 'NOT_FOUND',
        message: expect.stringContaining('models/gemini-9-ultra is not found for API version v1beta'),
      },
    });
  });

  it('refuses invalid bodies with 400 INVALID_ARGUMENT naming the field', async () => {
    const cases: [unknown, string][] = [
      [{ ...hello, generationConfig: { temperature: 'hot' } }, 'generation_config.temperature'],
      [{ ...hello, generationConfig: { temperature: 3 } }, 'generation_config.temperature'],
      [{ ...hello, generation_config: { bogus: 1 } }, 'Unknown name "bogus" at \'generation_config\''],
      [{ ...hello, unknownField: true }, 'Unknown name "unknownField"'],
      [{ contents: [] }, 'GenerateContentRequest.contents'],
      [{ contents: [{ role: 'user', parts: [] }] }, 'contents[0].parts'],
      [{ contents: [{ role: 'assistant', parts: [{ text: 'x' }] }] }, 'valid role'],
      [{ ...hello, generationConfig: { stopSequences: ['a', 'b', 'c', 'd', 'e', 'f'] } }, 'stop_sequences'],
      ['{"contents": [', 'Invalid JSON payload'],
    ];
    for (const [body, expected] of cases) {
      const response = await post('/v1beta/models/gemini-2.0-flash:generateContent', body);
      const json = (await response.json()) as { error: { code: number; status: string; message: string } };
      expect([response.status, json.error.status, json.error.message]).toEqual([
        400,
        'INVALID_ARGUMENT',
        expect.stringContaining(expected),
      ]);
    }
  });

  it('answers past the model RPM with 429 RESOURCE_EXHAUSTED, QuotaFailure and RetryInfo', async () => {
    await ai.models.generateContent({ model: 'gemini-1.5-pro', contents: 'one' });
    const { status, body } = await apiError(
      ai.models.generateContent({ model: 'gemini-1.5-pro', contents: 'two' }),
    );
    expect(status).toBe(429);
    const error = body['error'] as { status: string; message: string; details: { '@type': string }[] };
    expect(error.status).toBe('RESOURCE_EXHAUSTED');
    expect(error.message).toContain('You exceeded your current quota');
    expect(error.details.map((detail) => detail['@type'].split('.').at(-1))).toEqual([
      'QuotaFailure',
      'Help',
      'RetryInfo',
    ]);
    expect(error.details[2]).toMatchObject({ retryDelay: expect.stringMatching(/^\d+(\.\d+)?s$/) });
  });

  it('injects faults from x-sandbox-fault in Google shape', async () => {
    const withFault = (fault: string, extra: Record<string, string> = {}) =>
      apiError(
        ai.models.generateContent({
          model: 'gemini-2.0-flash',
          contents: 'Hi',
          config: { httpOptions: { headers: { 'x-sandbox-fault': fault, ...extra } } },
        }),
      );
    expect(await withFault('500')).toMatchObject({ status: 500, body: { error: { status: 'INTERNAL' } } });
    expect(await withFault('503')).toMatchObject({
      status: 503,
      body: { error: { status: 'UNAVAILABLE', message: 'The model is overloaded. Please try again later.' } },
    });
    const limited = await withFault('429', { 'x-sandbox-retry-after-ms': '2500' });
    expect(limited.status).toBe(429);
    expect(JSON.stringify(limited.body)).toContain('"retryDelay":"2.500s"');
  });

  it('cuts or spoils a stream on request, which the SDK reports as an error', async () => {
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'A long story please',
      config: { httpOptions: { headers: { 'x-sandbox-fault': 'cut-stream-after:1' } } },
    });
    const received: unknown[] = [];
    await expect(
      (async () => {
        for await (const chunk of stream) received.push(chunk);
      })(),
    ).rejects.toThrow();
    expect(received.length).toBeLessThanOrEqual(1);
    const malformed = await ai.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'A long story please',
      config: { httpOptions: { headers: { 'x-sandbox-fault': 'malformed' } } },
    });
    await expect(
      (async () => {
        for await (const _chunk of malformed) {
        }
      })(),
    ).rejects.toThrow();
  });
});

describe('Gemini API safety markers', () => {
  it('blocks a prompt with promptFeedback.blockReason SAFETY and no candidates (HTTP 200)', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Tell me CF_BLOCK_PROMPT:hate now',
    });
    expect(response.candidates).toBeUndefined();
    expect(response.promptFeedback?.blockReason).toBe('SAFETY');
    expect(response.promptFeedback?.safetyRatings?.[0]).toEqual({
      category: 'HARM_CATEGORY_HATE_SPEECH',
      probability: 'HIGH',
      blocked: true,
    });
    expect(response.usageMetadata?.promptTokenCount).toBeGreaterThan(0);
  });

  it('stops an output with finishReason SAFETY and a HIGH rating, streamed and not', async () => {
    const request = { model: 'gemini-2.0-flash', contents: 'Write CF_BLOCK_OUTPUT:sexual please' };
    const response = await ai.models.generateContent(request);
    const candidate = response.candidates?.[0];
    expect(candidate?.finishReason).toBe('SAFETY');
    expect(candidate?.content).toBeUndefined();
    expect(candidate?.safetyRatings?.find((rating) => rating.blocked)).toEqual({
      category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      probability: 'HIGH',
      blocked: true,
    });
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream(request)) chunks.push(chunk);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('SAFETY');
    expect(chunks.at(-1)?.candidates?.[0]?.safetyRatings?.[0]?.probability).toBe('HIGH');
  });
});

describe('streamGenerateContent without alt=sse', () => {
  it('streams one JSON array of responses, and wraps errors in an array too', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:streamGenerateContent', hello);
    expect(response.headers.get('content-type')).toContain('application/json');
    const chunks = (await response.json()) as { candidates: { content?: { parts: { text: string }[] } }[] }[];
    expect(chunks.length).toBeGreaterThan(1);
    const plain = (await (await post('/v1beta/models/gemini-2.0-flash:generateContent', hello)).json()) as {
      candidates: { content: { parts: { text: string }[] } }[];
    };
    const text = chunks.map((chunk) => chunk.candidates[0]?.content?.parts[0]?.text ?? '').join('');
    expect(text).toBe(plain.candidates[0]?.content.parts[0]?.text);
    const failed = await post('/v1beta/models/nope:streamGenerateContent', hello);
    expect(failed.status).toBe(404);
    expect(await failed.json()).toEqual([
      { error: expect.objectContaining({ code: 404, status: 'NOT_FOUND' }) },
    ]);
  });
});

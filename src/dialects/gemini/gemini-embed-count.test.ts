import { GoogleGenAI } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../../core/embed-request.js';
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

const client = () => new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl: fixture.url } });
const limitedClient = () =>
  new GoogleGenAI({ apiKey: LIMITED_GEMINI_KEY, httpOptions: { baseUrl: fixture.url } });

async function post(path: string, body: unknown, key = GEMINI_KEY) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-goog-api-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('embeddings', () => {
  it('models.embedContent (the SDK sends batchEmbedContents) → one canonical request for all texts', async () => {
    fixture.provider.enqueue({
      type: 'embed',
      embeddings: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      inputTokens: 5,
    });
    const response = await client().models.embedContent({
      model: 'text-embedding-004',
      contents: ['first', 'second'],
      config: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc', outputDimensionality: 2 },
    });
    expect(response.embeddings).toEqual([{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }]);
    expect(fixture.provider.lastRequest<EmbedRequest>()).toEqual({
      model: 'text-embedding-004',
      input: ['first', 'second'],
      dimensions: 2,
      providerOptions: { gemini: { taskType: 'RETRIEVAL_DOCUMENT', title: 'Doc' } },
    });
    const requestId = response.sdkHttpResponse?.headers?.['x-converge-request-id'];
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', operation: 'embed', inputTokens: 5, dialect: 'gemini' });
  });

  it(':embedContent answers {embedding: {values}}', async () => {
    fixture.provider.enqueue({ type: 'embed', embeddings: [[0.5, -0.5]] });
    const response = await post('/v1beta/models/text-embedding-004:embedContent', {
      model: 'models/text-embedding-004',
      content: { parts: [{ text: 'hello' }, { text: 'world' }] },
      task_type: 'SEMANTIC_SIMILARITY',
    });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ embedding: { values: [0.5, -0.5] } });
    expect(fixture.provider.lastRequest<EmbedRequest>()).toEqual({
      model: 'text-embedding-004',
      input: ['hello\nworld'],
      providerOptions: { gemini: { taskType: 'SEMANTIC_SIMILARITY' } },
    });
  });

  it('refuses what one canonical request cannot carry, and chat models', async () => {
    const mixed = await post('/v1beta/models/text-embedding-004:batchEmbedContents', {
      requests: [
        { content: { parts: [{ text: 'a' }] }, outputDimensionality: 2 },
        { content: { parts: [{ text: 'b' }] }, outputDimensionality: 3 },
      ],
    });
    expect([mixed.status, mixed.headers.get('x-converge-error-code')]).toEqual([
      400,
      'unsupported_parameter',
    ]);
    const image = await post('/v1beta/models/text-embedding-004:embedContent', {
      content: { parts: [{ inlineData: { mimeType: 'image/png', data: 'AA' } }] },
    });
    expect(image.status).toBe(400);
    expect(JSON.stringify(image.body)).toContain('content.parts[0]');
    const otherModel = await post('/v1beta/models/text-embedding-004:batchEmbedContents', {
      requests: [{ model: 'models/other', content: { parts: [{ text: 'a' }] } }],
    });
    expect(otherModel.status).toBe(400);
    const chat = await post('/v1beta/models/gemini-2.0-flash:embedContent', {
      content: { parts: [{ text: 'a' }] },
    });
    expect([chat.status, chat.body['error']]).toEqual([
      400,
      expect.objectContaining({ status: 'INVALID_ARGUMENT' }),
    ]);
    expect(fixture.provider.calls).toHaveLength(0);
  });
});

describe('countTokens', () => {
  it('estimates locally with o200k, says so, and calls no provider', async () => {
    const response = await client().models.countTokens({
      model: 'gemini-2.0-flash',
      contents: [
        {
          role: 'user',
          parts: [{ text: 'Hello world' }, { inlineData: { mimeType: 'image/png', data: 'AA' } }],
        },
      ],
    });
    expect(response.totalTokens).toBe(2 + 258);
    expect(response.sdkHttpResponse?.headers?.['x-converge-token-count']).toBe('estimated');
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it('reads the generateContentRequest form too', async () => {
    const response = await post('/v1beta/models/gemini-2.0-flash:countTokens', {
      generateContentRequest: {
        model: 'models/gemini-2.0-flash',
        contents: [{ parts: [{ text: 'Hello world' }] }],
        systemInstruction: { parts: [{ text: 'Hello world' }] },
      },
    });
    expect(response.body).toEqual({
      totalTokens: 5,
      promptTokensDetails: [{ modality: 'TEXT', tokenCount: 5 }],
    });
  });

  it('needs a valid key and a model the key may use; records no usage row', async () => {
    const before = fixture.usageRows.length;
    const wrongKey = await post(
      '/v1beta/models/gemini-2.0-flash:countTokens',
      { contents: [] },
      'sk-cvg-wrong-0000000000',
    );
    expect([wrongKey.status, wrongKey.headers.get('x-converge-error-code')]).toEqual([
      400,
      'invalid_api_key',
    ]);
    const unknown = await post('/v1beta/models/gemini-9:countTokens', {
      contents: [{ parts: [{ text: 'x' }] }],
    });
    expect(unknown.status).toBe(404);
    const bad = await post('/v1beta/models/gemini-2.0-flash:countTokens', { contents: 'x' });
    expect(bad.status).toBe(400);
    expect(fixture.usageRows.length).toBe(before);
  });
});

describe('models', () => {
  it('models.list and models.get show the names the key may use', async () => {
    const names: string[] = [];
    for await (const model of await limitedClient().models.list()) names.push(model.name ?? '');
    expect(names).toEqual(['models/gemini-2.0-flash', 'models/flash']);
    const model = await client().models.get({ model: 'text-embedding-004' });
    expect(model).toMatchObject({
      name: 'models/text-embedding-004',
      supportedActions: ['embedContent', 'batchEmbedContents', 'countTokens'],
    });
    const thrown = await limitedClient()
      .models.get({ model: 'gemini-2.5-pro' })
      .catch((error: unknown) => error);
    expect(thrown).toMatchObject({ status: 404 });
  });
});

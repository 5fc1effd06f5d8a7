import { ApiError, GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiTestSandbox, startGeminiTestSandbox } from './testing/start-gemini-test-sandbox.js';

let sandbox: GeminiTestSandbox;

/**
 * Vertex mode without Google credentials: an OAuth2Client holding a fixed access token (no expiry, no
 * refresh token) answers `getRequestHeaders` with `authorization: Bearer <token>` and never calls out.
 */
function vertexClient(token: string, location = 'us-central1'): GoogleGenAI {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: token });
  return new GoogleGenAI({
    vertexai: true,
    project: 'sandbox-project',
    location,
    httpOptions: { baseUrl: sandbox.url },
    googleAuthOptions: { authClient },
  });
}

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox(
    {},
    { capacity: { 'gemini-2.5-pro': { rpm: 1, provisioned: true }, 'gemini-1.5-pro': { rpm: 1 } } },
  );
});
afterAll(() => sandbox.close());

async function apiError(promise: Promise<unknown>): Promise<ApiError> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error('expected an ApiError');
}

describe('Vertex AI generateContent (@google/genai, vertexai: true)', () => {
  it('answers on the v1beta1 project path with Vertex usage fields', async () => {
    const vertex = vertexClient('sandbox-vertex-token');
    const response = await vertex.models.generateContent({
      model: 'gemini-2.0-flash-001',
      contents: 'Hello Vertex',
    });
    expect(response.text).toBeTruthy();
    expect(response.modelVersion).toBe('gemini-2.0-flash-001');
    expect(response.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(response.usageMetadata?.trafficType).toBe('ON_DEMAND');
    const stats = sandbox.engine.stats.snapshot();
    expect(stats['vertex']?.['gemini-2.0-flash-001']?.requests).toBeGreaterThan(0);
  });

  it('streams the same text, and counts the prompt tokens it reports', async () => {
    const vertex = vertexClient('sandbox-vertex-token', 'europe-west4');
    const request = {
      model: 'gemini-2.5-flash',
      contents: 'Summarise the history of Lisbon',
      config: { systemInstruction: 'Answer briefly.' },
    };
    const whole = await vertex.models.generateContent(request);
    let text = '';
    for await (const chunk of await vertex.models.generateContentStream(request)) text += chunk.text ?? '';
    expect(text).toBe(whole.text);
    const counted = await vertex.models.countTokens(request);
    expect(counted.totalTokens).toBe(whole.usageMetadata?.promptTokenCount);
  });

  it('embeds with :predict for text-embedding-004 and gemini-embedding-001', async () => {
    const vertex = vertexClient('sandbox-vertex-token');
    const response = await vertex.models.embedContent({
      model: 'text-embedding-004',
      contents: ['first text', 'second text'],
      config: { outputDimensionality: 128 },
    });
    expect(response.embeddings?.map((embedding) => embedding.values?.length)).toEqual([128, 128]);
    expect(response.embeddings?.[0]?.statistics?.tokenCount).toBeGreaterThan(0);
    const single = await vertex.models.embedContent({ model: 'gemini-embedding-001', contents: 'only one' });
    expect(single.embeddings?.[0]?.values).toHaveLength(3072);
    const refused = await apiError(
      vertex.models.embedContent({ model: 'gemini-embedding-001', contents: ['one', 'two'] }),
    );
    expect(refused.status).toBe(400);
  });

  it('refuses a bad token with 401 UNAUTHENTICATED', async () => {
    const error = await apiError(
      vertexClient('not-a-token').models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' }),
    );
    expect(error.status).toBe(401);
    expect(JSON.parse(error.message)).toMatchObject({
      error: {
        code: 401,
        status: 'UNAUTHENTICATED',
        message: expect.stringContaining('invalid authentication'),
      },
    });
  });

  it('answers over capacity with the Provisioned Throughput 429 on provisioned models, the shared one otherwise', async () => {
    const vertex = vertexClient('sandbox-vertex-token');
    await vertex.models.generateContent({ model: 'gemini-2.5-pro', contents: 'one' });
    const provisioned = await apiError(
      vertex.models.generateContent({ model: 'gemini-2.5-pro', contents: 'two' }),
    );
    expect(provisioned.status).toBe(429);
    expect(provisioned.message).toContain('Exceeded the Provisioned Throughput');
    await vertex.models.generateContent({ model: 'gemini-1.5-pro', contents: 'one' });
    const shared = await apiError(
      vertex.models.generateContent({ model: 'gemini-1.5-pro', contents: 'two' }),
    );
    expect(shared.message).toContain('Resource exhausted. Please try again later.');
  });

  it('names the publisher model in a 404 and injects faults', async () => {
    const vertex = vertexClient('sandbox-vertex-token');
    const missing = await apiError(vertex.models.generateContent({ model: 'gemini-0', contents: 'Hi' }));
    expect(missing.status).toBe(404);
    expect(missing.message).toContain(
      'Publisher Model `projects/sandbox-project/locations/us-central1/publishers/google/models/gemini-0`',
    );
    const fault = await apiError(
      vertex.models.generateContent({
        model: 'gemini-2.0-flash',
        contents: 'Hi',
        config: { httpOptions: { headers: { 'x-sandbox-fault': '503' } } },
      }),
    );
    expect(fault.status).toBe(503);
  });
});

import { ApiError, GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../../core/embed-request.js';
import {
  GEMINI_KEY,
  type GeminiFixture,
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

/** Vertex express mode: an API key, no project — the least a user configures. */
const express = (apiKey = GEMINI_KEY) =>
  new GoogleGenAI({ vertexai: true, apiKey, httpOptions: { baseUrl: fixture.url } });

/** Vertex with project and location: an auth client hands the SDK the Converge key as its access token. */
function withProject(key = GEMINI_KEY) {
  const authClient = new OAuth2Client();
  authClient.setCredentials({ access_token: key });
  return new GoogleGenAI({
    vertexai: true,
    project: 'my-project',
    location: 'europe-west4',
    googleAuthOptions: { authClient },
    httpOptions: { baseUrl: fixture.url },
  });
}

/** A fetch that records the URLs and auth headers the SDK sends. */
function recordingFetch(seen: Array<{ url: string; authorization: string | null; apiKey: string | null }>) {
  return async (input: string | URL | Request, init?: RequestInit) => {
    const headers = new Headers(init?.headers);
    seen.push({
      url: String(input),
      authorization: headers.get('authorization'),
      apiKey: headers.get('x-goog-api-key'),
    });
    return fetch(input, init);
  };
}

describe('Vertex AI mode of @google/genai', () => {
  it('express mode (apiKey): generateContent on /v1beta1/publishers/google/models/…', async () => {
    const seen: Parameters<typeof recordingFetch>[0] = [];
    const ai = new GoogleGenAI({
      vertexai: true,
      apiKey: GEMINI_KEY,
      httpOptions: { baseUrl: fixture.url, fetch: recordingFetch(seen) },
    });
    const response = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' });
    expect(response.text).toBe('Hello world');
    expect(new URL(seen[0]?.url ?? '').pathname).toBe(
      '/v1beta1/publishers/google/models/gemini-2.0-flash:generateContent',
    );
    expect(seen[0]?.apiKey).toBe(GEMINI_KEY);
    expect(response.createTime).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('project + location with an auth client: Bearer key on /v1beta1/projects/…/publishers/google/models/…', async () => {
    const seen: Parameters<typeof recordingFetch>[0] = [];
    const authClient = new OAuth2Client();
    authClient.setCredentials({ access_token: GEMINI_KEY });
    const ai = new GoogleGenAI({
      vertexai: true,
      project: 'my-project',
      location: 'europe-west4',
      googleAuthOptions: { authClient },
      httpOptions: { baseUrl: fixture.url, fetch: recordingFetch(seen) },
    });
    const stream = await ai.models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'Hi' });
    let text = '';
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe('Hello world');
    const url = new URL(seen[0]?.url ?? '');
    expect(url.pathname).toBe(
      '/v1beta1/projects/my-project/locations/europe-west4/publishers/google/models/gemini-2.0-flash:streamGenerateContent',
    );
    expect(url.searchParams.get('alt')).toBe('sse');
    expect(seen[0]?.authorization).toBe(`Bearer ${GEMINI_KEY}`);
  });

  it('routes a publisher model (meta/llama-3.1-8b) by its full name', async () => {
    const response = await withProject().models.generateContent({
      model: 'meta/llama-3.1-8b',
      contents: 'Hi',
    });
    expect(response.text).toBe('Hello world');
    expect(fixture.provider.lastRequest().model).toBe('meta/llama-3.1-8b');
  });

  it('serves the v1 Vertex paths too', async () => {
    const response = await fetch(
      `${fixture.url}/v1/projects/p/locations/us-central1/publishers/google/models/flash:streamGenerateContent?alt=sse`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${GEMINI_KEY}` },
        body: JSON.stringify({ contents: [{ role: 'user', parts: [{ text: 'Hi' }] }] }),
      },
    );
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('"finishReason":"STOP"');
    const wrongKey = await fetch(`${fixture.url}/v1/publishers/google/models/flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'sk-cvg-wrong-0000000000' },
      body: '{}',
    });
    expect(wrongKey.status).toBe(401);
  });

  it('a wrong key → 401 UNAUTHENTICATED (Vertex), surfaced as ApiError', async () => {
    const thrown = await withProject('sk-cvg-wrong-000000000000000000')
      .models.generateContent({ model: 'gemini-2.0-flash', contents: 'Hi' })
      .catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ApiError);
    expect((thrown as ApiError).status).toBe(401);
    const body = JSON.parse((thrown as ApiError).message) as { error: Record<string, unknown> };
    expect(body.error).toMatchObject({ code: 401, status: 'UNAUTHENTICATED' });
    expect(body.error['details']).toEqual([
      expect.objectContaining({ reason: 'INVALID_API_KEY', metadata: { code: 'invalid_api_key' } }),
    ]);
  });

  it('embedContent on a text-embedding model goes through :predict', async () => {
    fixture.provider.enqueue({
      type: 'embed',
      embeddings: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      inputTokens: 6,
    });
    const response = await withProject().models.embedContent({
      model: 'text-embedding-004',
      contents: ['first text', 'second'],
      config: { outputDimensionality: 2, taskType: 'RETRIEVAL_DOCUMENT', autoTruncate: true },
    });
    expect(response.embeddings).toEqual([
      { values: [0.1, 0.2], statistics: { tokenCount: 4, truncated: false } },
      { values: [0.3, 0.4], statistics: { tokenCount: 2, truncated: false } },
    ]);
    expect(response.metadata).toEqual({ billableCharacterCount: 16 });
    expect(fixture.provider.lastRequest<EmbedRequest>()).toEqual({
      model: 'text-embedding-004',
      input: ['first text', 'second'],
      dimensions: 2,
      providerOptions: { gemini: { taskType: 'RETRIEVAL_DOCUMENT', autoTruncate: true } },
    });
  });

  it('embedContent on a Gemini embedding model goes through :embedContent', async () => {
    fixture.provider.enqueue({ type: 'embed', embeddings: [[0.5, 0.25]], inputTokens: 3 });
    const response = await express().models.embedContent({
      model: 'gemini-embedding-2-preview',
      contents: 'hello',
      config: { outputDimensionality: 2 },
    });
    expect(response.embeddings?.[0]?.values).toEqual([0.5, 0.25]);
    expect(fixture.provider.lastRequest<EmbedRequest>()).toMatchObject({ input: ['hello'], dimensions: 2 });
  });

  it('countTokens estimates locally', async () => {
    const response = await withProject().models.countTokens({
      model: 'gemini-2.0-flash',
      contents: 'The quick brown fox jumps over the lazy dog',
      config: { systemInstruction: 'Be brief.' },
    });
    expect(response.totalTokens).toBeGreaterThan(9);
    expect(response.totalTokens).toBeLessThan(20);
    expect(fixture.provider.calls).toHaveLength(0);
  });
});

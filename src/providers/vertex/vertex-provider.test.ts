import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { Provider } from '../provider.js';
import {
  callOptions,
  collect,
  type FixtureHandler,
  readFixture,
  replyEvents,
  replyJson,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import type { GoogleAuthHeaders } from './google-auth-headers.js';
import { createVertexProvider, type VertexConfig } from './vertex-provider.js';
import { vertexModelUrl, vertexOrigin } from './vertex-url.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);
const geminiFixture = (name: string) => readFixture(new URL('../gemini/x', import.meta.url).href, name);

async function startVertex(
  handler: FixtureHandler,
  config: Partial<VertexConfig> = {},
  authHeaders?: GoogleAuthHeaders,
): Promise<Provider> {
  const server = await upstream.start(handler);
  return createVertexProvider(
    'vertex-eu',
    {
      type: 'vertex',
      project: 'acme-prod',
      location: 'europe-west4',
      credentials: { type: 'access-token', token: 'ya29.fixed' },
      endpoint: `${server.origin}/`,
      ...config,
    },
    { http: upstream.http, log: upstream.log },
    authHeaders === undefined ? {} : { authHeaders },
  );
}

const hello: ChatRequest = {
  model: 'flash',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Olá' }] }],
  metadata: { team: 'search' },
};

describe('vertex provider: addressing', () => {
  it.each([
    ['europe-west4', 'https://europe-west4-aiplatform.googleapis.com'],
    ['us-central1', 'https://us-central1-aiplatform.googleapis.com'],
    ['global', 'https://aiplatform.googleapis.com'],
    ['us', 'https://aiplatform.us.rep.googleapis.com'],
    ['eu', 'https://aiplatform.eu.rep.googleapis.com'],
  ])('location %s → %s', (location, origin) => {
    expect(vertexOrigin(location)).toBe(origin);
    expect(vertexModelUrl({ origin, project: 'p', location }, 'gemini-2.5-pro', 'generateContent')).toBe(
      `${origin}/v1/projects/p/locations/${location}/publishers/google/models/gemini-2.5-pro:generateContent`,
    );
  });

  it('lets an endpoint replace the host and keeps model resource paths', () => {
    expect(vertexOrigin('europe-west4', 'https://psc.internal:8443/')).toBe('https://psc.internal:8443');
    expect(
      vertexModelUrl(
        { origin: 'https://h', project: 'p', location: 'us-east5' },
        'endpoints/123',
        'generateContent',
      ),
    ).toBe('https://h/v1/projects/p/locations/us-east5/endpoints/123:generateContent');
  });
});

describe('vertex provider: generateContent', () => {
  it('posts the Gemini body to the regional publisher-model URL with the bearer token; metadata → labels', async () => {
    const provider = await startVertex(replyJson(200, fixture('vertex-text.json')));
    const result = await provider.generate(hello, callOptions('gemini-2.0-flash-001'));
    const sent = upstream.lastRequest();
    expect(sent.url).toBe(
      '/v1/projects/acme-prod/locations/europe-west4/publishers/google/models/gemini-2.0-flash-001:generateContent',
    );
    expect(sent.headers.authorization).toBe('Bearer ya29.fixed');
    expect(sent.headers['x-goog-api-key']).toBeUndefined();
    expect(sent.json).toEqual({
      contents: [{ role: 'user', parts: [{ text: 'Olá' }] }],
      labels: { team: 'search' },
    });
    expect(result).toMatchObject({
      content: [{ type: 'text', text: 'Olá! Em que posso ajudar?' }],
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: { inputTokens: 7, outputTokens: 8, cacheReadTokens: 0, reasoningTokens: 0 },
      modelId: 'gemini-2.0-flash-001',
      responseId: '7L94aMu1DNmOmecP2tSBsAg',
      providerMetadata: { gemini: { trafficType: 'ON_DEMAND' } },
      warnings: [],
    });
  });

  it('streams from :streamGenerateContent?alt=sse with the same mapping as the Gemini API', async () => {
    const provider = await startVertex(replyEvents(geminiFixture('gemini-text.chunks.txt')), {
      location: 'global',
    });
    const parts = await collect(
      await provider.stream({ ...hello, stream: true }, callOptions('gemini-2.5-flash')),
    );
    expect(upstream.lastRequest().url).toBe(
      '/v1/projects/acme-prod/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse',
    );
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      usage: { inputTokens: 1310, cacheReadTokens: 1024, reasoningTokens: 92, outputTokens: 101 },
    });
  });

  it('asks the auth source for headers per call with the request URL', async () => {
    const seen: string[] = [];
    const provider = await startVertex(replyJson(200, fixture('vertex-text.json')), {}, async (url) => {
      seen.push(url);
      return { authorization: 'Bearer from-adc', 'x-goog-user-project': 'billing-project' };
    });
    await provider.generate(hello, callOptions('gemini-2.0-flash-001'));
    expect(upstream.lastRequest().headers.authorization).toBe('Bearer from-adc');
    expect(upstream.lastRequest().headers['x-goog-user-project']).toBe('billing-project');
    expect(seen).toEqual([expect.stringMatching(/:generateContent$/)]);
  });

  it('maps 401 to an auth failure and the Provisioned Throughput 429 to a retryable rate limit', async () => {
    const unauthenticated = await startVertex(replyJson(401, fixture('vertex-unauthenticated.json')));
    await expect(unauthenticated.generate(hello, callOptions('gemini-2.0-flash-001'))).rejects.toMatchObject({
      code: 'upstream_auth_failed',
      isRetryable: false,
      details: { upstreamStatus: 'UNAUTHENTICATED', upstreamReason: 'ACCESS_TOKEN_TYPE_UNSUPPORTED' },
    });
    const provisioned = await startVertex(replyJson(429, fixture('vertex-provisioned-429.json')));
    await expect(provisioned.generate(hello, callOptions('gemini-2.5-pro'))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      isRetryable: true,
      message: expect.stringContaining('Exceeded the Provisioned Throughput'),
    });
  });
});

describe('vertex provider: embeddings', () => {
  it('sends :predict with instances and parameters; tokens come from statistics.token_count', async () => {
    const provider = await startVertex(replyJson(200, fixture('vertex-predict.json')));
    const result = await provider.embed?.(
      {
        model: 'e',
        input: ['hello there', 'bye'],
        dimensions: 3,
        providerOptions: { vertex: { taskType: 'QUESTION_ANSWERING' } },
      },
      callOptions('text-embedding-004'),
    );
    expect(upstream.lastRequest().url).toBe(
      '/v1/projects/acme-prod/locations/europe-west4/publishers/google/models/text-embedding-004:predict',
    );
    expect(upstream.lastRequest().json).toEqual({
      instances: [
        { content: 'hello there', task_type: 'QUESTION_ANSWERING' },
        { content: 'bye', task_type: 'QUESTION_ANSWERING' },
      ],
      parameters: { outputDimensionality: 3 },
    });
    expect(result).toEqual({
      embeddings: [
        [0.011, -0.042, 0.087],
        [0.023, 0.051, -0.009],
      ],
      usage: { inputTokens: 5 },
      modelId: 'text-embedding-004',
      warnings: [],
    });
  });

  it('sends gemini-embedding-001 one instance per request, in input order', async () => {
    const provider = await startVertex((request, response) => {
      const content = (request.json as { instances: { content: string }[] }).instances[0]?.content ?? '';
      const body = {
        predictions: [{ embeddings: { values: [content.length], statistics: { token_count: 1 } } }],
      };
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
    const result = await provider.embed?.(
      { model: 'e', input: ['a', 'bb', 'ccc'] },
      callOptions('gemini-embedding-001'),
    );
    expect(upstream.requests()).toHaveLength(3);
    expect(result?.embeddings).toEqual([[1], [2], [3]]);
    expect(result?.usage.inputTokens).toBe(3);
  });
});

describe('vertex provider: Claude models', () => {
  it('sends claude-* deployments to Anthropic rawPredict on the same host with the same token', async () => {
    const vertex = await startVertex(
      replyJson(
        200,
        JSON.stringify({
          id: 'msg_vrtx_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-3-7-sonnet@20250219',
          content: [{ type: 'text', text: 'Bom dia' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 5, output_tokens: 3 },
        }),
      ),
    );
    const result = await vertex.generate(
      { ...hello, maxOutputTokens: 64, metadata: undefined },
      callOptions('claude-3-7-sonnet@20250219'),
    );
    const request = upstream.lastRequest();
    expect(request.url).toBe(
      '/v1/projects/acme-prod/locations/europe-west4/publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict',
    );
    expect(request.headers['authorization']).toBe('Bearer ya29.fixed');
    expect(request.json).toMatchObject({ anthropic_version: 'vertex-2023-10-16', max_tokens: 64 });
    expect(request.json).not.toHaveProperty('model');
    expect(result.content).toEqual([{ type: 'text', text: 'Bom dia' }]);
    expect(result.usage.inputTokens).toBe(5);
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import {
  callOptions,
  collect,
  type FixtureHandler,
  readFixture,
  replyEvents,
  replyJson,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import {
  anthropicVertexBaseURL,
  createAnthropicVertexTransport,
  isAnthropicVertexModel,
} from './anthropic-vertex-transport.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startVertex(handler: FixtureHandler) {
  const server = await upstream.start(handler);
  let tokens = 0;
  const transport = createAnthropicVertexTransport({
    http: upstream.http,
    baseURL: `${server.origin}/`,
    project: 'acme-prod',
    location: 'europe-west1',
    getAccessToken: async () => `ya29.token-${++tokens}`,
  });
  return transport;
}

const hello: ChatRequest = {
  model: 'claude',
  stream: false,
  maxOutputTokens: 300,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  providerOptions: { anthropic: { betas: ['context-1m-2025-08-07'] } },
};

describe('Claude on Vertex transport', () => {
  it(':rawPredict with a Bearer token per call, the model in the URL and anthropic_version in the body', async () => {
    const transport = await startVertex(replyJson(200, fixture('anthropic-text.json')));
    const result = await transport.generate(
      hello,
      callOptions('publishers/anthropic/models/claude-3-7-sonnet@20250219'),
    );
    await transport.generate(hello, callOptions('claude-3-7-sonnet@20250219'));
    const [first, second] = upstream.requests();
    expect(first?.url).toBe(
      '/v1/projects/acme-prod/locations/europe-west1/publishers/anthropic/models/claude-3-7-sonnet@20250219:rawPredict',
    );
    expect(second?.url).toBe(first?.url);
    expect(first?.headers.authorization).toBe('Bearer ya29.token-1');
    expect(second?.headers.authorization).toBe('Bearer ya29.token-2');
    expect(first?.headers['x-api-key']).toBeUndefined();
    expect(first?.headers['anthropic-version']).toBeUndefined();
    expect(first?.json).toEqual({
      anthropic_version: 'vertex-2023-10-16',
      anthropic_beta: ['context-1m-2025-08-07'],
      max_tokens: 300,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(result.content).toEqual([{ type: 'text', text: 'Hello! How can I help you today?' }]);
  });

  it(':streamRawPredict keeps stream: true in the body and converts the SSE', async () => {
    const transport = await startVertex(replyEvents(fixture('anthropic-text.chunks.txt')));
    const parts = await collect(
      await transport.stream({ ...hello, stream: true }, callOptions('claude-sonnet-4-5@20250929')),
    );
    const request = upstream.lastRequest();
    expect(request.url).toMatch(/models\/claude-sonnet-4-5@20250929:streamRawPredict$/);
    expect(request.json).toMatchObject({ anthropic_version: 'vertex-2023-10-16', stream: true });
    expect(request.json).not.toHaveProperty('model');
    expect(parts.at(-1)).toMatchObject({ type: 'finish', finishReason: { unified: 'stop' } });
  });

  it("maps Vertex's google.rpc errors", async () => {
    const transport = await startVertex(replyJson(401, fixture('vertex-unauthenticated.json')));
    await expect(transport.generate(hello, callOptions('claude-3-7-sonnet@20250219'))).rejects.toMatchObject({
      code: 'upstream_auth_failed',
      details: { upstreamType: 'UNAUTHENTICATED' },
    });
  });

  it('recognises Claude models and builds the default origin per location', () => {
    expect(isAnthropicVertexModel('claude-opus-4-1@20250805')).toBe(true);
    expect(isAnthropicVertexModel('publishers/anthropic/models/claude-haiku-4-5@20251001')).toBe(true);
    expect(isAnthropicVertexModel('gemini-2.5-pro')).toBe(false);
    expect(anthropicVertexBaseURL('us-east5')).toBe('https://us-east5-aiplatform.googleapis.com');
    expect(anthropicVertexBaseURL('global')).toBe('https://aiplatform.googleapis.com');
    expect(anthropicVertexBaseURL('eu')).toBe('https://aiplatform.eu.rep.googleapis.com');
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import {
  type GeminiTestSandbox,
  startGeminiTestSandbox,
} from '../../sandbox/gemini/testing/start-gemini-test-sandbox.js';
import type { Provider } from '../provider.js';
import { callOptions, collect, createTestHttpClient } from '../test-support/fixture-server.js';
import { createVertexProvider } from './vertex-provider.js';

let sandbox: GeminiTestSandbox;
let provider: Provider;
const http = createTestHttpClient();

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox({}, { vertexTokens: ['gateway-vertex-token'] });
  provider = createVertexProvider(
    'vertex',
    {
      type: 'vertex',
      project: 'acme',
      location: 'europe-west4',
      credentials: { type: 'access-token', token: 'gateway-vertex-token' },
      endpoint: sandbox.url,
    },
    { http, log: callOptions('x').log },
  );
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

describe('vertex provider against the sandbox', () => {
  it('generates and streams the same answer on the v1 regional path', async () => {
    const request: ChatRequest = {
      model: 'flash',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Describe Coimbra' }] }],
      responseFormat: {
        type: 'json-schema',
        name: 'city',
        schema: {
          type: 'object',
          properties: { name: { type: 'string' }, river: { type: 'string' } },
          required: ['name'],
        },
      },
    };
    const result = await provider.generate(request, callOptions('gemini-2.0-flash-001'));
    const text = result.content[0]?.type === 'text' ? result.content[0].text : '';
    expect(JSON.parse(text)).toMatchObject({ name: expect.any(String) });
    expect(result.providerMetadata).toEqual({ gemini: { trafficType: 'ON_DEMAND' } });
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.0-flash-001')),
    );
    expect(parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('')).toBe(text);
    expect(sandbox.engine.stats.snapshot()['vertex']?.['gemini-2.0-flash-001']?.requests).toBe(2);
  });

  it('embeds through :predict, one request per text for gemini-embedding-001', async () => {
    const result = await provider.embed?.(
      { model: 'e', input: ['alpha', 'beta gamma'] },
      callOptions('gemini-embedding-001'),
    );
    expect(result?.embeddings.map((vector) => vector.length)).toEqual([3072, 3072]);
    expect(result?.usage.inputTokens).toBeGreaterThanOrEqual(3);
  });

  it('surfaces the sandbox 401 for a wrong token as an auth failure', async () => {
    const wrong = createVertexProvider(
      'vertex',
      {
        type: 'vertex',
        project: 'acme',
        location: 'us',
        credentials: { type: 'access-token', token: 'nope' },
        endpoint: sandbox.url,
      },
      { http, log: callOptions('x').log },
    );
    await expect(
      wrong.generate(
        { model: 'm', stream: false, messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }] },
        callOptions('gemini-2.0-flash'),
      ),
    ).rejects.toMatchObject({ code: 'upstream_auth_failed', statusCode: 401 });
  });
});

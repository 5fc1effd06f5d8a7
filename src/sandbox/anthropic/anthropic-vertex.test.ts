import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AnthropicSandbox, startAnthropicSandbox } from './start-anthropic-sandbox.js';

let sandbox: AnthropicSandbox;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox({ anthropic: { vertexTokens: ['ya29.test-token'] } });
});
afterAll(() => sandbox.close());

const MODELS = '/v1/projects/acme/locations/europe-west1/publishers/anthropic/models';
const body = {
  anthropic_version: 'vertex-2023-10-16',
  max_tokens: 64,
  messages: [{ role: 'user', content: 'Hello from Vertex' }],
};

function call(path: string, payload: unknown, token = 'ya29.test-token'): Promise<Response> {
  return fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(payload),
  });
}

describe('Claude on Vertex AI (raw fetch, as @anthropic-ai/vertex-sdk sends it)', () => {
  it(':rawPredict answers an Anthropic message for the model in the URL', async () => {
    const response = await call(`${MODELS}/claude-3-5-sonnet-v2@20241022:rawPredict`, body);
    expect(response.status).toBe(200);
    const message = (await response.json()) as { type: string; model: string; content: { type: string }[] };
    expect(message).toMatchObject({ type: 'message', model: 'claude-3-5-sonnet-20241022' });
    expect(message.content[0]?.type).toBe('text');
    expect(response.headers.get('anthropic-ratelimit-requests-limit')).toBeNull();
  });

  it(':streamRawPredict streams the Anthropic SSE events', async () => {
    const response = await call(`${MODELS}/claude-sonnet-4-5@20250929:streamRawPredict`, {
      ...body,
      stream: true,
    });
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const text = await response.text();
    expect(text.startsWith('event: message_start\n')).toBe(true);
    expect(text.endsWith('event: message_stop\ndata: {"type":"message_stop"}\n\n')).toBe(true);
  });

  it('refuses `model` in the body and a missing or wrong anthropic_version', async () => {
    const withModel = await call(`${MODELS}/claude-3-7-sonnet@20250219:rawPredict`, { ...body, model: 'x' });
    expect(withModel.status).toBe(400);
    expect(await withModel.json()).toMatchObject({
      error: { message: 'model: Extra inputs are not permitted' },
    });
    const { anthropic_version: _version, ...unversioned } = body;
    const missing = await call(`${MODELS}/claude-3-7-sonnet@20250219:rawPredict`, unversioned);
    expect(await missing.json()).toMatchObject({ error: { message: 'anthropic_version: Field required' } });
    const wrong = await call(`${MODELS}/claude-3-7-sonnet@20250219:rawPredict`, {
      ...body,
      anthropic_version: '2023-06-01',
    });
    expect(wrong.status).toBe(400);
  });

  it('answers auth failures and unknown models in the google.rpc shape', async () => {
    const unauthorized = await call(`${MODELS}/claude-3-7-sonnet@20250219:rawPredict`, body, 'wrong');
    expect(unauthorized.status).toBe(401);
    expect(await unauthorized.json()).toMatchObject({ error: { code: 401, status: 'UNAUTHENTICATED' } });
    const unknown = await call(`${MODELS}/claude-9@20990101:rawPredict`, body);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({
      error: {
        code: 404,
        status: 'NOT_FOUND',
        message: expect.stringContaining(
          'Publisher Model `projects/acme/locations/europe-west1/publishers/anthropic/models/claude-9@20990101` was not found',
        ),
      },
    });
  });

  it('counts tokens at count-tokens:rawPredict with the model in the body', async () => {
    const response = await call(`${MODELS}/count-tokens:rawPredict`, {
      anthropic_version: 'vertex-2023-10-16',
      model: 'claude-3-7-sonnet@20250219',
      messages: body.messages,
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { input_tokens: number }).input_tokens).toBeGreaterThan(5);
  });

  it('serves 529 overloaded in the Anthropic shape, as Vertex passes it through', async () => {
    const response = await fetch(`${sandbox.url}${MODELS}/claude-3-7-sonnet@20250219:rawPredict`, {
      method: 'POST',
      headers: {
        authorization: 'Bearer ya29.test-token',
        'content-type': 'application/json',
        'x-sandbox-fault': 'overloaded',
      },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(529);
    expect(await response.json()).toMatchObject({ type: 'error', error: { type: 'overloaded_error' } });
  });
});

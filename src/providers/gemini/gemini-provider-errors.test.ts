import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { UpstreamError } from '../../core/upstream-error.js';
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
import { createGeminiProvider } from './gemini-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startGemini(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createGeminiProvider(
    'gemini',
    { type: 'gemini', apiKey: 'gemini-key', baseURL: server.origin },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'fast',
  stream: true,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hello' }] }],
};

async function rejection(promise: Promise<unknown>): Promise<UpstreamError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
  return error;
}

describe('gemini provider: errors', () => {
  it('maps 429 RESOURCE_EXHAUSTED to a retryable rate limit with the RetryInfo delay', async () => {
    const provider = await startGemini(replyJson(429, fixture('gemini-rate-limit.json')));
    const error = await rejection(provider.generate(hello, callOptions('gemini-2.5-flash')));
    expect(error).toMatchObject({
      code: 'upstream_rate_limited',
      status: 429,
      isRetryable: true,
      retryAfterMs: 36_000,
      details: { upstreamStatus: 'RESOURCE_EXHAUSTED' },
    });
    expect(error.message).toContain('You exceeded your current quota');
  });

  it('maps 400 API_KEY_INVALID to an auth failure of the gateway, not a client error', async () => {
    const provider = await startGemini(replyJson(400, fixture('gemini-invalid-key.json')));
    const error = await rejection(provider.generate(hello, callOptions('gemini-2.5-flash')));
    expect(error).toMatchObject({
      code: 'upstream_auth_failed',
      status: 502,
      isRetryable: false,
      details: { upstreamReason: 'API_KEY_INVALID' },
    });
  });

  it('maps the input-token overflow to context_length_exceeded and 503 to a retryable unavailable', async () => {
    const tooLong = await startGemini(replyJson(400, fixture('gemini-context-too-long.json')));
    expect(await rejection(tooLong.generate(hello, callOptions('gemini-2.5-flash')))).toMatchObject({
      code: 'context_length_exceeded',
      status: 400,
    });
    const overloaded = await startGemini(replyJson(503, fixture('gemini-overloaded.json')));
    expect(await rejection(overloaded.stream(hello, callOptions('gemini-2.5-flash')))).toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
      message: 'The model is overloaded. Please try again later.',
    });
  });

  it('turns an error event after a 200 into an error part', async () => {
    const provider = await startGemini(replyEvents(fixture('gemini-error-mid-stream.chunks.txt')));
    const parts = await collect(await provider.stream(hello, callOptions('gemini-2.0-flash')));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-start', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({ error: { code: 'upstream_unavailable' } });
  });

  it('reports a stream cut before any finish reason as an error part', async () => {
    const text = fixture('gemini-text.chunks.txt');
    const provider = await startGemini(replyEvents(text, { cutAfterBytes: Math.floor(text.length / 2) }));
    const parts = await collect(await provider.stream(hello, callOptions('gemini-2.5-flash')));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
  });

  it('reports malformed JSON in a 200 as upstream_bad_response', async () => {
    const provider = await startGemini(replyJson(200, '{"candidates": ['));
    expect(await rejection(provider.generate(hello, callOptions('gemini-2.0-flash')))).toMatchObject({
      code: 'upstream_bad_response',
      isRetryable: true,
    });
  });
});

describe('gemini provider: cancellation', () => {
  const text = fixture('gemini-text.chunks.txt');
  // The first event whole, then part of the second: the stream has started and then goes quiet.
  const hangAfterBytes = text.indexOf('\r\n\r\n') + 20;

  it('stops reading and closes the connection when the caller aborts a hung stream', async () => {
    const controller = new AbortController();
    const provider = await startGemini(replyEvents(text, { hangAfterBytes }));
    const stream = await provider.stream(hello, callOptions('gemini-2.5-flash', controller.signal));
    const iterator = stream[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'stream-start' });
    expect((await iterator.next()).value).toMatchObject({ type: 'reasoning-start' });
    controller.abort();
    await expect(
      (async () => {
        while (!(await iterator.next()).done) {}
      })(),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await upstream.lastRequest().closed;
  });

  it('closes the connection when the consumer stops early', async () => {
    const provider = await startGemini(replyEvents(text, { hangAfterBytes }));
    const stream = await provider.stream(hello, callOptions('gemini-2.5-flash'));
    for await (const part of stream) if (part.type === 'stream-start') break;
    await upstream.lastRequest().closed;
  });
});

describe('gemini provider: embeddings', () => {
  it('sends batchEmbedContents with one request per text and outputDimensionality', async () => {
    const body = JSON.stringify({ embeddings: [{ values: [0.1, 0.2] }, { values: [0.3, 0.4] }] });
    const provider = await startGemini(replyJson(200, body));
    const result = await provider.embed?.(
      {
        model: 'embed',
        input: ['hello world', 'bye'],
        dimensions: 2,
        providerOptions: { gemini: { taskType: 'RETRIEVAL_DOCUMENT' } },
      },
      callOptions('gemini-embedding-001'),
    );
    const sent = upstream.lastRequest();
    expect(sent.url).toBe('/v1beta/models/gemini-embedding-001:batchEmbedContents');
    expect(sent.headers['x-goog-api-key']).toBe('gemini-key');
    expect(sent.json).toEqual({
      requests: [
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'hello world' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 2,
        },
        {
          model: 'models/gemini-embedding-001',
          content: { parts: [{ text: 'bye' }] },
          taskType: 'RETRIEVAL_DOCUMENT',
          outputDimensionality: 2,
        },
      ],
    });
    expect(result).toEqual({
      embeddings: [
        [0.1, 0.2],
        [0.3, 0.4],
      ],
      usage: { inputTokens: 4 },
      modelId: 'gemini-embedding-001',
      warnings: [],
    });
  });

  it('refuses token-id input before calling out', async () => {
    const provider = await startGemini(replyJson(200, '{}'));
    await expect(
      provider.embed?.({ model: 'embed', input: [[1, 2, 3]] }, callOptions('text-embedding-004')),
    ).rejects.toMatchObject({ code: 'unsupported_parameter', param: 'input' });
    expect(upstream.requests()).toHaveLength(0);
  });
});

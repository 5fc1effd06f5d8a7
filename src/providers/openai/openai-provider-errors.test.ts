import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { Provider } from '../provider.js';
import {
  callOptions,
  type FixtureHandler,
  readFixture,
  replyJson,
  startFixtureServer,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { createOpenAIProvider, type OpenAIConfig } from './openai-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startOpenAI(handler: FixtureHandler, config: Partial<OpenAIConfig> = {}): Promise<Provider> {
  const server = await upstream.start(handler);
  return createOpenAIProvider(
    'openai-test',
    { type: 'openai', apiKey: 'sk-test', baseURL: `${server.origin}/v1/`, ...config },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'gpt-4o',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  ],
};

describe('openai provider: rejects with UpstreamError', () => {
  it('429 with retry-after-ms: rate limited, retryable, hint kept, upstream message kept', async () => {
    const provider = await startOpenAI(
      replyJson(429, fixture('openai-rate-limit.json'), { 'retry-after-ms': '1200' }),
    );
    const error = await provider.generate(hello, callOptions('gpt-4o')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'upstream_rate_limited',
      statusCode: 429,
      status: 429,
      isRetryable: true,
      retryAfterMs: 1200,
      message: expect.stringContaining('Rate limit reached for gpt-4o'),
      details: { upstreamCode: 'rate_limit_exceeded', upstreamType: 'tokens' },
    });
  });

  it('stream() rejects on a non-2xx before any part, so the gateway can fail over', async () => {
    const provider = await startOpenAI(
      replyJson(429, fixture('openai-rate-limit.json'), { 'retry-after': '2' }),
    );
    await expect(provider.stream({ ...hello, stream: true }, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      isRetryable: true,
      retryAfterMs: 2000,
    });
  });

  it('500: retryable upstream_error', async () => {
    const provider = await startOpenAI(replyJson(500, fixture('openai-server-error.json')));
    await expect(provider.generate(hello, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_error',
      statusCode: 500,
      isRetryable: true,
      message: 'The server had an error while processing your request. Sorry about that!',
    });
  });

  it('400: not retryable, upstream message and param kept, status passed through', async () => {
    const provider = await startOpenAI(replyJson(400, fixture('openai-bad-request.json')));
    await expect(provider.generate(hello, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_invalid_request',
      status: 400,
      isRetryable: false,
      param: 'messages[0].content',
      message: expect.stringContaining("Invalid type for 'messages[0].content'"),
    });
  });

  it('401: auth failure without echoing the (masked) key from the upstream message', async () => {
    const provider = await startOpenAI(replyJson(401, fixture('openai-invalid-key.json')));
    const error = await provider.generate(hello, callOptions('gpt-4o')).catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'upstream_auth_failed', statusCode: 401, isRetryable: false });
    expect((error as Error).message).not.toContain('sk-proj');
    expect((error as UpstreamError).responseBody).toContain('invalid_api_key');
  });

  it('malformed JSON on a 200: upstream_bad_response', async () => {
    const provider = await startOpenAI(replyJson(200, '{"id":"chatcmpl-1","choices":[{'));
    await expect(provider.generate(hello, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_bad_response',
      isRetryable: true,
    });
  });

  it('connection refused: upstream_unavailable without a status, retryable', async () => {
    const closed = await startFixtureServer(() => undefined);
    const origin = closed.origin;
    await closed.close();
    const provider = createOpenAIProvider(
      'openai-test',
      { type: 'openai', apiKey: 'sk-test', baseURL: `${origin}/v1` },
      { http: upstream.http, log: upstream.log },
    );
    const error = await provider.generate(hello, callOptions('gpt-4o')).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      statusCode: undefined,
      isRetryable: true,
      message: expect.stringContaining('ECONNREFUSED'),
    });
  });

  it('connection reset before any response: upstream_unavailable, retryable', async () => {
    const provider = await startOpenAI((_request, response) => {
      response.socket?.destroy();
    });
    await expect(provider.generate(hello, callOptions('gpt-4o'))).rejects.toMatchObject({
      code: 'upstream_unavailable',
      statusCode: undefined,
      isRetryable: true,
    });
  });
});

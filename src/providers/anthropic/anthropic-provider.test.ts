import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { Provider } from '../provider.js';
import { callOptions, type FixtureHandler, readFixture, replyJson } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { type AnthropicConfig, createAnthropicProvider } from './anthropic-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startAnthropic(
  handler: FixtureHandler,
  config: Partial<AnthropicConfig> = {},
): Promise<Provider> {
  const server = await upstream.start(handler);
  return createAnthropicProvider(
    'anthropic-test',
    {
      type: 'anthropic',
      apiKey: 'sk-ant-test',
      baseURL: `${server.origin}/`,
      version: '2023-06-01',
      betas: [],
      ...config,
    },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'claude',
  stream: false,
  maxOutputTokens: 256,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.', cacheControl: { ttl: '5m' } }] },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  ],
};

describe('anthropic provider: generate', () => {
  it('POSTs /v1/messages with x-api-key, version and betas; converts text, usage and the cache split', async () => {
    const provider = await startAnthropic(replyJson(200, fixture('anthropic-text.json')), {
      betas: ['prompt-caching-2024-07-31'],
    });
    const result = await provider.generate(
      { ...hello, providerOptions: { anthropic: { betas: ['context-1m-2025-08-07'] } } },
      callOptions('claude-3-7-sonnet-latest'),
    );
    const request = upstream.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/messages');
    expect(request.headers).toMatchObject({
      'x-api-key': 'sk-ant-test',
      'anthropic-version': '2023-06-01',
      'anthropic-beta': 'prompt-caching-2024-07-31,context-1m-2025-08-07',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(request.json).toEqual({
      model: 'claude-3-7-sonnet-latest',
      max_tokens: 256,
      system: [{ type: 'text', text: 'Be brief.', cache_control: { type: 'ephemeral' } }],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: {
        inputTokens: 2009,
        outputTokens: 12,
        cacheReadTokens: 1800,
        cacheWriteTokens: 188,
        reasoningTokens: 0,
      },
      warnings: [],
      modelId: 'claude-3-7-sonnet-20250219',
      responseId: 'msg_01XFDUDYJgAACzvnptvVoYEL',
      providerMetadata: {
        anthropic: { cacheCreation: { ephemeral5mInputTokens: 100, ephemeral1hInputTokens: 88 } },
      },
    });
  });

  it('converts thinking, redacted thinking, text and tool calls in order (server tools left out)', async () => {
    const provider = await startAnthropic(replyJson(200, fixture('anthropic-tool-use.json')));
    const result = await provider.generate(hello, callOptions('claude-sonnet-4-5'));
    expect(result.content).toEqual([
      { type: 'reasoning', text: 'The user wants the weather in Paris.', signature: 'EqQBCkgIARABGAIiQL2' },
      {
        type: 'reasoning',
        text: '',
        redactedData: 'EmwKAhgBEgy3va3pzix/LafPsn4aDFIT2Xlxh0L5L8rLVyIwxtE3rAFBa8cr3qpP',
      },
      { type: 'text', text: "I'll check the weather." },
      {
        type: 'tool-call',
        toolCallId: 'toolu_01A09q90qw90lq917835lq9',
        toolName: 'get_weather',
        input: '{"city":"Paris","unit":"celsius"}',
      },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
    expect(result.usage).toEqual({
      inputTokens: 472,
      outputTokens: 89,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 41,
    });
  });

  it('returns the JSON-emulation tool input as text with a normal stop', async () => {
    const provider = await startAnthropic(replyJson(200, fixture('anthropic-json-tool.json')));
    const result = await provider.generate(
      {
        ...hello,
        responseFormat: {
          type: 'json-schema',
          name: 'list',
          schema: { type: 'array', items: { type: 'number' } },
        },
      },
      callOptions('claude-3-5-haiku-20241022'),
    );
    expect(upstream.lastRequest().json).toMatchObject({ tool_choice: { type: 'tool', name: 'json' } });
    expect(result.content).toEqual([{ type: 'text', text: '[1,2,3]' }]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
  });
});

describe('anthropic provider: errors', () => {
  async function failure(handler: FixtureHandler): Promise<UpstreamError> {
    const provider = await startAnthropic(handler);
    const error = await provider
      .generate(hello, callOptions('claude-3-7-sonnet-20250219'))
      .catch((caught: unknown) => caught);
    if (!(error instanceof UpstreamError)) throw new Error(`expected an UpstreamError, got ${String(error)}`);
    return error;
  }

  it('429 → upstream_rate_limited with retry-after, and the request id kept', async () => {
    const error = await failure(
      replyJson(429, fixture('anthropic-rate-limit.json'), {
        'retry-after': '7',
        'request-id': 'req_011CRateLimited',
      }),
    );
    expect(error).toMatchObject({
      code: 'upstream_rate_limited',
      status: 429,
      isRetryable: true,
      retryAfterMs: 7000,
    });
    expect(error.message).toContain('rate limit of 50 requests per minute');
    expect(error.details).toEqual({
      upstreamType: 'rate_limit_error',
      upstreamRequestId: 'req_011CRateLimited',
    });
  });

  it('429 without retry-after waits for the exhausted window to reset', async () => {
    const reset = new Date(Date.now() + 30_000).toISOString();
    const error = await failure(
      replyJson(429, fixture('anthropic-rate-limit.json'), {
        'anthropic-ratelimit-requests-remaining': '0',
        'anthropic-ratelimit-requests-reset': reset,
        'anthropic-ratelimit-tokens-remaining': '5000',
        'anthropic-ratelimit-tokens-reset': new Date(Date.now() + 2_000).toISOString(),
      }),
    );
    expect(error.retryAfterMs).toBeGreaterThan(25_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(30_000);
  });

  it('529 overloaded_error → retryable upstream_unavailable', async () => {
    const error = await failure(replyJson(529, fixture('anthropic-overloaded.json')));
    expect(error).toMatchObject({
      code: 'upstream_unavailable',
      status: 503,
      statusCode: 529,
      isRetryable: true,
      message: 'Overloaded',
    });
  });

  it('400 "prompt is too long" → context_length_exceeded, not retryable', async () => {
    const error = await failure(replyJson(400, fixture('anthropic-prompt-too-long.json')));
    expect(error).toMatchObject({ code: 'context_length_exceeded', status: 400, isRetryable: false });
  });

  it("401 → upstream_auth_failed without echoing the upstream's message", async () => {
    const error = await failure(replyJson(401, fixture('anthropic-invalid-key.json')));
    expect(error).toMatchObject({ code: 'upstream_auth_failed', isRetryable: false });
    expect(error.message).toBe("The upstream rejected the gateway's credentials (HTTP 401).");
  });

  it('a malformed 200 body → upstream_bad_response', async () => {
    const error = await failure(replyJson(200, '{"content": "not a list"}'));
    expect(error.code).toBe('upstream_bad_response');
  });

  it('a refused connection → retryable upstream_unavailable', async () => {
    const server = await upstream.start(replyJson(200, '{}'));
    const provider = createAnthropicProvider(
      'anthropic-test',
      { type: 'anthropic', apiKey: 'k', baseURL: server.origin, version: '2023-06-01', betas: [] },
      { http: upstream.http, log: upstream.log },
    );
    await server.close();
    await expect(provider.generate(hello, callOptions('claude-3-7-sonnet-20250219'))).rejects.toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
    });
  });
});

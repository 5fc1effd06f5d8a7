import { describe, expect, it } from 'vitest';
import { encodeEvent } from '../../aws/event-stream.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { createHttpClient } from '../http/http-client.js';
import type { Provider } from '../provider.js';
import { callOptions, collect, type FixtureHandler, replyJson } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { type BedrockConfig, createBedrockProvider } from './bedrock-provider.js';
import { encodeEventFixture, readEventFixture, replyEventStream } from './test-support/reply-event-stream.js';

const upstream = useFixtureServer();
const events = (name: string) => encodeEventFixture(readEventFixture(import.meta.url, name));
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const CLAUDE = 'eu.anthropic.claude-3-7-sonnet-20250219-v1:0';
const REQUEST_ID = 'e5e8a1f4-stream-0000-0000-000000000001';

function bedrockConfig(endpoint: string, config: Partial<BedrockConfig> = {}): BedrockConfig {
  return {
    type: 'bedrock',
    region: 'eu-west-1',
    partition: 'aws',
    credentials: { type: 'keys', ...KEYS },
    endpoint,
    ...config,
  };
}

async function startBedrock(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createBedrockProvider('bedrock-test', bedrockConfig(server.origin), {
    http: upstream.http,
    log: upstream.log,
  });
}

const hello: ChatRequest = {
  model: 'claude',
  stream: true,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

const start: StreamPart = { type: 'stream-start', warnings: [], modelId: CLAUDE, responseId: REQUEST_ID };
const noCache = { cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

async function streamParts(provider: Provider, request: ChatRequest = hello): Promise<StreamPart[]> {
  return collect(await provider.stream(request, callOptions(CLAUDE)));
}

describe('bedrock provider: ConverseStream failures end in an error part, never a silent end', () => {
  it('an exception event mid-stream: retryable upstream_rate_limited after the text so far', async () => {
    const provider = await startBedrock(replyEventStream(events('bedrock-throttled-mid-stream.events.json')));
    const parts = await streamParts(provider);
    expect(parts.slice(0, -1)).toEqual<StreamPart[]>([
      start,
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'Once upon' },
    ]);
    const last = parts.at(-1);
    expect(last?.type).toBe('error');
    expect(last?.type === 'error' && last.error).toMatchObject({
      code: 'upstream_rate_limited',
      isRetryable: true,
      message: 'Too many tokens, please wait before trying again.',
      details: { upstreamCode: 'throttlingException' },
    });
  });

  it.each([
    ['modelStreamErrorException', 'upstream_error', true],
    ['internalServerException', 'upstream_error', true],
    ['serviceUnavailableException', 'upstream_unavailable', true],
    ['validationException', 'upstream_invalid_request', false],
  ])('%s → %s (retryable %s)', async (exception, code, isRetryable) => {
    const body = Buffer.concat([
      encodeEvent('messageStart', { role: 'assistant' }),
      encodeEventFixture([{ exception, payload: { message: 'It failed.', originalStatusCode: 500 } }]),
    ]);
    const provider = await startBedrock(replyEventStream(body));
    const parts = await streamParts(provider);
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'error']);
    expect(parts[1]?.type === 'error' && parts[1].error).toMatchObject({
      code,
      isRetryable,
      message: 'It failed.',
    });
  });

  it('an unmodelled error message (:error-code headers) is an error part too', async () => {
    const provider = await startBedrock(
      replyEventStream(encodeEventFixture([{ error: 'InternalFailure', message: 'Something broke' }])),
    );
    const parts = await streamParts(provider);
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error', message: 'Something broke' },
    });
  });

  it('a stream cut inside a frame (socket destroyed) ends in a retryable error', async () => {
    const body = events('bedrock-text.events.json');
    const provider = await startBedrock(
      replyEventStream(body, { cutAfterBytes: Math.floor(body.length / 2) }),
    );
    const parts = await streamParts(provider);
    expect(parts.at(-2)?.type).toBe('text-delta');
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: {
        code: 'upstream_error',
        isRetryable: true,
        message: 'The Bedrock stream was cut before it finished.',
      },
    });
  });

  it('a body that ends cleanly before messageStop is a cut stream; after it, a finish without usage', async () => {
    const fixture = readEventFixture(import.meta.url, 'bedrock-text.events.json');
    const beforeStop = await startBedrock(replyEventStream(encodeEventFixture(fixture.slice(0, 4))));
    expect((await streamParts(beforeStop)).at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error' },
    });
    const afterStop = await startBedrock(replyEventStream(encodeEventFixture(fixture.slice(0, -1))));
    expect((await streamParts(afterStop)).at(-1)).toEqual({
      type: 'finish',
      usage: { inputTokens: 0, outputTokens: 0, ...noCache },
      finishReason: { unified: 'stop', raw: 'end_turn' },
      providerMetadata: { bedrock: { usageMissing: true } },
    });
  });

  it('a corrupt frame (CRC mismatch) is an error part', async () => {
    const body = Buffer.from(events('bedrock-text.events.json'));
    body[body.length - 1] = (body[body.length - 1] ?? 0) ^ 0xff;
    const provider = await startBedrock(replyEventStream(body));
    expect((await streamParts(provider)).at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error' },
    });
  });

  it('a non-2xx answer rejects stream() before any part, so the gateway can fail over', async () => {
    const provider = await startBedrock(
      replyJson(429, '{"message":"Too many requests, please wait before trying again."}', {
        'x-amzn-errortype': 'ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/',
      }),
    );
    await expect(provider.stream(hello, callOptions(CLAUDE))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      isRetryable: true,
    });
  });
});

describe('bedrock provider: ConverseStream cancellation and connection reuse', () => {
  it('aborting the signal mid-stream rejects the iterator and closes the upstream connection', async () => {
    const body = events('bedrock-text.events.json');
    const firstTwo = encodeEventFixture(
      readEventFixture(import.meta.url, 'bedrock-text.events.json').slice(0, 2),
    );
    const provider = await startBedrock(replyEventStream(body, { hangAfterBytes: firstTwo.length }));
    const controller = new AbortController();
    const iterator = (await provider.stream(hello, callOptions(CLAUDE, controller.signal)))[
      Symbol.asyncIterator
    ]();
    let part = await iterator.next();
    while (part.done !== true && part.value.type !== 'text-delta') part = await iterator.next();
    expect(part.value).toEqual({ type: 'text-delta', id: 'text-0', delta: 'Hello' });
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await upstream.lastRequest().closed;
  });

  it('a consumer that stops iterating (return()) destroys the upstream body', async () => {
    const body = events('bedrock-text.events.json');
    const provider = await startBedrock(replyEventStream(body, { hangAfterBytes: 40 }));
    const iterator = (await provider.stream(hello, callOptions(CLAUDE)))[Symbol.asyncIterator]();
    await iterator.return?.();
    await upstream.lastRequest().closed;
  });

  it('keeps the connection alive after metadata (the next call reuses it)', async () => {
    // One connection per origin: the second call waits for it, or opens a new one if it was destroyed.
    const singleConnection = createHttpClient({ connections: 1 });
    let release = () => {};
    const endWhen = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The response ends only after the client has seen `metadata`: destroying the body then would kill the socket.
    const server = await upstream.start(replyEventStream(events('bedrock-text.events.json'), { endWhen }));
    const provider = createBedrockProvider('bedrock-test', bedrockConfig(server.origin), {
      http: singleConnection,
      log: upstream.log,
    });
    expect((await streamParts(provider)).at(-1)?.type).toBe('finish');
    release();
    expect((await streamParts(provider)).at(-1)?.type).toBe('finish');
    await singleConnection.close();
    const [first, second] = server.requests;
    expect(first?.remotePort).toBeDefined();
    expect(second?.remotePort).toBe(first?.remotePort);
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import { createHttpClient } from '../http/http-client.js';
import type { Provider } from '../provider.js';
import {
  callOptions,
  collect,
  type FixtureHandler,
  readFixture,
  replyEvents,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { createAnthropicProvider } from './anthropic-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startAnthropic(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createAnthropicProvider(
    'anthropic-test',
    { type: 'anthropic', apiKey: 'sk-ant-test', baseURL: server.origin, version: '2023-06-01', betas: [] },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'claude',
  stream: true,
  maxOutputTokens: 512,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

describe('anthropic provider: stream', () => {
  it('streams text split across small TCP writes; usage from message_start + message_delta', async () => {
    const provider = await startAnthropic(
      replyEvents(fixture('anthropic-text.chunks.txt'), { pieceBytes: 7 }),
    );
    const parts = await collect(await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219')));
    expect(upstream.lastRequest().json).toMatchObject({ stream: true });
    expect(upstream.lastRequest().headers.accept).toBe('text/event-stream');
    const text = ['Hello', '!', ' How', ' can', ' I', ' help', '?'];
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: [],
        modelId: 'claude-3-7-sonnet-20250219',
        responseId: 'msg_01StreamText',
      },
      { type: 'text-start', id: 'text-0' },
      ...text.map((delta): StreamPart => ({ type: 'text-delta', id: 'text-0', delta })),
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: {
          inputTokens: 2073,
          outputTokens: 9,
          cacheReadTokens: 2048,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'end_turn' },
        providerMetadata: {
          anthropic: { cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: 0 } },
        },
      },
    ]);
  });

  it('interleaves thinking (with its signature), text and tool calls assembled from input_json_delta', async () => {
    const provider = await startAnthropic(
      replyEvents(fixture('anthropic-interleaved.chunks.txt'), { pieceBytes: 50 }),
    );
    const parts = await collect(await provider.stream(hello, callOptions('claude-sonnet-4-5')));
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: [],
        modelId: 'claude-sonnet-4-5-20250929',
        responseId: 'msg_01Interleaved',
      },
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: 'Let me' },
      { type: 'reasoning-delta', id: 'reasoning-0', delta: ' check both.' },
      { type: 'reasoning-end', id: 'reasoning-0', signature: 'EqQBCkgIARABGAIiQInterleaved' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Checking both.' },
      { type: 'text-end', id: 'text-1' },
      { type: 'tool-input-start', id: 'toolu_01Weather', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'toolu_01Weather', delta: '{"ci' },
      { type: 'tool-input-delta', id: 'toolu_01Weather', delta: 'ty": "Par' },
      { type: 'tool-input-delta', id: 'toolu_01Weather', delta: 'is"}' },
      { type: 'tool-input-end', id: 'toolu_01Weather' },
      {
        type: 'tool-call',
        toolCallId: 'toolu_01Weather',
        toolName: 'get_weather',
        input: '{"city": "Paris"}',
      },
      { type: 'tool-input-start', id: 'toolu_01Time', toolName: 'get_time' },
      { type: 'tool-input-delta', id: 'toolu_01Time', delta: '{"zone":' },
      { type: 'tool-input-delta', id: 'toolu_01Time', delta: ' "Asia/Tokyo"}' },
      { type: 'tool-input-end', id: 'toolu_01Time' },
      {
        type: 'tool-call',
        toolCallId: 'toolu_01Time',
        toolName: 'get_time',
        input: '{"zone": "Asia/Tokyo"}',
      },
      { type: 'tool-input-start', id: 'toolu_01NoArgs', toolName: 'get_time' },
      { type: 'tool-input-end', id: 'toolu_01NoArgs' },
      { type: 'tool-call', toolCallId: 'toolu_01NoArgs', toolName: 'get_time', input: '{}' },
      {
        type: 'finish',
        usage: {
          inputTokens: 1680,
          outputTokens: 120,
          cacheReadTokens: 0,
          cacheWriteTokens: 1200,
          reasoningTokens: 30,
        },
        finishReason: { unified: 'tool-calls', raw: 'tool_use' },
        providerMetadata: {
          anthropic: { cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: 1200 } },
        },
      },
    ]);
  });

  it('streams the JSON-emulation tool input as text', async () => {
    const provider = await startAnthropic(replyEvents(fixture('anthropic-json-tool.chunks.txt')));
    const parts = await collect(
      await provider.stream(
        {
          ...hello,
          responseFormat: {
            type: 'json-schema',
            name: 'a',
            schema: { type: 'object', properties: { answer: { type: 'number' } } },
          },
        },
        callOptions('claude-3-5-haiku-20241022'),
      ),
    );
    expect(parts.filter((part) => part.type.startsWith('text-'))).toEqual([
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: '{"answer":' },
      { type: 'text-delta', id: 'text-0', delta: ' 42}' },
      { type: 'text-end', id: 'text-0' },
    ]);
    expect(parts.at(-1)).toMatchObject({
      type: 'finish',
      finishReason: { unified: 'stop', raw: 'tool_use' },
    });
  });

  it('an error event becomes a retryable upstream_unavailable error part', async () => {
    const provider = await startAnthropic(replyEvents(fixture('anthropic-overloaded-error.chunks.txt')));
    const parts = await collect(await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219')));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-start', 'text-delta', 'error']);
    const last = parts.at(-1);
    expect(last?.type === 'error' && last.error).toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
      message: 'Overloaded',
    });
  });

  it('a stream cut before message_stop ends in an upstream_error part', async () => {
    const text = fixture('anthropic-text.chunks.txt');
    const provider = await startAnthropic(
      replyEvents(text, { cutAfterBytes: text.indexOf('event: content_block_stop') }),
    );
    const parts = await collect(await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219')));
    const last = parts.at(-1);
    expect(last?.type === 'error' && last.error.code).toBe('upstream_error');
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(7);
  });

  it('abort mid-stream rejects the iterator and closes the upstream connection', async () => {
    const text = fixture('anthropic-text.chunks.txt');
    const provider = await startAnthropic(
      replyEvents(text, { hangAfterBytes: text.indexOf('event: content_block_delta') }),
    );
    const controller = new AbortController();
    const iterator = (
      await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219', controller.signal))
    )[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'stream-start' });
    expect((await iterator.next()).value).toMatchObject({ type: 'text-start' });
    const pending = iterator.next();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await upstream.lastRequest().closed;
  });

  it('stopping early (return) drops the connection', async () => {
    const text = fixture('anthropic-text.chunks.txt');
    const provider = await startAnthropic(
      replyEvents(text, { hangAfterBytes: text.indexOf('event: content_block_stop') }),
    );
    for await (const part of await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219'))) {
      if (part.type === 'text-delta') break;
    }
    await upstream.lastRequest().closed;
  });

  it('keeps the connection alive after message_stop (the next call reuses it)', async () => {
    const singleConnection = createHttpClient({ connections: 1 });
    let release = () => {};
    const endWhen = new Promise<void>((resolve) => {
      release = resolve;
    });
    const server = await upstream.start(replyEvents(fixture('anthropic-text.chunks.txt'), { endWhen }));
    const provider = createAnthropicProvider(
      'anthropic-test',
      { type: 'anthropic', apiKey: 'k', baseURL: server.origin, version: '2023-06-01', betas: [] },
      { http: singleConnection, log: upstream.log },
    );
    const parts = await collect(await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219')));
    expect(parts.at(-1)?.type).toBe('finish');
    release();
    await collect(await provider.stream(hello, callOptions('claude-3-7-sonnet-20250219')));
    await singleConnection.close();
    const [first, second] = server.requests;
    expect(second?.remotePort).toBe(first?.remotePort);
  });
});

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

describe('openai provider: stream', () => {
  it('streams text split across small TCP writes, always asking for usage', async () => {
    const provider = await startOpenAI(replyEvents(fixture('openai-text.chunks.txt'), { pieceBytes: 7 }));
    const parts = await collect(await provider.stream({ ...hello, stream: true }, callOptions('gpt-4o')));
    expect(upstream.lastRequest().json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    expect(upstream.lastRequest().headers.accept).toBe('text/event-stream');
    const text = ['Hello', '!', ' How', ' can', ' I', ' help', ' you', ' today', '?'];
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: [],
        modelId: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG',
      },
      { type: 'text-start', id: 'text-0' },
      ...text.map((delta): StreamPart => ({ type: 'text-delta', id: 'text-0', delta })),
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: {
          inputTokens: 1200,
          outputTokens: 9,
          cacheReadTokens: 1024,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    ]);
  });

  it('assembles parallel tool calls by index from many argument fragments', async () => {
    const provider = await startOpenAI(
      replyEvents(fixture('openai-tool-calls.chunks.txt'), { pieceBytes: 64 }),
    );
    const parts = await collect(await provider.stream({ ...hello, stream: true }, callOptions('gpt-4o')));
    const weather = ['{"', 'city', '":"', 'Par', 'is', '","', 'unit', '":"', 'c', 'elsius', '"}'];
    const time = ['{"', 'zone', '":"', 'Asia', '/', 'Tok', 'yo', '"}'];
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: [],
        modelId: 'gpt-4o-2024-08-06',
        responseId: 'chatcmpl-BtParallelTools01',
      },
      { type: 'tool-input-start', id: 'call_pQ0Weather', toolName: 'get_weather' },
      ...weather.map((delta): StreamPart => ({ type: 'tool-input-delta', id: 'call_pQ0Weather', delta })),
      { type: 'tool-input-start', id: 'call_Zk9Time', toolName: 'get_time' },
      ...time.map((delta): StreamPart => ({ type: 'tool-input-delta', id: 'call_Zk9Time', delta })),
      { type: 'tool-input-end', id: 'call_pQ0Weather' },
      {
        type: 'tool-call',
        toolCallId: 'call_pQ0Weather',
        toolName: 'get_weather',
        input: '{"city":"Paris","unit":"celsius"}',
      },
      { type: 'tool-input-end', id: 'call_Zk9Time' },
      { type: 'tool-call', toolCallId: 'call_Zk9Time', toolName: 'get_time', input: '{"zone":"Asia/Tokyo"}' },
      {
        type: 'finish',
        usage: {
          inputTokens: 90,
          outputTokens: 48,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    ]);
  });

  it('keeps the connection alive after [DONE] (the next call reuses it)', async () => {
    // One connection per origin: the second call waits for it, or opens a new one if it was destroyed.
    const singleConnection = createHttpClient({ connections: 1 });
    let release = () => {};
    const endWhen = new Promise<void>((resolve) => {
      release = resolve;
    });
    // The response ends only after the client has seen [DONE]: destroying the body then would kill the socket.
    const server = await upstream.start(replyEvents(fixture('openai-text.chunks.txt'), { endWhen }));
    const provider = createOpenAIProvider(
      'openai-test',
      { type: 'openai', apiKey: 'sk-test', baseURL: `${server.origin}/v1` },
      { http: singleConnection, log: callOptions('x').log },
    );
    const parts = await collect(await provider.stream({ ...hello, stream: true }, callOptions('gpt-4o')));
    expect(parts.at(-1)?.type).toBe('finish');
    release();
    await collect(await provider.stream({ ...hello, stream: true }, callOptions('gpt-4o')));
    await singleConnection.close();
    const [first, second] = server.requests;
    expect(first?.remotePort).toBeDefined();
    expect(second?.remotePort).toBe(first?.remotePort);
  });
});

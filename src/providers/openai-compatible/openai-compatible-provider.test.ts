import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
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
import { createOpenAICompatibleProvider } from './create-openai-compatible-provider.js';

// Stream robustness of the shared base, exercised through the generic flavor.
const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startGeneric(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createOpenAICompatibleProvider(
    'local',
    { type: 'openai-compatible', baseURL: `${server.origin}/v1`, flavor: 'generic' },
    { http: upstream.http, log: upstream.log },
  );
}

const count: ChatRequest = {
  model: 'mistral-small',
  stream: true,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Count to five.' }] }],
};

describe('openai-compatible stream: endings other than [DONE]', () => {
  it('a connection cut mid-way ends in an error part, never a silent end', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(replyEvents(text, { cutAfterBytes: text.indexOf(', four') }));
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts.slice(0, 3)).toEqual<StreamPart[]>([
      { type: 'stream-start', warnings: [], modelId: 'mistral-small', responseId: 'chatcmpl-generic1' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'One' },
    ]);
    expect(parts.some((part) => part.type === 'finish')).toBe(false);
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: { code: 'upstream_error', statusCode: undefined, message: expect.stringContaining('cut') },
    });
  });

  it('a body that ends cleanly but before any finish_reason is also reported as cut', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(
      replyEvents(text.slice(0, text.indexOf('data: ', text.indexOf(', four')))),
    );
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_error' } });
  });

  it('a body that ends after finish_reason and usage but without [DONE] finishes normally', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(replyEvents(text.replace('data: [DONE]\n\n', '')));
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts.at(-1)).toEqual<StreamPart>({
      type: 'finish',
      usage: { inputTokens: 9, outputTokens: 6, cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
      finishReason: { unified: 'stop', raw: 'stop' },
    });
  });

  it('an error event mid-stream becomes an error part with the upstream message', async () => {
    const provider = await startGeneric(replyEvents(fixture('generic-error-event.chunks.txt')));
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'text-start', 'text-delta', 'error']);
    expect(parts.at(-1)).toMatchObject({
      type: 'error',
      error: {
        code: 'upstream_error',
        message: 'The model produced invalid content. Consider modifying your prompt.',
        details: { upstreamCode: 'invalid_model_output', upstreamType: 'server_error' },
      },
    });
  });

  it('a malformed event becomes an upstream_bad_response error part', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(
      replyEvents(text.replace('{"content":", two"}', '{"content":", two"')),
    );
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts.at(-1)).toMatchObject({ type: 'error', error: { code: 'upstream_bad_response' } });
    expect(parts.filter((part) => part.type === 'text-delta')).toHaveLength(1);
  });
});

describe('openai-compatible: cancellation reaches the upstream socket', () => {
  it('aborting the signal mid-stream rejects the iterator and closes the upstream connection', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(replyEvents(text, { hangAfterBytes: text.indexOf(', two') }));
    const controller = new AbortController();
    const iterator = (await provider.stream(count, callOptions('mistral-small', controller.signal)))[
      Symbol.asyncIterator
    ]();
    let part = await iterator.next();
    while (part.done !== true && part.value.type !== 'text-delta') part = await iterator.next();
    expect(part.value).toEqual({ type: 'text-delta', id: 'text-0', delta: 'One' });
    controller.abort();
    await expect(iterator.next()).rejects.toMatchObject({ name: 'AbortError' });
    await upstream.lastRequest().closed;
  });

  it('a consumer that stops iterating (return()) destroys the upstream body', async () => {
    const text = fixture('generic-text.chunks.txt');
    const provider = await startGeneric(replyEvents(text, { hangAfterBytes: text.indexOf(', two') }));
    const iterator = (await provider.stream(count, callOptions('mistral-small')))[Symbol.asyncIterator]();
    expect((await iterator.next()).value).toMatchObject({ type: 'stream-start' });
    await iterator.return?.();
    await upstream.lastRequest().closed;
  });

  it('aborting before the upstream answered rejects generate() and closes the connection', async () => {
    let received: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const provider = await startGeneric(() => received());
    const controller = new AbortController();
    const pending = provider.generate(
      { ...count, stream: false },
      callOptions('mistral-small', controller.signal),
    );
    await requestArrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await upstream.lastRequest().closed;
  });
});

describe('openai-compatible: servers that answer a stream request with JSON', () => {
  const completion = JSON.stringify({
    id: 'chatcmpl-json',
    model: 'mistral-small',
    choices: [{ index: 0, message: { role: 'assistant', content: 'One, two.' }, finish_reason: 'stop' }],
    usage: { prompt_tokens: 9, completion_tokens: 3 },
  });

  it('replays a whole completion as stream parts', async () => {
    const provider = await startGeneric(replyJson(200, completion));
    const parts = await collect(await provider.stream(count, callOptions('mistral-small')));
    expect(parts).toEqual<StreamPart[]>([
      { type: 'stream-start', warnings: [], modelId: 'mistral-small', responseId: 'chatcmpl-json' },
      { type: 'text-start', id: 'text-0' },
      { type: 'text-delta', id: 'text-0', delta: 'One, two.' },
      { type: 'text-end', id: 'text-0' },
      {
        type: 'finish',
        usage: {
          inputTokens: 9,
          outputTokens: 3,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    ]);
  });

  it('rejects stream() and generate() on an error envelope inside a 200, so the gateway can fail over', async () => {
    const envelope = JSON.stringify({
      error: { message: 'model is loading', type: 'server_error', code: 503 },
    });
    const provider = await startGeneric(replyJson(200, envelope));
    const expected = { code: 'upstream_error', isRetryable: true, message: 'model is loading' };
    await expect(provider.stream(count, callOptions('mistral-small'))).rejects.toMatchObject(expected);
    await expect(
      provider.generate({ ...count, stream: false }, callOptions('mistral-small')),
    ).rejects.toMatchObject(expected);
  });
});

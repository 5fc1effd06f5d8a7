import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import {
  type DialectFixture,
  FULL_KEY,
  startDialectFixture,
} from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startDialectFixture('openai');
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = () => new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey: FULL_KEY, maxRetries: 0 });
const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: 'user', content: 'Hi' }];
const usage = { ...emptyUsage(), inputTokens: 9, outputTokens: 4, cacheReadTokens: 2 };

function textStream(...deltas: string[]): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [], modelId: 'gpt-4o-2024-08-06' },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
  ];
}

/** Two tool calls whose argument fragments interleave, as parallel calls do. */
const parallelToolCalls: StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'tool-input-start', id: 'call_w', toolName: 'get_weather' },
  { type: 'tool-input-delta', id: 'call_w', delta: '{"city":' },
  { type: 'tool-input-start', id: 'call_t', toolName: 'get_time' },
  { type: 'tool-input-delta', id: 'call_t', delta: '{"zone":"CET"}' },
  { type: 'tool-input-delta', id: 'call_w', delta: '"Oslo"}' },
  { type: 'tool-input-end', id: 'call_w' },
  { type: 'tool-input-end', id: 'call_t' },
  { type: 'tool-call', toolCallId: 'call_w', toolName: 'get_weather', input: '{"city":"Oslo"}' },
  { type: 'tool-call', toolCallId: 'call_t', toolName: 'get_time', input: '{"zone":"CET"}' },
  { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
];

describe('streaming chat completions through the OpenAI SDK', () => {
  it('streams one chunk per delta, role first, finish last, and no usage unless asked', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hel', 'lo', ' there') });
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'gpt-4o', messages, stream: true })
      .withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(response.headers.get('x-accel-buffering')).toBe('no');
    const requestId = response.headers.get('x-request-id') ?? '';
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.choices[0]?.delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'Hel' },
      { content: 'lo' },
      { content: ' there' },
      {},
    ]);
    expect(chunks.map((chunk) => chunk.choices[0]?.finish_reason)).toEqual([null, null, null, null, 'stop']);
    for (const chunk of chunks) {
      expect(chunk).toMatchObject({
        id: `chatcmpl-${requestId.replaceAll('-', '')}`,
        object: 'chat.completion.chunk',
        model: 'gpt-4o-2024-08-06',
      });
      expect('usage' in chunk).toBe(false);
    }
    expect(fixture.provider.lastRequest().stream).toBe(true);
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'ok',
      stream: true,
      inputTokens: 9,
      outputTokens: 4,
      usageEstimated: false,
    });
  });

  it('sends usage: null on every chunk and a final usage chunk with no choices when include_usage is set', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('A', 'B') });
    const stream = await client().chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks[chunks.length - 1];
    expect(last?.choices).toEqual([]);
    expect(last?.usage).toMatchObject({
      prompt_tokens: 9,
      completion_tokens: 4,
      total_tokens: 13,
      prompt_tokens_details: { cached_tokens: 2 },
    });
    for (const chunk of chunks.slice(0, -1)) expect(chunk.usage).toBeNull();
    // stream_options is the dialect's business; it is not passed on to the provider.
    expect(fixture.provider.lastRequest().providerOptions).toBeUndefined();
  });

  it('streams parallel tool calls that chat.completions.stream() assembles with finalChatCompletion()', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: parallelToolCalls });
    const runner = client().chat.completions.stream({
      model: 'gpt-4o',
      messages,
      tools: [
        { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } },
        { type: 'function', function: { name: 'get_time', parameters: { type: 'object' } } },
      ],
    });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toEqual([
      { id: 'call_w', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'call_t', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
    ]);
  });

  it('writes a tool call announced whole (no input deltas) as one chunk with its arguments', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'lookup', input: '{"q":"x"}' },
        { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'STOP' } },
      ],
    });
    const chunks: OpenAI.ChatCompletionChunk[] = [];
    for await (const chunk of await client().chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
    })) {
      chunks.push(chunk);
    }
    expect(chunks.map((chunk) => [chunk.choices[0]?.delta, chunk.choices[0]?.finish_reason])).toEqual([
      [{ role: 'assistant', content: null, refusal: null }, null],
      [
        {
          tool_calls: [
            {
              index: 0,
              id: 'call_1',
              type: 'function',
              function: { name: 'lookup', arguments: '{"q":"x"}' },
            },
          ],
        },
        null,
      ],
      [{}, 'tool_calls'],
    ]);
  });

  it('turns a mid-stream error part into an error event the SDK throws as APIError', async () => {
    const error = new UpstreamError('The upstream cut the stream.', {
      url: 'https://upstream.test',
      statusCode: 500,
    });
    fixture.provider.enqueue({
      type: 'stream',
      parts: [...textStream('partial').slice(0, 3), { type: 'error', error }],
    });
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'gpt-4o', messages, stream: true })
      .withResponse();
    let text = '';
    const thrown = await (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })().catch((caught: unknown) => caught);
    expect(text).toBe('partial');
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect(thrown).toMatchObject({
      code: 'upstream_error',
      type: 'server_error',
      message: 'The upstream cut the stream.',
    });
    const requestId = response.headers.get('x-request-id');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'error', errorCode: 'upstream_error', httpStatus: 200 });
  });

  it('reports a stream that ends without finishing as an error, not a silent [DONE]', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('cut').slice(0, 3) });
    const stream = await client().chat.completions.create({ model: 'gpt-4o', messages, stream: true });
    const thrown = await (async () => {
      for await (const _chunk of stream);
    })().catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(OpenAI.APIError);
    expect(thrown).toMatchObject({ code: 'upstream_bad_response' });
  });

  it('stops and cancels the upstream stream when the client disconnects, recording a cancelled row', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('first').slice(0, 3), ending: 'hang' });
    const outcome = fixture.provider.nextStreamOutcome();
    const controller = new AbortController();
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'gpt-4o', messages, stream: true }, { signal: controller.signal })
      .withResponse();
    const requestId = response.headers.get('x-request-id');
    await (async () => {
      for await (const chunk of stream) if (chunk.choices[0]?.delta.content === 'first') controller.abort();
    })().catch(() => undefined);
    expect(await outcome).toEqual({ completed: false, returnedEarly: false, aborted: true });
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'cancelled', errorCode: 'cancelled', usageEstimated: true });
    expect(row.outputTokens).toBeGreaterThan(0);
  });
});

describe('the raw SSE wire format', () => {
  it('is data-only events ending in [DONE], each a complete JSON chunk', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hi') });
    const response = await fetch(`${fixture.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FULL_KEY}` },
      body: JSON.stringify({ model: 'gpt-4o', messages, stream: true }),
    });
    const text = await response.text();
    const events = text.split('\n\n');
    expect(events.pop()).toBe('');
    expect(events[events.length - 1]).toBe('data: [DONE]');
    for (const event of events) expect(event).toMatch(/^data: /);
    expect(text).not.toContain('event:');
    const chunks = events.slice(0, -1).map((event) => JSON.parse(event.slice(6)) as { choices: unknown[] });
    expect(chunks).toHaveLength(3);
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { emptyUsage } from '../../core/usage.js';
import { ANTHROPIC_KEY, startAnthropicFixture } from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = () => new Anthropic({ baseURL: fixture.url, apiKey: ANTHROPIC_KEY, maxRetries: 0 });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];
const usage = { ...emptyUsage(), inputTokens: 30, outputTokens: 7, cacheReadTokens: 20 };
const tools: Anthropic.Tool[] = [
  { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
  { name: 'get_time', input_schema: { type: 'object', properties: { zone: { type: 'string' } } } },
];

function textStream(...deltas: string[]): StreamPart[] {
  return [
    { type: 'stream-start', warnings: [], modelId: 'claude-sonnet-4-6-20260101' },
    { type: 'text-start', id: 't' },
    ...deltas.map((delta): StreamPart => ({ type: 'text-delta', id: 't', delta })),
    { type: 'text-end', id: 't' },
    { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'stop' } },
  ];
}

/** Two tool calls whose argument fragments interleave, as parallel calls from an OpenAI upstream do. */
const parallelToolCalls: StreamPart[] = [
  { type: 'stream-start', warnings: [] },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Checking both.' },
  { type: 'text-end', id: 't' },
  { type: 'tool-input-start', id: 'call_w', toolName: 'get_weather' },
  { type: 'tool-input-delta', id: 'call_w', delta: '{"city":' },
  { type: 'tool-input-start', id: 'call_t', toolName: 'get_time' },
  { type: 'tool-input-delta', id: 'call_t', delta: '{"zone":' },
  { type: 'tool-input-delta', id: 'call_w', delta: '"Oslo"}' },
  { type: 'tool-input-delta', id: 'call_t', delta: '"CET"}' },
  { type: 'tool-input-end', id: 'call_w' },
  { type: 'tool-input-end', id: 'call_t' },
  { type: 'tool-call', toolCallId: 'call_w', toolName: 'get_weather', input: '{"city":"Oslo"}' },
  { type: 'tool-call', toolCallId: 'call_t', toolName: 'get_time', input: '{"zone":"CET"}' },
  { type: 'finish', usage, finishReason: { unified: 'tool-calls', raw: 'tool_calls' } },
];

async function collect<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of stream) items.push(item);
  return items;
}

describe('streaming messages through the Anthropic SDK', () => {
  it('emits message_start, one text block, message_delta and message_stop, in order', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hel', 'lo') });
    const { data: stream, response } = await client()
      .messages.create({ model, max_tokens: 64, messages: hello, stream: true })
      .withResponse();
    expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const requestId = response.headers.get('x-converge-request-id') ?? '';
    expect(response.headers.get('request-id')).toBe(`req_${requestId.replaceAll('-', '')}`);
    const events = await collect(stream);
    expect(events.map((event) => event.type)).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events[0]).toMatchObject({
      message: {
        id: `msg_${requestId.replaceAll('-', '')}`,
        type: 'message',
        role: 'assistant',
        model: 'claude-sonnet-4-6-20260101',
        content: [],
        stop_reason: null,
        usage: { output_tokens: 0 },
      },
    });
    expect(events.slice(1, 5)).toEqual([
      { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Hel' } },
      { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'lo' } },
      { type: 'content_block_stop', index: 0 },
    ]);
    expect(events[5]).toMatchObject({
      delta: { stop_reason: 'end_turn', stop_sequence: null },
      usage: {
        input_tokens: 10,
        cache_read_input_tokens: 20,
        cache_creation_input_tokens: 0,
        output_tokens: 7,
      },
    });
    expect(fixture.provider.lastRequest().stream).toBe(true);
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', stream: true, inputTokens: 30, cacheReadTokens: 20 });
  });

  it('assembles with messages.stream() and finalMessage(), exact usage from message_delta', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hello', ', ', 'world') });
    const runner = client().messages.stream({ model, max_tokens: 64, messages: hello });
    const texts: string[] = [];
    runner.on('text', (delta) => texts.push(delta));
    const final = await runner.finalMessage();
    expect(texts).toEqual(['Hello', ', ', 'world']);
    expect(final).toMatchObject({
      role: 'assistant',
      content: [{ type: 'text', text: 'Hello, world' }],
      stop_reason: 'end_turn',
      usage: { input_tokens: 10, cache_read_input_tokens: 20, output_tokens: 7 },
    });
  });

  it('sequences interleaved parallel tool calls into whole blocks the SDK assembles', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: parallelToolCalls });
    const runner = client().messages.stream({ model, max_tokens: 256, messages: hello, tools });
    const events: Anthropic.MessageStreamEvent[] = [];
    runner.on('streamEvent', (event) => events.push(event));
    const final = await runner.finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toEqual([
      { type: 'text', text: 'Checking both.' },
      { type: 'tool_use', id: 'call_w', name: 'get_weather', input: { city: 'Oslo' } },
      { type: 'tool_use', id: 'call_t', name: 'get_time', input: { zone: 'CET' } },
    ]);
    // One block open at a time: every block's events are contiguous and indexes only go up.
    const blockEvents = events.filter((event) => 'index' in event) as Array<{ type: string; index: number }>;
    expect(blockEvents.map((event) => `${event.type}:${event.index}`)).toEqual([
      'content_block_start:0',
      'content_block_delta:0',
      'content_block_stop:0',
      'content_block_start:1',
      'content_block_delta:1',
      'content_block_delta:1',
      'content_block_stop:1',
      'content_block_start:2',
      'content_block_delta:2',
      'content_block_delta:2',
      'content_block_stop:2',
    ]);
  });

  it('streams a tool call announced whole as a block with one input delta', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'tool-call', toolCallId: 'toolu_9', toolName: 'get_time', input: '{"zone":"UTC"}' },
        { type: 'finish', usage, finishReason: { unified: 'stop', raw: 'STOP' } },
      ],
    });
    const final = await client()
      .messages.stream({ model, max_tokens: 64, messages: hello, tools })
      .finalMessage();
    expect(final.content).toEqual([
      { type: 'tool_use', id: 'toolu_9', name: 'get_time', input: { zone: 'UTC' } },
    ]);
    expect(final.stop_reason).toBe('tool_use');
  });

  it('streams thinking with its signature before the answer', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        { type: 'stream-start', warnings: [] },
        { type: 'reasoning-start', id: 'r' },
        { type: 'reasoning-delta', id: 'r', delta: 'Let me ' },
        { type: 'reasoning-delta', id: 'r', delta: 'think.' },
        { type: 'reasoning-end', id: 'r', signature: 'sig-abc' },
        ...textStream('42').slice(1),
      ],
    });
    const runner = client().messages.stream({
      model,
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: hello,
    });
    const deltas: string[] = [];
    runner.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    });
    const final = await runner.finalMessage();
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'Let me think.', signature: 'sig-abc' },
      { type: 'text', text: '42' },
    ]);
    expect(deltas).toEqual(['thinking_delta', 'thinking_delta', 'signature_delta', 'text_delta']);
  });

  it('maps cache writes and reads onto message_delta usage', async () => {
    fixture.provider.enqueue({
      type: 'stream',
      parts: [
        ...textStream('ok').slice(0, -1),
        {
          type: 'finish',
          usage: { ...emptyUsage(), inputTokens: 1500, cacheWriteTokens: 1450, outputTokens: 2 },
          finishReason: { unified: 'stop', raw: 'end_turn' },
        },
      ],
    });
    const final = await client()
      .messages.stream({
        model,
        max_tokens: 64,
        system: [{ type: 'text', text: 'Long instructions', cache_control: { type: 'ephemeral' } }],
        messages: hello,
      })
      .finalMessage();
    expect(final.usage).toMatchObject({
      input_tokens: 50,
      cache_creation_input_tokens: 1450,
      cache_read_input_tokens: 0,
      output_tokens: 2,
    });
    expect(fixture.provider.lastRequest().messages[0]?.content).toEqual([
      { type: 'text', text: 'Long instructions', cacheControl: { ttl: '5m' } },
    ]);
  });
});

describe('the raw SSE wire format', () => {
  it('names every frame with an event: line matching its type, pings after the first block, and has no [DONE]', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream('Hi') });
    const response = await fetch(`${fixture.url}/v1/messages`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-api-key': ANTHROPIC_KEY,
        'anthropic-version': '2023-06-01',
      },
      body: JSON.stringify({ model, max_tokens: 16, messages: hello, stream: true }),
    });
    const frames = (await response.text()).split('\n\n');
    expect(frames.pop()).toBe('');
    const names = frames.map((frame) => {
      const [eventLine, dataLine, ...rest] = frame.split('\n');
      expect(rest).toEqual([]);
      const name = eventLine?.replace(/^event: /, '');
      expect((JSON.parse(dataLine?.replace(/^data: /, '') ?? '') as { type: string }).type).toBe(name);
      return name;
    });
    expect(names).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });
});

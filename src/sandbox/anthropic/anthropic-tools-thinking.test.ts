import Anthropic from '@anthropic-ai/sdk';
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages/messages';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonSchema } from '../testing/check-json-schema.js';
import { REDACTED_THINKING_TRIGGER } from './parse-messages-request.js';
import { type AnthropicSandbox, startAnthropicSandbox } from './start-anthropic-sandbox.js';

let sandbox: AnthropicSandbox;
let client: Anthropic;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox();
  client = new Anthropic({ baseURL: sandbox.url, apiKey: 'sk-ant-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const MODEL = 'claude-3-7-sonnet-20250219';
const weatherSchema = {
  type: 'object' as const,
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
};
const timeSchema = { type: 'object' as const, properties: { zone: { type: 'string' } }, required: ['zone'] };
const tools: Tool[] = [
  { name: 'get_weather', description: 'Weather forecast', input_schema: weatherSchema },
  { name: 'get_time', input_schema: timeSchema },
];

describe('tool use', () => {
  it('round-trips: tool_use with schema-valid input → tool_result → text quoting it', async () => {
    const messages: MessageParam[] = [{ role: 'user', content: 'Please call get_weather for Paris' }];
    const first = await client.messages.create({ model: MODEL, max_tokens: 1024, messages, tools });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content[0]).toMatchObject({ type: 'text', text: "I'll use get_weather to help with this." });
    const call = first.content[1];
    if (call?.type !== 'tool_use') throw new Error('expected a tool_use block');
    expect(call.id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    expect(call.name).toBe('get_weather');
    expect(checkJsonSchema(weatherSchema, call.input)).toEqual([]);
    expect((call.input as { city: string }).city).toContain('Paris');

    messages.push(
      { role: 'assistant', content: first.content },
      {
        role: 'user',
        content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature":21}' }],
      },
    );
    const second = await client.messages.create({ model: MODEL, max_tokens: 1024, messages, tools });
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content[0]?.type === 'text' && second.content[0].text).toContain(
      'get_weather returned {"temperature":21}',
    );
  });

  it('calls every named tool in parallel, one with disable_parallel_tool_use', async () => {
    const messages: MessageParam[] = [{ role: 'user', content: 'Use get_weather and get_time for Tokyo' }];
    const parallel = await client.messages.create({ model: MODEL, max_tokens: 1024, messages, tools });
    expect(parallel.content.filter((block) => block.type === 'tool_use').map((block) => block.name)).toEqual([
      'get_weather',
      'get_time',
    ]);
    const single = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages,
      tools,
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(single.content.filter((block) => block.type === 'tool_use')).toHaveLength(1);
  });

  it('forces a tool with tool_choice any/tool, without a preamble', async () => {
    const messages: MessageParam[] = [{ role: 'user', content: 'Hello there' }];
    const forced = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages,
      tools,
      tool_choice: { type: 'tool', name: 'get_time' },
    });
    expect(forced.content).toHaveLength(1);
    expect(forced.content[0]).toMatchObject({ type: 'tool_use', name: 'get_time' });
    const any = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      messages,
      tools,
      tool_choice: { type: 'any' },
    });
    expect(any.stop_reason).toBe('tool_use');
  });

  it('streams tool input as input_json_delta fragments that the SDK reassembles', async () => {
    const request = {
      model: MODEL,
      max_tokens: 1024,
      messages: [{ role: 'user' as const, content: 'call get_weather for Oslo' }],
      tools,
    };
    const events: Anthropic.RawMessageStreamEvent[] = [];
    const stream = client.messages.stream(request).on('streamEvent', (event) => events.push(event));
    const final = await stream.finalMessage();
    const fragments = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.delta.type === 'input_json_delta'
        ? [event.delta.partial_json]
        : [],
    );
    expect(fragments[0]).toBe('');
    expect(fragments.length).toBeGreaterThan(3);
    const created = await client.messages.create(request);
    expect(final.content).toEqual(created.content);
  });

  it('refuses a tool_result that answers no tool_use', async () => {
    const attempt = client.messages.create({
      model: MODEL,
      max_tokens: 100,
      messages: [
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_01missing', content: 'x' }] },
      ],
    });
    await expect(attempt).rejects.toBeInstanceOf(Anthropic.BadRequestError);
    await expect(attempt).rejects.toThrow(/messages\.0\.content\.0: unexpected `tool_use_id`/);
  });
});

describe('extended thinking', () => {
  const thinking = { type: 'enabled' as const, budget_tokens: 1024 };

  it('returns a signed thinking block within budget, counted in output_tokens', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 2048,
      thinking,
      messages: [{ role: 'user', content: 'Think about bridges' }],
    });
    const [block, text] = message.content;
    if (block?.type !== 'thinking') throw new Error('expected a thinking block first');
    expect(block.signature.length).toBeGreaterThan(20);
    expect(text?.type).toBe('text');
    expect(message.usage.output_tokens_details?.thinking_tokens).toBeGreaterThan(0);
    expect(message.usage.output_tokens_details?.thinking_tokens).toBeLessThanOrEqual(1024);
    expect(message.usage.output_tokens).toBeGreaterThan(
      message.usage.output_tokens_details?.thinking_tokens ?? 0,
    );
  });

  it('streams thinking_delta then one signature_delta before the block stops', async () => {
    const events: Anthropic.RawMessageStreamEvent[] = [];
    const final = await client.messages
      .stream({ model: MODEL, max_tokens: 2048, thinking, messages: [{ role: 'user', content: 'Think' }] })
      .on('streamEvent', (event) => events.push(event))
      .finalMessage();
    const deltas = events.flatMap((event) =>
      event.type === 'content_block_delta' && event.index === 0 ? [event.delta.type] : [],
    );
    expect(deltas.at(-1)).toBe('signature_delta');
    expect(deltas.filter((type) => type === 'signature_delta')).toHaveLength(1);
    expect(final.content[0]?.type === 'thinking' && final.content[0].signature).toBeTruthy();
  });

  it('requires the signed thinking block back in a tool loop, and rejects an edited one', async () => {
    const messages: MessageParam[] = [{ role: 'user', content: 'call get_time for Lima' }];
    const first = await client.messages.create({ model: MODEL, max_tokens: 4096, thinking, messages, tools });
    const call = first.content.find((block) => block.type === 'tool_use');
    if (call?.type !== 'tool_use') throw new Error('expected a tool call');
    const result: MessageParam = {
      role: 'user',
      content: [{ type: 'tool_result', tool_use_id: call.id, content: '09:00' }],
    };
    const withoutThinking = first.content.filter((block) => block.type !== 'thinking');
    await expect(
      client.messages.create({
        model: MODEL,
        max_tokens: 4096,
        thinking,
        tools,
        messages: [...messages, { role: 'assistant', content: withoutThinking }, result],
      }),
    ).rejects.toThrow(/Expected `thinking` or `redacted_thinking`, but found `text`/);
    const edited = first.content.map((block) =>
      block.type === 'thinking' ? { ...block, thinking: `${block.thinking}!` } : block,
    );
    await expect(
      client.messages.create({
        model: MODEL,
        max_tokens: 4096,
        thinking,
        tools,
        messages: [...messages, { role: 'assistant', content: edited }, result],
      }),
    ).rejects.toThrow(/messages\.1\.content\.0: Invalid `signature` in `thinking` block/);
    const next = await client.messages.create({
      model: MODEL,
      max_tokens: 4096,
      thinking,
      tools,
      messages: [...messages, { role: 'assistant', content: first.content }, result],
    });
    expect(next.content.at(-1)?.type === 'text' && next.content.at(-1)).toMatchObject({
      text: expect.stringContaining('09:00'),
    });
  });

  it('answers the documented magic string with a redacted_thinking block', async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 2048,
      thinking,
      messages: [{ role: 'user', content: REDACTED_THINKING_TRIGGER }],
    });
    expect(message.content[0]?.type).toBe('redacted_thinking');
  });

  it('enforces the thinking rules: budget < max_tokens, model support, no forced tools', async () => {
    const base = { messages: [{ role: 'user' as const, content: 'x' }] };
    await expect(
      client.messages.create({ ...base, model: MODEL, max_tokens: 1024, thinking }),
    ).rejects.toThrow(/`max_tokens` must be greater than `thinking.budget_tokens`/);
    await expect(
      client.messages.create({ ...base, model: 'claude-3-5-haiku-20241022', max_tokens: 2048, thinking }),
    ).rejects.toThrow(/does not support thinking/);
    await expect(
      client.messages.create({
        ...base,
        model: MODEL,
        max_tokens: 2048,
        thinking,
        tools,
        tool_choice: { type: 'any' },
      }),
    ).rejects.toThrow(/Thinking may not be enabled when tool_choice forces tool use/);
  });
});

import OpenAI from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { checkJsonSchema } from '../testing/check-json-schema.js';

let sandbox: RunningSandbox;
let client: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
  client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const weatherSchema = {
  type: 'object',
  properties: {
    city: { type: 'string' },
    unit: { type: 'string', enum: ['celsius', 'fahrenheit'] },
    days: { type: 'integer', minimum: 1, maximum: 7 },
  },
  required: ['city', 'unit', 'days'],
  additionalProperties: false,
};
const timeSchema = { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] };
const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: { name: 'get_weather', description: 'Weather forecast', parameters: weatherSchema },
  },
  { type: 'function', function: { name: 'get_time', parameters: timeSchema } },
];

describe('tool calls (OpenAI SDK)', () => {
  it('round-trips: tool_calls → tool message → an answer that quotes the result', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'Please call get_weather for Paris' },
    ];
    const first = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    expect(choice?.message.content).toBeNull();
    const call = choice?.message.tool_calls?.[0];
    if (!choice || call?.type !== 'function') throw new Error('expected a function call');
    expect(call.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments);
    expect(checkJsonSchema(weatherSchema, args)).toEqual([]);
    expect(args.city).toBe('Paris');

    messages.push(choice.message, {
      role: 'tool',
      tool_call_id: call.id,
      content: '{"temperature":21,"sky":"clear"}',
    });
    const second = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toContain('{"temperature":21,"sky":"clear"}');
  });

  it('makes parallel calls for every tool mentioned, or one when parallel_tool_calls is false', async () => {
    const messages: ChatCompletionMessageParam[] = [
      { role: 'user', content: 'call get_weather for Oslo and get_time too' },
    ];
    const parallel = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    const calls = parallel.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((call) => (call.type === 'function' ? call.function.name : ''))).toEqual([
      'get_weather',
      'get_time',
    ]);
    expect(new Set(calls.map((call) => call.id)).size).toBe(2);
    const single = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      tools,
      parallel_tool_calls: false,
    });
    expect(single.choices[0]?.message.tool_calls).toHaveLength(1);
  });

  it('honours tool_choice required, a named function, and none', async () => {
    const messages: ChatCompletionMessageParam[] = [{ role: 'user', content: 'hello there' }];
    const auto = await client.chat.completions.create({ model: 'gpt-4o', messages, tools });
    expect(auto.choices[0]?.finish_reason).toBe('stop');
    const required = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      tools,
      tool_choice: 'required',
    });
    expect(required.choices[0]?.message.tool_calls).toHaveLength(1);
    const named = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      tools,
      tool_choice: { type: 'function', function: { name: 'get_time' } },
    });
    const call = named.choices[0]?.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.name).toBe('get_time');
    const none = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'call get_time' }],
      tools,
      tool_choice: 'none',
    });
    expect(none.choices[0]?.message.tool_calls).toBeUndefined();
  });

  it('streams tool-call deltas that the SDK stream helper assembles into the non-streamed calls', async () => {
    const params = {
      model: 'gpt-4o',
      messages: [{ role: 'user' as const, content: 'call get_weather and get_time for Rome' }],
      tools,
    };
    const plain = await client.chat.completions.create(params);
    const stream = client.chat.completions.stream(params);
    const argumentDeltas: string[] = [];
    stream.on('tool_calls.function.arguments.delta', (event) => argumentDeltas.push(event.arguments_delta));
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls).toEqual(plain.choices[0]?.message.tool_calls);
    expect(argumentDeltas.length).toBeGreaterThan(2);
  });

  it('emits the first tool-call delta with id, type, name and empty arguments', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'call get_time' }],
      tools,
      stream: true,
    });
    const deltas = [];
    for await (const chunk of stream)
      for (const call of chunk.choices[0]?.delta.tool_calls ?? []) deltas.push(call);
    expect(deltas[0]).toMatchObject({
      index: 0,
      type: 'function',
      function: { name: 'get_time', arguments: '' },
    });
    expect(deltas[0]?.id).toMatch(/^call_/);
    expect(deltas.slice(1).every((delta) => delta.id === undefined && delta.function?.arguments)).toBe(true);
  });

  it('refuses tool messages that answer no call, and calls left unanswered, like the real API', async () => {
    const orphan = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'hi' },
        { role: 'tool', tool_call_id: 'call_x', content: '1' },
      ],
    });
    await expect(orphan).rejects.toMatchObject({ status: 400, param: 'messages.[1].role' });
    const unanswered = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'user', content: 'hi' },
        {
          role: 'assistant',
          tool_calls: [{ id: 'call_a', type: 'function', function: { name: 'get_time', arguments: '{}' } }],
        },
        { role: 'user', content: 'well?' },
      ],
      tools,
    });
    await expect(unanswered).rejects.toThrow(/did not have response messages: call_a/);
    const noTools = client.chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'hi' }],
      tool_choice: 'auto',
    });
    await expect(noTools).rejects.toMatchObject({ status: 400, param: 'tool_choice' });
  });
});

import OpenAI, { AzureOpenAI } from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Stack, startStack, TEST_KEY } from './stack.js';

let stack: Stack;
beforeAll(async () => {
  stack = await startStack();
});
afterAll(async () => {
  await stack?.close();
});

type ClientFactory = (url: string, deployment: string) => OpenAI;

/** The three ways an application reaches the gateway: OpenAI, AzureOpenAI (dated API), OpenAI on Azure v1. */
const clients: Array<[string, ClientFactory]> = [
  ['OpenAI', (url) => new OpenAI({ baseURL: `${url}/v1`, apiKey: TEST_KEY, maxRetries: 0 })],
  [
    'AzureOpenAI',
    (url, deployment) =>
      new AzureOpenAI({
        endpoint: url,
        apiKey: TEST_KEY,
        apiVersion: '2024-10-21',
        deployment,
        maxRetries: 0,
      }),
  ],
  [
    'OpenAI → /openai/v1',
    (url) => new OpenAI({ baseURL: `${url}/openai/v1`, apiKey: TEST_KEY, maxRetries: 0 }),
  ],
];

const weatherTool = {
  type: 'function' as const,
  function: {
    name: 'get_weather',
    description: 'Current weather for a city',
    parameters: {
      type: 'object',
      properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
      required: ['city', 'unit'],
      additionalProperties: false,
    },
  },
};

describe.each(clients)('%s client through the gateway, served by the sandbox', (_name, makeClient) => {
  const chat = () => makeClient(stack.gateway.url, 'gpt-4o');

  it('answers a chat completion with usage and the Converge headers', async () => {
    const { data, response } = await chat()
      .chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'Say hello to Converge' }],
      })
      .withResponse();
    expect(data.object).toBe('chat.completion');
    expect(data.choices[0]?.message.content?.length).toBeGreaterThan(0);
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBeGreaterThan(0);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    expect(response.headers.get('x-converge-target')).toBe('azure/gpt-4o-azure/eu');
    expect(response.headers.get('x-converge-attempts')).toBe('1');
    const requestId = response.headers.get('x-converge-request-id') ?? '';
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'ok',
      keyName: 'e2e',
      modelRequested: 'gpt-4o',
      deployment: 'gpt-4o-azure',
      inputTokens: data.usage?.prompt_tokens,
      outputTokens: data.usage?.completion_tokens,
    });
  });

  it('streams text that reassembles to the non-stream answer, with usage when asked', async () => {
    const messages = [{ role: 'user' as const, content: 'Describe the sea in a few words' }];
    const whole = await chat().chat.completions.create({ model: 'gpt-4o', messages, seed: 7 });
    const stream = await chat().chat.completions.create({
      model: 'gpt-4o',
      messages,
      seed: 7,
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    let chunks = 0;
    let usage: OpenAI.CompletionUsage | null | undefined;
    for await (const chunk of stream) {
      chunks++;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(whole.choices[0]?.message.content);
    expect(chunks).toBeGreaterThan(3);
    expect(usage?.completion_tokens).toBe(whole.usage?.completion_tokens);
  });

  it('round-trips a tool call: tool_calls, then a tool message, then an answer using the result', async () => {
    const client = chat();
    const question = { role: 'user' as const, content: 'Please call get_weather for Paris' };
    const first = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: [question],
      tools: [weatherTool],
    });
    const choice = first.choices[0];
    expect(choice?.finish_reason).toBe('tool_calls');
    const call = choice?.message.tool_calls?.[0];
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.function.name).toBe('get_weather');
    const args = JSON.parse(call.function.arguments) as { city: unknown; unit: unknown };
    expect(typeof args.city).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args.unit);

    const second = await client.chat.completions.create({
      model: 'gpt-4o',
      tools: [weatherTool],
      messages: [
        question,
        { role: 'assistant', content: null, tool_calls: choice?.message.tool_calls ?? [] },
        { role: 'tool', tool_call_id: call.id, content: '{"temperature": 21, "sky": "sunny-ZX81"}' },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toContain('ZX81');
  });

  it('streams parallel tool calls that the SDK helper assembles', async () => {
    const timeTool = {
      type: 'function' as const,
      function: {
        name: 'get_time',
        parameters: { type: 'object', properties: { zone: { type: 'string' } } },
      },
    };
    const runner = chat().chat.completions.stream({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Call get_weather and get_time for Oslo' }],
      tools: [weatherTool, timeTool],
    });
    const final = await runner.finalChatCompletion();
    const calls = final.choices[0]?.message.tool_calls ?? [];
    expect(calls.map((c) => (c.type === 'function' ? c.function.name : c.type)).sort()).toEqual([
      'get_time',
      'get_weather',
    ]);
    for (const c of calls)
      if (c.type === 'function') expect(() => JSON.parse(c.function.arguments)).not.toThrow();
  });

  it('returns json_schema output that parses and fits the schema', async () => {
    const completion = await chat().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Give me a city profile' }],
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'city',
          strict: true,
          schema: {
            type: 'object',
            properties: { name: { type: 'string' }, population: { type: 'integer', minimum: 0 } },
            required: ['name', 'population'],
            additionalProperties: false,
          },
        },
      },
    });
    const parsed = JSON.parse(completion.choices[0]?.message.content ?? '') as {
      name: unknown;
      population: unknown;
    };
    expect(typeof parsed.name).toBe('string');
    expect(Number.isInteger(parsed.population)).toBe(true);
  });

  it('creates embeddings as floats and as base64 (the SDK default), with dimensions', async () => {
    const client = makeClient(stack.gateway.url, 'text-embedding-3-small');
    const asBase64 = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    const asFloat = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
      encoding_format: 'float',
    });
    expect(asBase64.data).toHaveLength(2);
    expect(asBase64.data[0]?.embedding).toHaveLength(1536);
    const a = asBase64.data[0]?.embedding ?? [];
    const b = asFloat.data[0]?.embedding ?? [];
    for (const [index, value] of a.entries()) expect(value).toBeCloseTo(b[index] ?? Number.NaN, 6);
    const small = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'alpha',
      dimensions: 256,
    });
    expect(small.data[0]?.embedding).toHaveLength(256);
    expect(asBase64.usage.prompt_tokens).toBeGreaterThan(0);
  });
});

describe('models list', () => {
  it('lists the models the key may use', async () => {
    const client = new OpenAI({ baseURL: `${stack.gateway.url}/v1`, apiKey: TEST_KEY });
    const ids = (await client.models.list()).data.map((model) => model.id);
    expect(ids).toEqual(
      expect.arrayContaining(['gpt-4o', 'gpt-4o-mini', 'o3-mini', 'text-embedding-3-small']),
    );
    const azureV1 = new OpenAI({ baseURL: `${stack.gateway.url}/openai/v1`, apiKey: TEST_KEY });
    expect((await azureV1.models.list()).data.map((model) => model.id).sort()).toEqual([...ids].sort());
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import {
  type GeminiTestSandbox,
  startGeminiTestSandbox,
} from '../../sandbox/gemini/testing/start-gemini-test-sandbox.js';
import type { Provider } from '../provider.js';
import { callOptions, collect, createTestHttpClient } from '../test-support/fixture-server.js';
import { createGeminiProvider } from './gemini-provider.js';

let sandbox: GeminiTestSandbox;
let provider: Provider;
const http = createTestHttpClient();

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox({}, { keys: ['gateway-gemini-key'] });
  provider = createGeminiProvider(
    'gemini',
    { type: 'gemini', apiKey: 'gateway-gemini-key', baseURL: sandbox.url },
    { http, log: callOptions('x').log },
  );
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

const weather = {
  name: 'get_weather',
  inputSchema: {
    type: 'object',
    properties: { city: { type: 'string' }, unit: { enum: ['celsius', 'fahrenheit'] } },
    required: ['city', 'unit'],
    additionalProperties: false,
  },
};

describe('gemini provider against the sandbox', () => {
  it('generates and streams the same answer with the same usage, thinking included', async () => {
    const request: ChatRequest = {
      model: 'flash',
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be concise.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Describe Porto' }] },
      ],
      reasoningEffort: 'low',
    };
    const result = await provider.generate(request, callOptions('gemini-2.5-flash'));
    expect(result.modelId).toBe('gemini-2.5-flash');
    expect(result.usage.reasoningTokens).toBeGreaterThan(0);
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.5-flash')),
    );
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(result.content).toEqual([{ type: 'text', text }]);
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.usage).toEqual(result.usage);
  });

  it('round-trips a tool call: schema converted, call answered, signature echoed, result quoted', async () => {
    const ask: ChatRequest = {
      model: 'flash',
      stream: false,
      tools: [weather],
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Call get_weather for Lisbon' }] }],
    };
    const first = await provider.generate(ask, callOptions('gemini-2.5-flash'));
    expect(first.finishReason.unified).toBe('tool-calls');
    const call = first.content.find((part) => part.type === 'tool-call');
    if (call?.type !== 'tool-call') throw new Error('no tool call');
    expect(JSON.parse(call.input)).toMatchObject({
      city: expect.any(String),
      unit: expect.stringMatching(/celsius|fahrenheit/),
    });
    const second = await provider.generate(
      {
        ...ask,
        messages: [
          ...ask.messages,
          { role: 'assistant', content: first.content.filter((part) => part.type !== 'text') },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: call.toolCallId,
                output: [{ type: 'text', text: '{"temp":19}' }],
              },
            ],
          },
        ],
      },
      callOptions('gemini-2.5-flash'),
    );
    expect(second.finishReason.unified).toBe('stop');
    expect(second.content.find((part) => part.type === 'text')).toMatchObject({
      text: expect.stringContaining('get_weather returned {"output":{"temp":19}}'),
    });
  });

  it('reports cached tokens on a repeated long prefix, and a safety block as content-filter', async () => {
    const prefix = Array.from({ length: 300 }, (_, index) => `Rule ${index} applies.`).join(' ');
    const ask = (question: string): ChatRequest => ({
      model: 'flash',
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: prefix }] },
        { role: 'user', content: [{ type: 'text', text: question }] },
      ],
    });
    await provider.generate(ask('first'), callOptions('gemini-2.5-flash'));
    const second = await provider.generate(ask('second'), callOptions('gemini-2.5-flash'));
    expect(second.usage.cacheReadTokens).toBeGreaterThanOrEqual(1024);
    const blocked = await provider.generate(ask('CF_BLOCK_PROMPT please'), callOptions('gemini-2.0-flash'));
    expect(blocked).toMatchObject({
      content: [],
      finishReason: { unified: 'content-filter', raw: 'SAFETY' },
    });
  });

  it('embeds through batchEmbedContents', async () => {
    const result = await provider.embed?.(
      { model: 'e', input: ['one', 'two'], dimensions: 64 },
      callOptions('text-embedding-004'),
    );
    expect(result?.embeddings.map((vector) => vector.length)).toEqual([64, 64]);
  });
});

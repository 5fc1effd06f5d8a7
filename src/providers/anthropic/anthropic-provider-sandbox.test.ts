import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest, ToolDefinition } from '../../core/chat-request.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import {
  type AnthropicSandbox,
  startAnthropicSandbox,
} from '../../sandbox/anthropic/start-anthropic-sandbox.js';
import { checkJsonSchema } from '../../sandbox/testing/check-json-schema.js';
import type { Provider } from '../provider.js';
import { callOptions, collect, createTestHttpClient } from '../test-support/fixture-server.js';
import { createAnthropicProvider } from './anthropic-provider.js';
import { createAnthropicVertexTransport } from './anthropic-vertex-transport.js';

const http = createTestHttpClient();
let sandbox: AnthropicSandbox;
let provider: Provider;

beforeAll(async () => {
  sandbox = await startAnthropicSandbox({ anthropic: { capacity: { 'claude-opus-4-1': { rpm: 1 } } } });
  provider = createAnthropicProvider(
    'anthropic',
    { type: 'anthropic', apiKey: 'sk-ant-sandbox', baseURL: sandbox.url, version: '2023-06-01', betas: [] },
    { http, log: callOptions('x').log },
  );
});
afterAll(async () => {
  await http.close();
  await sandbox.close();
});

const SONNET = 'claude-3-7-sonnet-20250219';
const ask = (text: string): ChatMessage => ({ role: 'user', content: [{ type: 'text', text }] });
const weather: ToolDefinition = {
  name: 'get_weather',
  inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('anthropic provider against the sandbox', () => {
  it('generates and streams the same answer', async () => {
    const request: ChatRequest = {
      model: 'c',
      stream: false,
      maxOutputTokens: 200,
      messages: [ask('Tell me about Rome')],
    };
    const result = await provider.generate(request, callOptions(SONNET));
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'end_turn' });
    expect(result.modelId).toBe(SONNET);
    const parts = await collect(await provider.stream({ ...request, stream: true }, callOptions(SONNET)));
    const text = parts.map((part) => (part.type === 'text-delta' ? part.delta : '')).join('');
    expect(result.content).toEqual([{ type: 'text', text }]);
    const finish = parts.at(-1);
    expect(finish?.type === 'finish' && finish.usage).toEqual(result.usage);
  });

  it('round-trips a tool call with signed thinking, which the sandbox verifies', async () => {
    const request: ChatRequest = {
      model: 'c',
      stream: false,
      maxOutputTokens: 4096,
      reasoningEffort: 'minimal',
      tools: [weather],
      messages: [ask('Please call get_weather for Oslo')],
    };
    const first = await provider.generate(request, callOptions(SONNET));
    expect(first.finishReason.unified).toBe('tool-calls');
    const [reasoning] = first.content;
    expect(reasoning?.type === 'reasoning' && reasoning.signature).toBeTruthy();
    const call = first.content.find((part) => part.type === 'tool-call');
    if (call?.type !== 'tool-call') throw new Error('expected a tool call');
    const args = safeParseJson(call.input);
    expect(args.success && checkJsonSchema(weather.inputSchema, args.value)).toEqual([]);
    const assistant = first.content.filter((part) => part.type !== 'text' || part.text !== '');
    const second = await provider.generate(
      {
        ...request,
        messages: [
          ...request.messages,
          { role: 'assistant', content: assistant },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: call.toolCallId,
                output: [{ type: 'text', text: 'snow, -3C' }],
              },
            ],
          },
        ],
      },
      callOptions(SONNET),
    );
    const answer = second.content.find((part) => part.type === 'text');
    expect(answer?.type === 'text' && answer.text).toContain('get_weather returned snow, -3C');
  });

  it('reports cache writes then reads for a cached system prompt', async () => {
    const manual = Array.from(
      { length: 120 },
      (_, index) => `Rule ${index}: keep the valves closed at night.`,
    ).join('\n');
    const request: ChatRequest = {
      model: 'c',
      stream: false,
      maxOutputTokens: 50,
      messages: [
        { role: 'system', content: [{ type: 'text', text: manual, cacheControl: { ttl: '1h' } }] },
        ask('Hi'),
      ],
    };
    const first = await provider.generate(request, callOptions(SONNET));
    expect(first.usage.cacheWriteTokens).toBeGreaterThan(1024);
    expect(first.providerMetadata?.['anthropic']).toEqual({
      cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: first.usage.cacheWriteTokens },
    });
    const second = await provider.generate(request, callOptions(SONNET));
    expect(second.usage).toMatchObject({
      cacheReadTokens: first.usage.cacheWriteTokens,
      cacheWriteTokens: 0,
    });
    expect(second.usage.inputTokens).toBe(first.usage.inputTokens);
  });

  it('emulates a JSON schema answer with a forced tool', async () => {
    const schema = { type: 'object', properties: { score: { type: 'integer' } }, required: ['score'] };
    const result = await provider.generate(
      {
        model: 'c',
        stream: false,
        maxOutputTokens: 200,
        responseFormat: { type: 'json-schema', name: 's', schema },
        messages: [ask('Rate it')],
      },
      callOptions('claude-haiku-4-5'),
    );
    expect(result.finishReason.unified).toBe('stop');
    const [part] = result.content;
    const parsed = safeParseJson(part?.type === 'text' ? part.text : '');
    expect(parsed.success && checkJsonSchema(schema, parsed.value)).toEqual([]);
  });

  it('maps the sandbox 429 with its retry-after', async () => {
    const request: ChatRequest = { model: 'c', stream: false, maxOutputTokens: 20, messages: [ask('hi')] };
    await provider.generate(request, callOptions('claude-opus-4-1'));
    await expect(provider.generate(request, callOptions('claude-opus-4-1'))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      isRetryable: true,
      retryAfterMs: expect.any(Number),
    });
  });

  it('speaks Claude on Vertex to the sandbox through the transport', async () => {
    const claude = createAnthropicVertexTransport({
      http,
      baseURL: sandbox.url,
      project: 'acme',
      location: 'us-east5',
      getAccessToken: async () => 'sandbox-vertex-token',
    });
    const request: ChatRequest = {
      model: 'c',
      stream: false,
      maxOutputTokens: 64,
      messages: [ask('Hello Vertex')],
    };
    const result = await claude.generate(request, callOptions('claude-3-5-sonnet-v2@20241022'));
    expect(result.modelId).toBe('claude-3-5-sonnet-20241022');
    const parts = await collect(
      await claude.stream({ ...request, stream: true }, callOptions('claude-3-5-sonnet-v2@20241022')),
    );
    expect(parts.at(-1)).toMatchObject({ type: 'finish', usage: result.usage });
  });
});

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
import {
  createOpenAICompatibleProvider,
  type OpenAICompatibleConfig,
} from './create-openai-compatible-provider.js';
import type { OpenAICompatibleFlavorName } from './flavors.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startFlavor(
  flavor: OpenAICompatibleFlavorName,
  handler: FixtureHandler,
  config: Partial<OpenAICompatibleConfig> = {},
): Promise<Provider> {
  const server = await upstream.start(handler);
  return createOpenAICompatibleProvider(
    'local',
    { type: 'openai-compatible', baseURL: `${server.origin}/v1`, flavor, ...config },
    { http: upstream.http, log: upstream.log },
  );
}

const chatCompletion = JSON.stringify({
  id: 'chatcmpl-1',
  model: 'served-model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 5, completion_tokens: 1, total_tokens: 6 },
});

/** Every sampling knob and tool setting, to see which each flavor sends. */
const everything: ChatRequest = {
  model: 'm',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
  maxOutputTokens: 100,
  temperature: 0.7,
  topK: 20,
  user: 'u-9',
  metadata: { team: 'x' },
  tools: [{ name: 'lookup', inputSchema: { type: 'object' } }],
  toolChoice: { type: 'required' },
  parallelToolCalls: false,
};

function sentSettings(body: unknown): Record<string, unknown> {
  const { model: _model, messages: _messages, tools: _tools, ...rest } = body as Record<string, unknown>;
  return rest;
}

function warnedSettings(warnings: readonly { type: string; setting?: string }[]): (string | undefined)[] {
  return warnings.map((warning) => warning.setting);
}

describe('openai-compatible flavors: request bodies', () => {
  it('generic: max_tokens, no top_k, no metadata; no auth header without a key; configured headers sent', async () => {
    const provider = await startFlavor('generic', replyJson(200, chatCompletion), {
      headers: { 'X-Tenant': 'blue' },
    });
    const result = await provider.generate(everything, callOptions('mistral-small'));
    expect(upstream.lastRequest().url).toBe('/v1/chat/completions');
    expect(upstream.lastRequest().headers.authorization).toBeUndefined();
    expect(upstream.lastRequest().headers['x-tenant']).toBe('blue');
    expect(sentSettings(upstream.lastRequest().json)).toEqual({
      max_tokens: 100,
      temperature: 0.7,
      user: 'u-9',
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(warnedSettings(result.warnings)).toEqual(['topK', 'metadata']);
  });

  it('vllm: sends top_k', async () => {
    const provider = await startFlavor('vllm', replyJson(200, chatCompletion), { apiKey: 'token-abc' });
    const result = await provider.generate(everything, callOptions('Qwen/Qwen3-8B'));
    expect(upstream.lastRequest().headers.authorization).toBe('Bearer token-abc');
    expect(sentSettings(upstream.lastRequest().json)).toEqual({
      max_tokens: 100,
      temperature: 0.7,
      top_k: 20,
      user: 'u-9',
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(warnedSettings(result.warnings)).toEqual(['metadata']);
  });

  it('ollama: leaves out what its OpenAI endpoint ignores (tool_choice, parallel_tool_calls, user, top_k)', async () => {
    const provider = await startFlavor('ollama', replyJson(200, chatCompletion));
    const result = await provider.generate(everything, callOptions('llama3.1:8b'));
    expect(sentSettings(upstream.lastRequest().json)).toEqual({ max_tokens: 100, temperature: 0.7 });
    expect(warnedSettings(result.warnings)).toEqual([
      'topK',
      'user',
      'toolChoice',
      'parallelToolCalls',
      'metadata',
    ]);
  });

  it('llamacpp: sends top_k and returns its timings as provider metadata', async () => {
    const provider = await startFlavor('llamacpp', replyJson(200, fixture('llamacpp-timings.json')));
    const result = await provider.generate(everything, callOptions('local-gguf'));
    expect(sentSettings(upstream.lastRequest().json)).toMatchObject({
      max_tokens: 100,
      top_k: 20,
      tool_choice: 'required',
    });
    expect(result.providerMetadata).toEqual({
      'openai-compatible': {
        timings: expect.objectContaining({ prompt_n: 10, predicted_n: 3, predicted_ms: 30.1 }),
      },
    });
    expect(result.usage).toMatchObject({ inputTokens: 10, outputTokens: 3 });
  });

  it('an apiKey wins over an Authorization header in the configured headers', async () => {
    const provider = await startFlavor('generic', replyJson(200, chatCompletion), {
      apiKey: 'real',
      headers: { Authorization: 'Bearer stale' },
    });
    await provider.generate(everything, callOptions('m'));
    expect(upstream.lastRequest().headers.authorization).toBe('Bearer real');
  });
});

describe('openai-compatible flavors: streams', () => {
  it('vllm: reasoning_content deltas become a reasoning block before the text (CRLF framing)', async () => {
    const provider = await startFlavor(
      'vllm',
      replyEvents(fixture('vllm-reasoning.chunks.txt'), { pieceBytes: 5 }),
    );
    const parts = await collect(
      await provider.stream({ ...everything, stream: true }, callOptions('Qwen/Qwen3-8B')),
    );
    expect(upstream.lastRequest().json).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
    const reasoning = ['Two', ' plus', ' two', ' is', ' four', '.'];
    expect(parts.slice(1)).toEqual<StreamPart[]>([
      { type: 'reasoning-start', id: 'reasoning-0' },
      ...reasoning.map((delta): StreamPart => ({ type: 'reasoning-delta', id: 'reasoning-0', delta })),
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: '2 + 2' },
      { type: 'text-delta', id: 'text-1', delta: ' = 4' },
      { type: 'text-end', id: 'text-1' },
      {
        type: 'finish',
        usage: {
          inputTokens: 14,
          outputTokens: 16,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'stop' },
      },
    ]);
  });

  it('ollama: a whole tool call in one chunk, finish_reason stop and no usage → tool-calls, zeros, usageMissing', async () => {
    const provider = await startFlavor(
      'ollama',
      replyEvents(fixture('ollama-tool-call-no-usage.chunks.txt')),
    );
    const parts = await collect(
      await provider.stream({ ...everything, stream: true }, callOptions('llama3.1:8b')),
    );
    expect(parts).toEqual<StreamPart[]>([
      {
        type: 'stream-start',
        warnings: expect.any(Array),
        modelId: 'llama3.1:8b',
        responseId: 'chatcmpl-532',
      },
      { type: 'tool-input-start', id: 'call_v8x2k1', toolName: 'get_weather' },
      { type: 'tool-input-delta', id: 'call_v8x2k1', delta: '{"city":"Oslo"}' },
      { type: 'tool-input-end', id: 'call_v8x2k1' },
      { type: 'tool-call', toolCallId: 'call_v8x2k1', toolName: 'get_weather', input: '{"city":"Oslo"}' },
      {
        type: 'finish',
        usage: {
          inputTokens: 0,
          outputTokens: 0,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'tool-calls', raw: 'stop' },
        providerMetadata: { 'openai-compatible': { usageMissing: true } },
      },
    ]);
  });
});

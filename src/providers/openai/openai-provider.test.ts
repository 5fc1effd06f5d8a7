import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { Provider } from '../provider.js';
import { callOptions, type FixtureHandler, readFixture, replyJson } from '../test-support/fixture-server.js';
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

describe('openai provider: generate', () => {
  it('sends the request with auth headers and converts text, usage and cached tokens', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-text.json')), {
      organization: 'org-acme',
      project: 'proj_42',
    });
    const result = await provider.generate(
      { ...hello, maxOutputTokens: 256, temperature: 0.2, seed: 7, stopSequences: ['END'], user: 'u-1' },
      callOptions('gpt-4o'),
    );
    const request = upstream.lastRequest();
    expect(request.method).toBe('POST');
    expect(request.url).toBe('/v1/chat/completions');
    expect(request.headers).toMatchObject({
      authorization: 'Bearer sk-test',
      'openai-organization': 'org-acme',
      'openai-project': 'proj_42',
      'content-type': 'application/json',
      accept: 'application/json',
    });
    expect(request.json).toEqual({
      model: 'gpt-4o',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 256,
      temperature: 0.2,
      seed: 7,
      stop: ['END'],
      user: 'u-1',
    });
    expect(result).toEqual({
      content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
      finishReason: { unified: 'stop', raw: 'stop' },
      usage: {
        inputTokens: 1200,
        outputTokens: 40,
        cacheReadTokens: 1024,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
      },
      warnings: [],
      modelId: 'gpt-4o-2024-08-06',
      responseId: 'chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT',
    });
  });

  it('treats reasoning models apart: developer role, no sampling settings, reasoning tokens, json_schema', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-reasoning.json')));
    const result = await provider.generate(
      {
        ...hello,
        temperature: 0.5,
        topK: 40,
        reasoningEffort: 'high',
        maxOutputTokens: 2000,
        responseFormat: {
          type: 'json-schema',
          name: 'answer',
          strict: true,
          schema: { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] },
        },
      },
      callOptions('o3-mini'),
    );
    expect(upstream.lastRequest().json).toEqual({
      model: 'o3-mini',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'user', content: 'Hi' },
      ],
      max_completion_tokens: 2000,
      reasoning_effort: 'high',
      response_format: {
        type: 'json_schema',
        json_schema: {
          name: 'answer',
          strict: true,
          schema: { type: 'object', properties: { answer: { type: 'number' } }, required: ['answer'] },
        },
      },
    });
    expect(
      result.warnings.map((warning) => warning.type === 'unsupported-setting' && warning.setting),
    ).toEqual(['temperature', 'topK']);
    expect(result.usage).toEqual({
      inputTokens: 85,
      outputTokens: 230,
      cacheReadTokens: 0,
      cacheWriteTokens: 0,
      reasoningTokens: 192,
    });
    expect(result.content).toEqual([{ type: 'text', text: '{"answer":42}' }]);
  });

  it('sends image (base64 as data: URL), audio and PDF parts, and warns about what it cannot send', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-text.json')));
    const result = await provider.generate(
      {
        ...hello,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'Compare these.' },
              { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
              { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' }, detail: 'low' },
              { type: 'audio', data: 'UklGRg==', format: 'audio/wav' },
              {
                type: 'document',
                source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
                name: 'a.pdf',
              },
              { type: 'document', source: { type: 'url', url: 'https://example.com/b.pdf' } },
            ],
          },
        ],
      },
      callOptions('gpt-4o'),
    );
    expect(upstream.lastRequest().json).toMatchObject({
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'Compare these.' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg', detail: 'low' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { filename: 'a.pdf', file_data: 'data:application/pdf;base64,JVBERi0=' } },
          ],
        },
      ],
    });
    expect(result.warnings).toEqual([
      { type: 'unsupported-setting', setting: 'document', details: expect.stringContaining('omitted') },
    ]);
  });

  it('sends tools, tool choice and tool history, and returns parallel tool calls', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-tool-calls.json')));
    const result = await provider.generate(
      {
        ...hello,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'The user wants weather.' },
              { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
            ],
          },
          {
            role: 'tool',
            content: [{ type: 'tool-result', toolCallId: 'call_1', output: [{ type: 'text', text: '18C' }] }],
          },
        ],
        tools: [
          {
            name: 'get_weather',
            description: 'Weather for a city',
            inputSchema: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        ],
        toolChoice: { type: 'tool', toolName: 'get_weather' },
        parallelToolCalls: true,
      },
      callOptions('gpt-4o'),
    );
    expect(upstream.lastRequest().json).toMatchObject({
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        {
          role: 'assistant',
          content: null,
          tool_calls: [
            {
              id: 'call_1',
              type: 'function',
              function: { name: 'get_weather', arguments: '{"city":"Paris"}' },
            },
          ],
        },
        { role: 'tool', tool_call_id: 'call_1', content: '18C' },
      ],
      tools: [
        {
          type: 'function',
          function: {
            name: 'get_weather',
            description: 'Weather for a city',
            parameters: { type: 'object', properties: { city: { type: 'string' } } },
            strict: true,
          },
        },
      ],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: true,
    });
    expect(result.warnings).toEqual([expect.objectContaining({ setting: 'reasoning-history' })]);
    expect(result.content).toEqual([
      {
        type: 'tool-call',
        toolCallId: 'call_pQ0Weather',
        toolName: 'get_weather',
        input: '{"city":"Paris"}',
      },
      { type: 'tool-call', toolCallId: 'call_Zk9Time', toolName: 'get_time', input: '{"zone":"Asia/Tokyo"}' },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_calls' });
  });

  it('sends metadata only when the caller opted into store, since OpenAI rejects it otherwise', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-text.json')));
    const withoutStore = await provider.generate(
      { ...hello, metadata: { team: 'a' } },
      callOptions('gpt-4o'),
    );
    expect(upstream.lastRequest().json).not.toHaveProperty('metadata');
    expect(withoutStore.warnings).toEqual([expect.objectContaining({ setting: 'metadata' })]);

    const withStore = await provider.generate(
      {
        ...hello,
        metadata: { team: 'a' },
        providerOptions: { openai: { store: true, service_tier: 'flex' } },
      },
      callOptions('gpt-4o'),
    );
    expect(upstream.lastRequest().json).toMatchObject({
      metadata: { team: 'a' },
      store: true,
      service_tier: 'flex',
    });
    expect(withStore.warnings).toEqual([]);
  });
});

describe('openai provider: embed', () => {
  it('asks for base64, passes dimensions through and decodes little-endian float32 in index order', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-embeddings-base64.json')));
    const result = await provider.embed?.(
      { model: 'small', input: ['first', 'second'], dimensions: 4 },
      callOptions('text-embedding-3-small'),
    );
    expect(upstream.lastRequest().url).toBe('/v1/embeddings');
    expect(upstream.lastRequest().json).toEqual({
      model: 'text-embedding-3-small',
      input: ['first', 'second'],
      encoding_format: 'base64',
      dimensions: 4,
    });
    expect(result).toEqual({
      embeddings: [
        [0.25, -1.5, 3, 0.0078125],
        [1, 2, -0.5, 0.125],
      ],
      usage: { inputTokens: 7 },
      modelId: 'text-embedding-3-small',
      warnings: [],
    });
  });

  it('rejects a response with fewer vectors than inputs as a bad response', async () => {
    const provider = await startOpenAI(replyJson(200, fixture('openai-embeddings-base64.json')));
    await expect(
      provider.embed?.({ model: 'small', input: ['a', 'b', 'c'] }, callOptions('e')),
    ).rejects.toMatchObject({
      code: 'upstream_bad_response',
    });
  });
});

import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
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

const client = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
  new Anthropic({ baseURL: fixture.url, apiKey: ANTHROPIC_KEY, maxRetries: 0, ...options });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];
const weatherTool: Anthropic.Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('messages.create through the Anthropic SDK', () => {
  it('returns an Anthropic message and sends the provider a canonical request', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [{ type: 'text', text: 'Hello from the gateway' }],
        usage: { ...emptyUsage(), inputTokens: 21, outputTokens: 5 },
        modelId: 'claude-sonnet-4-6-20260101',
      },
    });
    // Sampling settings are gone from recent SDK types but still part of the API older clients use.
    const params = {
      model,
      max_tokens: 256,
      system: 'Be brief.',
      messages: hello,
      temperature: 0.5,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-1' },
      service_tier: 'auto',
    } as Anthropic.MessageCreateParamsNonStreaming;
    const { data: message, response } = await client().messages.create(params).withResponse();
    const requestId = response.headers.get('x-converge-request-id') ?? '';
    expect(response.headers.get('request-id')).toBe(`req_${requestId.replaceAll('-', '')}`);
    expect(message).toMatchObject({
      id: `msg_${requestId.replaceAll('-', '')}`,
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-6-20260101',
      content: [{ type: 'text', text: 'Hello from the gateway', citations: null }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 21,
        output_tokens: 5,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        service_tier: 'standard',
      },
    });
    expect(fixture.provider.lastRequest()).toEqual<ChatRequest>({
      model,
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      maxOutputTokens: 256,
      temperature: 0.5,
      topP: 0.9,
      topK: 40,
      stopSequences: ['END'],
      user: 'user-1',
      providerOptions: { anthropic: { service_tier: 'auto' } },
    });
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', dialect: 'anthropic', inputTokens: 21, outputTokens: 5 });
  });

  it('round-trips a tool call: tool_use out, tool_result back paired with its call', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool-call', toolCallId: 'toolu_01', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    });
    const first = await client().messages.create({
      model,
      max_tokens: 256,
      messages: [{ role: 'user', content: 'Weather in Oslo?' }],
      tools: [weatherTool],
      tool_choice: { type: 'auto', disable_parallel_tool_use: true },
    });
    expect(first.stop_reason).toBe('tool_use');
    expect(first.content).toEqual([
      { type: 'text', text: 'Let me check.', citations: null },
      { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Oslo' } },
    ]);
    expect(fixture.provider.lastRequest()).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'Current weather for a city',
          inputSchema: weatherTool.input_schema,
        },
      ],
      toolChoice: { type: 'auto' },
      parallelToolCalls: false,
    });

    await client().messages.create({
      model,
      max_tokens: 256,
      tools: [weatherTool],
      messages: [
        { role: 'user', content: 'Weather in Oslo?' },
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: [
            { type: 'tool_result', tool_use_id: 'toolu_01', content: '12°C and clear' },
            { type: 'text', text: 'And tomorrow?' },
          ],
        },
      ],
    });
    expect(fixture.provider.lastRequest().messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Let me check.' },
          { type: 'tool-call', toolCallId: 'toolu_01', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'toolu_01',
            toolName: 'get_weather',
            output: [{ type: 'text', text: '12°C and clear' }],
          },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'And tomorrow?' }] },
    ]);
  });

  it('maps thinking both ways: budget to effort, reasoning parts to thinking and redacted_thinking blocks', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'reasoning', text: 'Two plus two…', signature: 'sig-1' },
          { type: 'reasoning', text: '', redactedData: 'opaque-data' },
          { type: 'text', text: '4' },
        ],
      },
    });
    const message = await client().messages.create({
      model,
      max_tokens: 4096,
      thinking: { type: 'enabled', budget_tokens: 2048 },
      messages: [
        { role: 'user', content: 'What is 1+1?' },
        {
          role: 'assistant',
          content: [
            { type: 'thinking', thinking: 'One and one…', signature: 'sig-0' },
            { type: 'redacted_thinking', data: 'earlier-opaque' },
            { type: 'text', text: '2' },
          ],
        },
        { role: 'user', content: 'And 2+2?' },
      ],
    });
    expect(message.content).toEqual([
      { type: 'thinking', thinking: 'Two plus two…', signature: 'sig-1' },
      { type: 'redacted_thinking', data: 'opaque-data' },
      { type: 'text', text: '4', citations: null },
    ]);
    const request = fixture.provider.lastRequest();
    expect(request.reasoningEffort).toBe('low');
    expect(request.providerOptions).toEqual({
      anthropic: { thinking: { type: 'enabled', budget_tokens: 2048 } },
    });
    expect(request.messages[1]).toEqual({
      role: 'assistant',
      content: [
        { type: 'reasoning', text: 'One and one…', signature: 'sig-0' },
        { type: 'reasoning', text: '', redactedData: 'earlier-opaque' },
        { type: 'text', text: '2' },
      ],
    });
  });

  it('turns cache_control into breakpoints and reports cache writes, then reads, as Anthropic does', async () => {
    const longPrompt = 'You are a meticulous assistant. '.repeat(200);
    const system: Anthropic.TextBlockParam[] = [
      { type: 'text', text: longPrompt, cache_control: { type: 'ephemeral', ttl: '1h' } },
    ];
    fixture.provider.enqueue(
      {
        type: 'result',
        result: { usage: { ...emptyUsage(), inputTokens: 1410, cacheWriteTokens: 1400, outputTokens: 3 } },
      },
      {
        type: 'result',
        result: { usage: { ...emptyUsage(), inputTokens: 1412, cacheReadTokens: 1400, outputTokens: 4 } },
      },
    );
    const first = await client().messages.create({ model, max_tokens: 64, system, messages: hello });
    expect(fixture.provider.lastRequest().messages[0]).toEqual({
      role: 'system',
      content: [{ type: 'text', text: longPrompt, cacheControl: { ttl: '1h' } }],
    });
    expect(first.usage).toMatchObject({
      input_tokens: 10,
      cache_creation_input_tokens: 1400,
      cache_read_input_tokens: 0,
      cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 1400 },
      output_tokens: 3,
    });
    const second = await client().messages.create({ model, max_tokens: 64, system, messages: hello });
    expect(second.usage).toMatchObject({
      input_tokens: 12,
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 1400,
      output_tokens: 4,
    });
  });

  it('carries images and documents, and announces what it could not carry in x-converge-warnings', async () => {
    const { response } = await client()
      .messages.create({
        model,
        max_tokens: 64,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } },
              {
                type: 'document',
                source: { type: 'text', media_type: 'text/plain', data: 'Quarterly report' },
                title: 'report.txt',
                citations: { enabled: true },
              },
              { type: 'text', text: 'Summarise.' },
            ],
          },
        ],
      })
      .withResponse();
    expect(fixture.provider.lastRequest().messages[0]?.content).toEqual([
      { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      {
        type: 'document',
        name: 'report.txt',
        source: {
          type: 'base64',
          mediaType: 'text/plain',
          data: Buffer.from('Quarterly report').toString('base64'),
        },
      },
      { type: 'text', text: 'Summarise.' },
    ]);
    expect(response.headers.get('x-converge-warnings')).toBe(
      'unsupported-setting=messages.0.content.1.citations',
    );
  });
});

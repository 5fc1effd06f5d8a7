import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
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

describe('POST /v1/chat/completions (non-stream) through the OpenAI SDK', () => {
  it('answers with an OpenAI chat.completion, usage details and the request id', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'reasoning', text: 'thinking…' },
          { type: 'text', text: 'Hello ' },
          { type: 'text', text: 'there' },
        ],
        usage: {
          inputTokens: 12,
          outputTokens: 7,
          cacheReadTokens: 4,
          cacheWriteTokens: 0,
          reasoningTokens: 3,
        },
        modelId: 'gpt-4o-2024-08-06',
      },
    });
    const { data, response } = await client()
      .chat.completions.create({ model: 'smart', messages: [{ role: 'user', content: 'Hi' }] })
      .withResponse();
    const requestId = response.headers.get('x-request-id') ?? '';
    expect(response.headers.get('x-converge-request-id')).toBe(requestId);
    expect(data).toEqual({
      id: `chatcmpl-${requestId.replaceAll('-', '')}`,
      object: 'chat.completion',
      created: expect.any(Number),
      model: 'gpt-4o-2024-08-06',
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content: 'Hello there', refusal: null },
          logprobs: null,
          finish_reason: 'stop',
        },
      ],
      usage: {
        prompt_tokens: 12,
        completion_tokens: 7,
        total_tokens: 19,
        prompt_tokens_details: { cached_tokens: 4, audio_tokens: 0 },
        completion_tokens_details: {
          reasoning_tokens: 3,
          audio_tokens: 0,
          accepted_prediction_tokens: 0,
          rejected_prediction_tokens: 0,
        },
      },
    });
    expect(Math.abs(data.created - Date.now() / 1000)).toBeLessThan(60);
    expect(fixture.provider.lastRequest().model).toBe('smart');
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({
      status: 'ok',
      dialect: 'openai',
      keyName: 'full',
      inputTokens: 12,
      outputTokens: 7,
    });
  });

  it('parses every message role and setting into the canonical request', async () => {
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [
        { role: 'developer', content: 'Be brief.' },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: 'Hi', name: 'ada' },
      ],
      max_completion_tokens: 64,
      temperature: 0.2,
      top_p: 0.9,
      frequency_penalty: 0.5,
      presence_penalty: -0.5,
      seed: 42,
      stop: ['END'],
      user: 'user-1',
      metadata: { team: 'search' },
      reasoning_effort: 'low',
      logit_bias: { '50256': -100 },
      service_tier: 'flex',
      store: false,
    });
    expect(fixture.provider.lastRequest()).toEqual<ChatRequest>({
      model: 'gpt-4o',
      stream: false,
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'system', content: [{ type: 'text', text: 'Answer in English.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
      ],
      maxOutputTokens: 64,
      temperature: 0.2,
      topP: 0.9,
      frequencyPenalty: 0.5,
      presencePenalty: -0.5,
      seed: 42,
      stopSequences: ['END'],
      user: 'user-1',
      metadata: { team: 'search' },
      reasoningEffort: 'low',
      providerOptions: { openai: { logit_bias: { '50256': -100 }, service_tier: 'flex', store: false } },
    });
  });

  it('round-trips tools: definitions, assistant tool calls and tool results reach the provider', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'tool-call', toolCallId: 'call_a', toolName: 'get_weather', input: '{"city":"Oslo"}' },
          { type: 'tool-call', toolCallId: 'call_b', toolName: 'get_time', input: '{"zone":"CET"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    });
    const tools: OpenAI.ChatCompletionTool[] = [
      {
        type: 'function',
        function: {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
      },
      { type: 'function', function: { name: 'get_time' } },
    ];
    const question: OpenAI.ChatCompletionMessageParam = {
      role: 'user',
      content: 'Weather and time in Oslo?',
    };
    const first = await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [question],
      tools,
      tool_choice: 'required',
      parallel_tool_calls: true,
    });
    const message = first.choices[0]?.message;
    expect(first.choices[0]?.finish_reason).toBe('tool_calls');
    expect(message?.content).toBeNull();
    expect(message?.tool_calls).toEqual([
      { id: 'call_a', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Oslo"}' } },
      { id: 'call_b', type: 'function', function: { name: 'get_time', arguments: '{"zone":"CET"}' } },
    ]);
    expect(fixture.provider.lastRequest()).toMatchObject({
      tools: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
          strict: true,
        },
        { name: 'get_time', inputSchema: { type: 'object', properties: {} } },
      ],
      toolChoice: { type: 'required' },
      parallelToolCalls: true,
    });

    await client().chat.completions.create({
      model: 'gpt-4o',
      tools,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      messages: [
        question,
        { role: 'assistant', content: null, tool_calls: message?.tool_calls ?? [] },
        { role: 'tool', tool_call_id: 'call_a', content: '{"temperature":21}' },
        { role: 'tool', tool_call_id: 'call_b', content: [{ type: 'text', text: '14:05' }] },
      ],
    });
    const request = fixture.provider.lastRequest();
    expect(request.toolChoice).toEqual({ type: 'tool', toolName: 'get_weather' });
    expect(request.messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'call_a', toolName: 'get_weather', input: '{"city":"Oslo"}' },
          { type: 'tool-call', toolCallId: 'call_b', toolName: 'get_time', input: '{"zone":"CET"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_a',
            toolName: 'get_weather',
            output: [{ type: 'text', text: '{"temperature":21}' }],
          },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_b',
            toolName: 'get_time',
            output: [{ type: 'text', text: '14:05' }],
          },
        ],
      },
    ]);
  });

  it('maps finish reasons: length, content_filter, and tool calls under a plain stop', async () => {
    const finishes = [
      [{ unified: 'length', raw: 'max_tokens' }, [], 'length'],
      [{ unified: 'content-filter', raw: 'SAFETY' }, [], 'content_filter'],
      [{ unified: 'other', raw: 'weird' }, [], 'stop'],
      [
        { unified: 'stop', raw: 'STOP' },
        [{ type: 'tool-call', toolCallId: 'c1', toolName: 'f', input: '{}' }],
        'tool_calls',
      ],
    ] as const;
    for (const [finishReason, content, expected] of finishes) {
      fixture.provider.enqueue({ type: 'result', result: { finishReason, content: [...content] } });
      const completion = await client().chat.completions.create({
        model: 'gpt-4o',
        messages: [{ role: 'user', content: 'x' }],
      });
      expect(completion.choices[0]?.finish_reason).toBe(expected);
    }
  });
});

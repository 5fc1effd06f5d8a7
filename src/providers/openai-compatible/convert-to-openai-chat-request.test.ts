import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { convertToOpenAIChatRequest, type OpenAIChatOptions } from './convert-to-openai-chat-request.js';

const options: OpenAIChatOptions = {
  providerType: 'openai',
  tokenCapField: 'max_completion_tokens',
  systemRole: 'system',
  supportsPdfFiles: false,
  unsupportedSettings: [],
  topKField: undefined,
  streamUsage: true,
  metadataRequiresStore: false,
};

const request: ChatRequest = {
  model: 'public-name',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

describe('convertToOpenAIChatRequest', () => {
  it('uses the upstream model id and the target token-cap field', () => {
    const { body } = convertToOpenAIChatRequest({ ...request, maxOutputTokens: 9 }, 'llama3', {
      ...options,
      tokenCapField: 'max_tokens',
    });
    expect(body).toEqual({ model: 'llama3', messages: [{ role: 'user', content: 'Hi' }], max_tokens: 9 });
  });

  it('merges providerOptions of its own type only, protecting model, messages and stream', () => {
    const { body, warnings } = convertToOpenAIChatRequest(
      {
        ...request,
        stream: true,
        providerOptions: {
          openai: {
            logprobs: true,
            model: 'other',
            stream: false,
            stream_options: { include_obfuscation: false },
          },
          bedrock: { guardrailConfig: {} },
        },
      },
      'gpt-4o',
      options,
    );
    expect(body).toEqual({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'Hi' }],
      stream: true,
      stream_options: { include_obfuscation: false, include_usage: true },
      logprobs: true,
    });
    expect(warnings).toEqual([
      { type: 'unsupported-setting', setting: 'providerOptions.openai.model' },
      { type: 'unsupported-setting', setting: 'providerOptions.openai.stream' },
    ]);
  });

  it('applies OpenAI-wire options to other Chat Completions targets, their own entry winning', () => {
    const { body } = convertToOpenAIChatRequest(
      {
        ...request,
        providerOptions: {
          openai: { logprobs: true, service_tier: 'flex' },
          'azure-openai': { service_tier: 'default' },
        },
      },
      'gpt-4o',
      { ...options, providerType: 'azure-openai' },
    );
    expect(body).toMatchObject({ logprobs: true, service_tier: 'default' });
  });

  it('never lets a __proto__ key in providerOptions replace the body prototype', () => {
    // Plain JSON.parse on purpose: the merge itself must be safe, whatever the dialect's parser did.
    const providerOptions = JSON.parse('{"openai":{"__proto__":{"polluted":true},"seed":1}}');
    const { body } = convertToOpenAIChatRequest({ ...request, providerOptions }, 'gpt-4o', options);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect((body as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(body['seed']).toBe(1);
  });

  it('sends no tools, tool_choice or parallel_tool_calls when there are no tools (OpenAI rejects them)', () => {
    const { body } = convertToOpenAIChatRequest(
      { ...request, tools: [], toolChoice: { type: 'required' }, parallelToolCalls: false },
      'gpt-4o',
      options,
    );
    expect(Object.keys(body)).toEqual(['model', 'messages']);
  });

  it('maps tool choices and the json response format', () => {
    const tool = { name: 't', inputSchema: { type: 'object' } };
    const choices = ['auto', 'none', 'required'] as const;
    for (const type of choices) {
      const { body } = convertToOpenAIChatRequest(
        { ...request, tools: [tool], toolChoice: { type } },
        'm',
        options,
      );
      expect(body['tool_choice']).toBe(type);
    }
    const { body } = convertToOpenAIChatRequest(
      { ...request, responseFormat: { type: 'json' } },
      'm',
      options,
    );
    expect(body['response_format']).toEqual({ type: 'json_object' });
    const text = convertToOpenAIChatRequest({ ...request, responseFormat: { type: 'text' } }, 'm', options);
    expect(text.body).not.toHaveProperty('response_format');
  });

  it('splits tool results into one tool message each, text only, and says so about images', () => {
    const { body, warnings } = convertToOpenAIChatRequest(
      {
        ...request,
        messages: [
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'a',
                output: [
                  { type: 'text', text: 'one' },
                  { type: 'text', text: 'two' },
                ],
              },
              {
                type: 'tool-result',
                toolCallId: 'b',
                output: [{ type: 'image', source: { type: 'url', url: 'https://example.com/x.png' } }],
              },
            ],
          },
        ],
      },
      'm',
      options,
    );
    expect(body.messages).toEqual([
      { role: 'tool', tool_call_id: 'a', content: 'one\ntwo' },
      { role: 'tool', tool_call_id: 'b', content: '' },
    ]);
    expect(warnings).toEqual([expect.objectContaining({ setting: 'tool-result-image' })]);
  });

  it('joins several system text parts and keeps system messages where they are', () => {
    const { body } = convertToOpenAIChatRequest(
      {
        ...request,
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
          {
            role: 'system',
            content: [
              { type: 'text', text: 'Rule one.' },
              { type: 'text', text: 'Rule two.' },
            ],
          },
        ],
      },
      'm',
      options,
    );
    expect(body.messages[1]).toEqual({ role: 'system', content: 'Rule one.\n\nRule two.' });
  });
});

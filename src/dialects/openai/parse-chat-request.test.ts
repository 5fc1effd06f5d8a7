import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { parseChatRequest } from './parse-chat-request.js';
import { parseJsonBody } from './parse-json-body.js';

const user = { role: 'user', content: 'Hi' };

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('parseChatRequest', () => {
  it('treats null optional fields as unset, as OpenAI does', () => {
    const { request, includeUsage } = parseChatRequest({
      model: 'gpt-4o',
      messages: [user],
      temperature: null,
      stop: null,
      tools: null,
      stream: null,
      stream_options: null,
      n: null,
    });
    expect(request).toEqual({
      model: 'gpt-4o',
      stream: false,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    });
    expect(includeUsage).toBe(false);
  });

  it('passes unknown and non-canonical fields through under providerOptions.openai', () => {
    const { request } = parseChatRequest({
      model: 'gpt-4o',
      messages: [user],
      logprobs: true,
      top_logprobs: 3,
      prediction: { type: 'content', content: 'x' },
      brand_new_field: { a: 1 },
      reasoning_effort: 'xhigh',
      stop: 'END',
    });
    expect(request.stopSequences).toEqual(['END']);
    expect(request.reasoningEffort).toBeUndefined();
    expect(request.providerOptions).toEqual({
      openai: {
        logprobs: true,
        top_logprobs: 3,
        prediction: { type: 'content', content: 'x' },
        brand_new_field: { a: 1 },
        reasoning_effort: 'xhigh',
      },
    });
  });

  it('prefers max_completion_tokens over the deprecated max_tokens', () => {
    expect(parseChatRequest({ model: 'm', messages: [user], max_tokens: 10 }).request.maxOutputTokens).toBe(
      10,
    );
    const both = parseChatRequest({
      model: 'm',
      messages: [user],
      max_tokens: 10,
      max_completion_tokens: 20,
    });
    expect(both.request.maxOutputTokens).toBe(20);
  });

  it('lets a model from the path (Azure deployment) override the body', () => {
    expect(parseChatRequest({ model: 'body', messages: [user] }, { model: 'path' }).request.model).toBe(
      'path',
    );
    expect(parseChatRequest({ messages: [user] }, { model: 'path' }).request.model).toBe('path');
  });

  it('converts assistant history: text parts, refusals, and legacy function calls', () => {
    const { request } = parseChatRequest({
      model: 'm',
      messages: [
        {
          role: 'assistant',
          content: [
            { type: 'text', text: 'A' },
            { type: 'refusal', refusal: 'No.' },
          ],
        },
        { role: 'assistant', content: null, refusal: 'I cannot.' },
        { role: 'assistant', content: '', function_call: { name: 'lookup', arguments: '{"q":1}' } },
        { role: 'function', name: 'lookup', content: 'found' },
      ],
    });
    expect(request.messages).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'A' },
          { type: 'text', text: 'No.' },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'I cannot.' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'function-call-2', toolName: 'lookup', input: '{"q":1}' }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'function-call-2',
            toolName: 'lookup',
            output: [{ type: 'text', text: 'found' }],
          },
        ],
      },
    ]);
  });

  it('maps a json_schema format without a schema to plain JSON mode', () => {
    const { request } = parseChatRequest({
      model: 'm',
      messages: [user],
      response_format: { type: 'json_schema', json_schema: { name: 'free' } },
    });
    expect(request.responseFormat).toEqual({ type: 'json' });
  });

  it('refuses file_id parts (no file store) as an unsupported parameter naming the field', () => {
    const error = rejection(() =>
      parseChatRequest({
        model: 'm',
        messages: [{ role: 'user', content: [{ type: 'file', file: { file_id: 'file-1' } }] }],
      }),
    );
    expect([error.code, error.param]).toEqual([
      'unsupported_parameter',
      'messages[0].content[0].file.file_id',
    ]);
  });

  it('names nested fields of tools and tool calls', () => {
    const tool = rejection(() =>
      parseChatRequest({
        model: 'm',
        messages: [user],
        tools: [{ type: 'function', function: { description: 'x' } }],
      }),
    );
    expect([tool.param, tool.message]).toEqual([
      'tools[0].function.name',
      "Missing required parameter: 'tools[0].function.name'.",
    ]);
    const call = rejection(() =>
      parseChatRequest({
        model: 'm',
        messages: [
          {
            role: 'assistant',
            tool_calls: [{ id: 'c', type: 'function', function: { name: 'f', arguments: {} } }],
          },
        ],
      }),
    );
    expect(call.param).toBe('messages[0].tool_calls[0].function.arguments');
  });
});

describe('parseJsonBody', () => {
  it('drops prototype-polluting keys, even when spelled with \\u escapes', () => {
    const value = parseJsonBody(
      '{"\\u005f_proto__": {"polluted": true}, "model": "m", "nested": {"__proto__": {"x": 1}}}',
    );
    expect(Object.hasOwn(value as object, '__proto__')).toBe(false);
    expect(Object.assign({}, value)).not.toHaveProperty('polluted');
    expect(Object.hasOwn((value as { nested: object }).nested, '__proto__')).toBe(false);
  });

  it('turns malformed and empty bodies into invalid_json', () => {
    expect(rejection(() => parseJsonBody('{"a":')).code).toBe('invalid_json');
    expect(rejection(() => parseJsonBody('   ')).code).toBe('invalid_json');
    expect(rejection(() => parseJsonBody(undefined)).code).toBe('invalid_json');
  });
});

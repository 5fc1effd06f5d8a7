import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { effortForBudget, parseCountTokensRequest, parseMessagesRequest } from './parse-messages-request.js';

const base = { model: 'claude', max_tokens: 100 };
const user = { role: 'user', content: 'Hi' };
const noBetas = { betas: [] };

function rejection(run: () => unknown): GatewayError {
  try {
    run();
  } catch (error: unknown) {
    if (error instanceof GatewayError) return error;
    throw error;
  }
  throw new Error('expected a GatewayError');
}

describe('parseMessagesRequest', () => {
  it('treats null optional fields as unset and passes unknown fields through under providerOptions.anthropic', () => {
    const { request, warnings } = parseMessagesRequest(
      {
        ...base,
        messages: [user],
        temperature: null,
        system: null,
        tools: null,
        inference_geo: 'eu',
        speed: 'fast',
      },
      { betas: ['context-1m-2025-08-07'] },
    );
    expect(request).toEqual({
      model: 'claude',
      stream: false,
      maxOutputTokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
      providerOptions: {
        anthropic: { betas: ['context-1m-2025-08-07'], inference_geo: 'eu', speed: 'fast' },
      },
    });
    expect(warnings).toEqual([]);
  });

  it('keeps system blocks with their breakpoints, and system turns inside messages', () => {
    const { request } = parseMessagesRequest(
      {
        ...base,
        system: [{ type: 'text', text: 'Rules', cache_control: { type: 'ephemeral' } }],
        messages: [user, { role: 'system', content: 'Now be formal.' }],
      },
      noBetas,
    );
    expect(request.messages.map((message) => [message.role, message.content])).toEqual([
      ['system', [{ type: 'text', text: 'Rules', cacheControl: { ttl: '5m' } }]],
      ['user', [{ type: 'text', text: 'Hi' }]],
      ['system', [{ type: 'text', text: 'Now be formal.' }]],
    ]);
  });

  it('puts a top-level cache_control on the last cacheable block (automatic caching)', () => {
    const { request } = parseMessagesRequest(
      {
        ...base,
        cache_control: { type: 'ephemeral', ttl: '1h' },
        messages: [user, { role: 'assistant', content: 'Hello' }, { role: 'user', content: 'More' }],
      },
      noBetas,
    );
    expect(request.messages[2]?.content).toEqual([
      { type: 'text', text: 'More', cacheControl: { ttl: '1h' } },
    ]);
    expect(request.messages[0]?.content).toEqual([{ type: 'text', text: 'Hi' }]);
  });

  it('maps output_config: effort to reasoningEffort (max → high), a JSON schema format to responseFormat', () => {
    const schema = { type: 'object', properties: { answer: { type: 'string' } } };
    const outputConfig = { effort: 'max', format: { type: 'json_schema', schema } };
    const { request } = parseMessagesRequest(
      { ...base, messages: [user], output_config: outputConfig },
      noBetas,
    );
    expect(request.reasoningEffort).toBe('high');
    expect(request.responseFormat).toEqual({ type: 'json-schema', name: 'output', schema });
    expect(request.providerOptions).toEqual({ anthropic: { output_config: outputConfig } });
  });

  it('maps thinking budgets to efforts at 4k and 16k', () => {
    expect([1024, 4095, 4096, 16_383, 16_384, 64_000].map(effortForBudget)).toEqual([
      'low',
      'low',
      'medium',
      'medium',
      'high',
      'high',
    ]);
  });

  it('maps every tool_choice', () => {
    const choose = (toolChoice: unknown) => {
      const { request } = parseMessagesRequest(
        { ...base, messages: [user], tool_choice: toolChoice },
        noBetas,
      );
      return [request.toolChoice, request.parallelToolCalls];
    };
    expect(choose({ type: 'any' })).toEqual([{ type: 'required' }, undefined]);
    expect(choose({ type: 'tool', name: 'f', disable_parallel_tool_use: true })).toEqual([
      { type: 'tool', toolName: 'f' },
      false,
    ]);
    expect(choose({ type: 'none' })).toEqual([{ type: 'none' }, undefined]);
  });

  it('converts documents of every carried source and warns about context and tool breakpoints', () => {
    const { request, warnings } = parseMessagesRequest(
      {
        ...base,
        tools: [
          {
            name: 'f',
            input_schema: { type: 'object' },
            cache_control: { type: 'ephemeral' },
            defer_loading: true,
          },
        ],
        messages: [
          {
            role: 'user',
            content: [
              {
                type: 'document',
                source: { type: 'base64', media_type: 'application/pdf', data: 'JVBERi0=' },
              },
              { type: 'document', source: { type: 'url', url: 'https://example.test/a.pdf' }, context: 'Q3' },
              {
                type: 'document',
                source: {
                  type: 'content',
                  content: [
                    { type: 'text', text: 'a' },
                    { type: 'text', text: 'b' },
                  ],
                },
              },
            ],
          },
        ],
      },
      noBetas,
    );
    expect(request.messages[0]?.content).toEqual([
      { type: 'document', source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'document', source: { type: 'url', url: 'https://example.test/a.pdf' } },
      {
        type: 'document',
        source: { type: 'base64', mediaType: 'text/plain', data: Buffer.from('a\nb').toString('base64') },
      },
    ]);
    expect(
      warnings.map((warning) => (warning.type === 'unsupported-setting' ? warning.setting : warning.type)),
    ).toEqual(['messages.0.content.1.context', 'tools.0.cache_control', 'tools.0.defer_loading']);
  });

  it('carries tool results with images and errors, and refuses documents inside them', () => {
    const call = { role: 'assistant', content: [{ type: 'tool_use', id: 't1', name: 'shot', input: {} }] };
    const image = { type: 'image', source: { type: 'url', url: 'https://example.test/p.png' } };
    const { request } = parseMessagesRequest(
      {
        ...base,
        messages: [
          user,
          call,
          {
            role: 'user',
            content: [{ type: 'tool_result', tool_use_id: 't1', content: [image], is_error: true }],
          },
        ],
      },
      noBetas,
    );
    expect(request.messages[2]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 't1',
          toolName: 'shot',
          isError: true,
          output: [{ type: 'image', source: { type: 'url', url: 'https://example.test/p.png' } }],
        },
      ],
    });
    const document = { type: 'document', source: { type: 'url', url: 'https://example.test/a.pdf' } };
    const error = rejection(() =>
      parseMessagesRequest(
        {
          ...base,
          messages: [
            user,
            call,
            { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: [document] }] },
          ],
        },
        noBetas,
      ),
    );
    expect([error.code, error.param]).toEqual(['unsupported_parameter', 'messages.2.content.0.content.0']);
  });

  it('refuses blocks in the wrong role', () => {
    const error = rejection(() =>
      parseMessagesRequest(
        {
          ...base,
          messages: [
            user,
            { role: 'assistant', content: [{ type: 'image', source: { type: 'url', url: 'u' } }] },
          ],
        },
        noBetas,
      ),
    );
    expect([error.code, error.param, error.message]).toEqual([
      'invalid_request',
      'messages.1.content.0',
      'messages.1.content.0: `image` blocks are not allowed in assistant messages.',
    ]);
  });
});

describe('parseCountTokensRequest', () => {
  it('needs no max_tokens', () => {
    const { request } = parseCountTokensRequest({ model: 'claude', messages: [user] }, noBetas);
    expect(request.messages).toEqual([{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }]);
    expect(request.maxOutputTokens).toBeUndefined();
  });
});

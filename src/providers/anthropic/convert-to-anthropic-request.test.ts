import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { convertToAnthropicRequest } from './convert-to-anthropic-request.js';

const SONNET = 'claude-3-7-sonnet-20250219';
const user = (text: string): ChatRequest['messages'][number] => ({
  role: 'user',
  content: [{ type: 'text', text }],
});
const base: ChatRequest = { model: 'claude', stream: false, maxOutputTokens: 1000, messages: [user('Hi')] };
const settings = (warnings: Warning[]) =>
  warnings.map((warning) => (warning.type === 'unsupported-setting' ? warning.setting : warning.type));

describe('convertToAnthropicRequest: settings', () => {
  it('maps sampling, stops, user and tools; warns for what Anthropic lacks', () => {
    const { body, warnings } = convertToAnthropicRequest(
      {
        ...base,
        temperature: 1.4,
        topP: 0.9,
        topK: 40,
        stopSequences: ['END'],
        seed: 7,
        frequencyPenalty: 0.5,
        presencePenalty: 0.5,
        user: 'user-1',
        metadata: { team: 'a' },
        tools: [
          {
            name: 'lookup',
            description: 'Find',
            inputSchema: { type: 'object', properties: {} },
            strict: true,
          },
        ],
        toolChoice: { type: 'tool', toolName: 'lookup' },
        parallelToolCalls: false,
      },
      SONNET,
    );
    expect(body).toMatchObject({
      model: SONNET,
      max_tokens: 1000,
      temperature: 1,
      top_p: 0.9,
      top_k: 40,
      stop_sequences: ['END'],
      metadata: { user_id: 'user-1' },
      tools: [{ name: 'lookup', description: 'Find', input_schema: { type: 'object', properties: {} } }],
      tool_choice: { type: 'tool', name: 'lookup', disable_parallel_tool_use: true },
    });
    expect(body['stream']).toBeUndefined();
    expect(settings(warnings)).toEqual([
      'clamped-setting',
      'seed',
      'frequencyPenalty',
      'presencePenalty',
      'metadata',
      'tools.lookup.strict',
    ]);
  });

  it.each([
    [{ type: 'auto' as const }, undefined, { type: 'auto' }],
    [{ type: 'required' as const }, undefined, { type: 'any' }],
    [{ type: 'none' as const }, false, { type: 'none' }],
    [undefined, false, { type: 'auto', disable_parallel_tool_use: true }],
    [undefined, undefined, undefined],
  ])('tool choice %j, parallel %s → %j', (toolChoice, parallelToolCalls, expected) => {
    const tools = [{ name: 't', inputSchema: { type: 'object' } }];
    const { body } = convertToAnthropicRequest({ ...base, tools, toolChoice, parallelToolCalls }, SONNET);
    expect(body['tool_choice']).toEqual(expected);
  });

  it("defaults max_tokens to the model's maximum (4096 when unknown), with a warning", () => {
    const { maxOutputTokens: _unset, ...request } = base;
    expect(convertToAnthropicRequest(request, 'claude-3-5-haiku-latest').body.max_tokens).toBe(8192);
    expect(convertToAnthropicRequest(request, 'claude-opus-4-1@20250805').body.max_tokens).toBe(32_000);
    const unknown = convertToAnthropicRequest(request, 'claude-next');
    expect(unknown.body.max_tokens).toBe(4096);
    expect(unknown.warnings).toEqual([
      { type: 'other', message: 'maxOutputTokens not set; Anthropic requires max_tokens, sent 4096' },
    ]);
  });

  it('turns reasoningEffort into a thinking budget below max_tokens, dropping what thinking forbids', () => {
    const { body, warnings } = convertToAnthropicRequest(
      { ...base, maxOutputTokens: 16_000, reasoningEffort: 'medium', temperature: 0.3, topK: 5, topP: 0.97 },
      SONNET,
    );
    expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 10_240 });
    expect(body).not.toHaveProperty('temperature');
    expect(body).not.toHaveProperty('top_k');
    expect(body['top_p']).toBe(0.97);
    expect(settings(warnings)).toEqual(['temperature', 'topK']);

    const clamped = convertToAnthropicRequest(
      { ...base, maxOutputTokens: 3000, reasoningEffort: 'high' },
      SONNET,
    );
    expect(clamped.body['thinking']).toEqual({ type: 'enabled', budget_tokens: 2999 });
    expect(clamped.warnings).toEqual([
      { type: 'clamped-setting', setting: 'thinking.budget_tokens', from: 24_576, to: 2999 },
    ]);
    expect(
      convertToAnthropicRequest({ ...base, maxOutputTokens: 500, reasoningEffort: 'low' }, SONNET).body,
    ).not.toHaveProperty('thinking');
    expect(
      convertToAnthropicRequest({ ...base, reasoningEffort: 'low' }, 'claude-3-5-sonnet-20241022').warnings,
    ).toMatchObject([{ type: 'unsupported-setting', setting: 'reasoningEffort' }]);
  });

  it('emulates json-schema with a forced tool, wrapping a non-object root', () => {
    const object = convertToAnthropicRequest(
      {
        ...base,
        responseFormat: {
          type: 'json-schema',
          name: 'answer',
          description: 'The answer',
          schema: { type: 'object', properties: { n: { type: 'number' } } },
        },
      },
      SONNET,
    );
    expect(object.body['tools']).toEqual([
      {
        name: 'json',
        description: 'The answer',
        input_schema: { type: 'object', properties: { n: { type: 'number' } } },
      },
    ]);
    expect(object.body['tool_choice']).toEqual({ type: 'tool', name: 'json' });
    expect(object.jsonTool).toEqual({ name: 'json', wrapped: false });

    const list = convertToAnthropicRequest(
      {
        ...base,
        tools: [{ name: 'json', inputSchema: { type: 'object' } }],
        toolChoice: { type: 'none' },
        responseFormat: {
          type: 'json-schema',
          name: 'list',
          schema: { type: 'array', items: { type: 'number' } },
        },
      },
      SONNET,
    );
    expect(list.jsonTool).toEqual({ name: 'json_response', wrapped: true });
    expect(list.body['tools']).toContainEqual({
      name: 'json_response',
      description: 'Respond with a JSON object that matches the input schema.',
      input_schema: {
        type: 'object',
        properties: { value: { type: 'array', items: { type: 'number' } } },
        required: ['value'],
      },
    });
    expect(list.body['tool_choice']).toEqual({ type: 'any' });
    expect(settings(list.warnings)).toEqual(['toolChoice']);
  });

  it('passes providerOptions.anthropic through, betas to the header list, never the reserved keys', () => {
    const { body, betas, warnings } = convertToAnthropicRequest(
      {
        ...base,
        stream: true,
        providerOptions: {
          anthropic: {
            betas: 'context-1m-2025-08-07, interleaved-thinking-2025-05-14',
            service_tier: 'auto',
            model: 'x',
          },
        },
      },
      SONNET,
    );
    expect(betas).toEqual(['context-1m-2025-08-07', 'interleaved-thinking-2025-05-14']);
    expect(body).toMatchObject({ model: SONNET, service_tier: 'auto', stream: true });
    expect(body).not.toHaveProperty('betas');
    expect(settings(warnings)).toEqual(['providerOptions.anthropic.model']);
  });
});

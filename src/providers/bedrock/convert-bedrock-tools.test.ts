import { describe, expect, it } from 'vitest';
import type { ChatMessage, ChatRequest } from '../../core/chat-request.js';
import type { Warning } from '../../core/warning.js';
import { convertToBedrockConverseRequest } from './convert-to-bedrock-converse-request.js';

const CLAUDE_35 = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const CLAUDE_4 = 'eu.anthropic.claude-sonnet-4-20250514-v1:0';
const LLAMA = 'us.meta.llama3-3-70b-instruct-v1:0';

const weatherSchema = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };
const weatherTool = { name: 'get_weather', description: 'Current weather', inputSchema: weatherSchema };
const weatherSpec = {
  toolSpec: { name: 'get_weather', description: 'Current weather', inputSchema: { json: weatherSchema } },
};

const citySchema = {
  type: 'object',
  properties: { city: { type: 'string' }, population: { type: 'integer' } },
  required: ['city', 'population'],
};

function request(overrides: Partial<ChatRequest>): ChatRequest {
  return {
    model: 'claude',
    stream: false,
    messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
    ...overrides,
  };
}

const toolHistory: ChatMessage[] = [
  { role: 'user', content: [{ type: 'text', text: 'Weather?' }] },
  {
    role: 'assistant',
    content: [{ type: 'tool-call', toolCallId: 't1', toolName: 'get_weather', input: '{"city":"Oslo"}' }],
  },
  {
    role: 'tool',
    content: [{ type: 'tool-result', toolCallId: 't1', output: [{ type: 'text', text: '3°C' }] }],
  },
];

describe('tools', () => {
  it.each([
    [undefined, undefined],
    [{ type: 'auto' } as const, { auto: {} }],
    [{ type: 'required' } as const, { any: {} }],
    [{ type: 'tool', toolName: 'get_weather' } as const, { tool: { name: 'get_weather' } }],
  ])('toolChoice %j → %j', (toolChoice, expected) => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({ tools: [{ ...weatherTool, strict: true }], ...(toolChoice ? { toolChoice } : {}) }),
      CLAUDE_35,
    );
    expect(body.toolConfig).toEqual({
      tools: [{ toolSpec: { ...weatherSpec.toolSpec, strict: true } }],
      ...(expected ? { toolChoice: expected } : {}),
    });
    expect(warnings).toEqual([]);
  });

  it('toolChoice none: tools withheld with a warning', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({ tools: [weatherTool], toolChoice: { type: 'none' } }),
      CLAUDE_35,
    );
    expect(body.toolConfig).toBeUndefined();
    expect(warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'toolChoice' }]);
  });

  it('a history with tool blocks but no tools to offer still gets a toolConfig (Bedrock requires one)', () => {
    for (const overrides of [{}, { tools: [weatherTool], toolChoice: { type: 'none' } as const }]) {
      const { body } = convertToBedrockConverseRequest(
        request({ messages: toolHistory, ...overrides }),
        CLAUDE_35,
      );
      expect(body.toolConfig?.tools).toEqual([
        {
          toolSpec: {
            name: 'unavailable_tool',
            description: 'No tool is available in this turn. Do not call this tool.',
            inputSchema: { json: { type: 'object', properties: {} } },
          },
        },
      ]);
      expect(body.toolConfig?.toolChoice).toBeUndefined();
    }
  });

  it('parallelToolCalls: false cannot be honoured: a warning', () => {
    const { warnings } = convertToBedrockConverseRequest(
      request({ tools: [weatherTool], parallelToolCalls: false }),
      CLAUDE_35,
    );
    expect(warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'parallelToolCalls' }]);
  });
});

describe('responseFormat emulated with a forced tool', () => {
  it('json-schema: one tool named after the schema, forced, no warning', () => {
    const { body, warnings, jsonResponseTool } = convertToBedrockConverseRequest(
      request({
        responseFormat: {
          type: 'json-schema',
          name: 'city facts',
          schema: citySchema,
          description: 'Facts about a city',
          strict: true,
        },
      }),
      CLAUDE_35,
    );
    expect(body.toolConfig).toEqual({
      tools: [
        {
          toolSpec: {
            name: 'city_facts',
            description: 'Facts about a city',
            inputSchema: { json: citySchema },
            strict: true,
          },
        },
      ],
      toolChoice: { tool: { name: 'city_facts' } },
    });
    expect(jsonResponseTool).toEqual({ name: 'city_facts', wrapped: false });
    expect(warnings).toEqual([]);
  });

  it('a non-object schema is wrapped as {value}; json without schema asks for any object', () => {
    const list = { type: 'array', items: { type: 'string' } };
    const wrapped = convertToBedrockConverseRequest(
      request({ responseFormat: { type: 'json-schema', name: 'names', schema: list } }),
      CLAUDE_35,
    );
    expect(wrapped.body.toolConfig?.tools[0]?.toolSpec.inputSchema.json).toEqual({
      type: 'object',
      properties: { value: list },
      required: ['value'],
    });
    expect(wrapped.jsonResponseTool).toEqual({ name: 'names', wrapped: true });
    const json = convertToBedrockConverseRequest(request({ responseFormat: { type: 'json' } }), CLAUDE_35);
    expect(json.body.toolConfig).toMatchObject({
      tools: [{ toolSpec: { name: 'json_response', inputSchema: { json: { type: 'object' } } } }],
      toolChoice: { tool: { name: 'json_response' } },
    });
  });

  it('with the caller’s tools: all offered, some call required, names kept distinct', () => {
    const { body, jsonResponseTool } = convertToBedrockConverseRequest(
      request({
        tools: [weatherTool],
        responseFormat: { type: 'json-schema', name: 'get_weather', schema: citySchema },
      }),
      CLAUDE_35,
    );
    expect(body.toolConfig?.tools.map((tool) => tool.toolSpec.name)).toEqual([
      'get_weather',
      'get_weather_2',
    ]);
    expect(body.toolConfig?.toolChoice).toEqual({ any: {} });
    expect(jsonResponseTool?.name).toBe('get_weather_2');
  });

  it('a model that cannot be forced gets auto and a warning; a forced caller tool wins with a warning', () => {
    const llama = convertToBedrockConverseRequest(
      request({ responseFormat: { type: 'json-schema', name: 'city', schema: citySchema } }),
      LLAMA,
    );
    expect(llama.body.toolConfig?.toolChoice).toEqual({ auto: {} });
    expect(llama.warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'responseFormat' }]);
    const forced = convertToBedrockConverseRequest(
      request({
        tools: [weatherTool],
        toolChoice: { type: 'tool', toolName: 'get_weather' },
        responseFormat: { type: 'json-schema', name: 'city', schema: citySchema },
      }),
      CLAUDE_35,
    );
    expect(forced.jsonResponseTool).toBeUndefined();
    expect(forced.body.toolConfig).toEqual({
      tools: [weatherSpec],
      toolChoice: { tool: { name: 'get_weather' } },
    });
    expect(forced.warnings).toMatchObject([{ type: 'unsupported-setting', setting: 'responseFormat' }]);
  });
});

describe('reasoningEffort → Claude thinking', () => {
  it.each([
    ['minimal', 1024],
    ['low', 2048],
    ['medium', 8192],
    ['high', 16384],
  ] as const)('%s → budget %d, maxTokens leaves 4096 for the answer', (reasoningEffort, budget) => {
    const { body, warnings } = convertToBedrockConverseRequest(request({ reasoningEffort }), CLAUDE_4);
    expect(body.additionalModelRequestFields).toEqual({
      thinking: { type: 'enabled', budget_tokens: budget },
    });
    expect(body.inferenceConfig).toEqual({ maxTokens: budget + 4096 });
    expect(warnings).toEqual([]);
  });

  it('fits the budget under maxOutputTokens and drops sampling Claude refuses while thinking', () => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({ reasoningEffort: 'high', maxOutputTokens: 10_000, temperature: 0.3, topP: 0.5, topK: 10 }),
      CLAUDE_4,
    );
    expect(body.additionalModelRequestFields).toEqual({ thinking: { type: 'enabled', budget_tokens: 5000 } });
    expect(body.inferenceConfig).toEqual({ maxTokens: 10_000 });
    expect(warnings).toEqual<Warning[]>([
      { type: 'clamped-setting', setting: 'reasoningBudgetTokens', from: 16384, to: 5000 },
      {
        type: 'unsupported-setting',
        setting: 'temperature',
        details: 'Claude does not take it while thinking',
      },
      { type: 'unsupported-setting', setting: 'topP', details: 'Claude does not take it while thinking' },
      { type: 'unsupported-setting', setting: 'topK', details: 'Claude does not take it while thinking' },
    ]);
  });

  it.each([
    ['a model without thinking', CLAUDE_35, {}],
    ['a forced tool call', CLAUDE_4, { responseFormat: { type: 'json' } as const }],
    ['a cap below twice the minimum budget', CLAUDE_4, { maxOutputTokens: 1500 }],
  ])('is not sent for %s, with a warning', (_case, modelId, overrides) => {
    const { body, warnings } = convertToBedrockConverseRequest(
      request({ reasoningEffort: 'low', ...overrides }),
      modelId,
    );
    expect(body.additionalModelRequestFields).toBeUndefined();
    expect(warnings).toContainEqual(
      expect.objectContaining({ type: 'unsupported-setting', setting: 'reasoningEffort' }),
    );
  });
});

import { describe, expect, it } from 'vitest';
import { GatewayError } from '../../core/gateway-error.js';
import { convertOpenApiSchema } from './convert-openapi-schema.js';
import { normalizeFieldNames } from './normalize-field-names.js';
import { parseGenerateRequest } from './parse-generate-request.js';

const parse = (body: Record<string, unknown>) =>
  parseGenerateRequest(
    { contents: [{ role: 'user', parts: [{ text: 'Hi' }] }], ...body },
    {
      model: 'gemini-2.0-flash',
      stream: false,
    },
  );

function thrown(call: () => unknown): GatewayError {
  try {
    call();
  } catch (error: unknown) {
    if (error instanceof GatewayError) return error;
  }
  throw new Error('expected a GatewayError');
}

describe('parseGenerateRequest', () => {
  it('keeps Google-only settings in providerOptions.gemini, in wire shape, and lists them', () => {
    const tools = [
      { functionDeclarations: [{ name: 'f', parameters: { type: 'OBJECT', properties: {} } }] },
      { googleSearch: {} },
      { codeExecution: {} },
      { functionDeclarations: [{ name: 'g', response: { type: 'STRING' } }] },
    ];
    const { request, extras } = parse({
      tools,
      toolConfig: { functionCallingConfig: { mode: 'VALIDATED' }, retrievalConfig: { languageCode: 'en' } },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_LOW_AND_ABOVE' }],
      generationConfig: { responseModalities: ['TEXT'], mediaResolution: 'MEDIA_RESOLUTION_LOW' },
      serviceTier: 'flex',
    });
    expect(request.tools).toEqual([
      { name: 'f', inputSchema: { type: 'object', properties: {} } },
      { name: 'g', inputSchema: { type: 'object', properties: {} } },
    ]);
    expect(request.toolChoice).toEqual({ type: 'auto' });
    expect(request.providerOptions?.['gemini']).toEqual({
      tools,
      toolConfig: { functionCallingConfig: { mode: 'VALIDATED' }, retrievalConfig: { languageCode: 'en' } },
      safetySettings: [{ category: 'HARM_CATEGORY_HATE_SPEECH', threshold: 'BLOCK_LOW_AND_ABOVE' }],
      generationConfig: { responseModalities: ['TEXT'], mediaResolution: 'MEDIA_RESOLUTION_LOW' },
      serviceTier: 'flex',
    });
    expect(extras.googleOnlySettings.sort()).toEqual([
      'generationConfig.mediaResolution',
      'generationConfig.responseModalities',
      'safetySettings',
      'serviceTier',
      'toolConfig.functionCallingConfig.mode',
      'toolConfig.retrievalConfig',
      'tools[1].googleSearch',
      'tools[2].codeExecution',
      'tools[3].functionDeclarations[0].response',
    ]);
  });

  it('maps thinking: level by name, budget by size, includeThoughts for the writer', () => {
    expect(
      parse({ generationConfig: { thinkingConfig: { thinkingLevel: 'HIGH' } } }).request.reasoningEffort,
    ).toBe('high');
    const budget = (thinkingBudget: number) =>
      parse({ generationConfig: { thinkingConfig: { thinkingBudget } } }).request.reasoningEffort;
    expect([budget(0), budget(512), budget(4096), budget(20000), budget(-1)]).toEqual([
      'minimal',
      'low',
      'medium',
      'high',
      undefined,
    ]);
    expect(
      parse({ generationConfig: { thinkingConfig: { includeThoughts: true } } }).extras.includeThoughts,
    ).toBe(true);
  });

  it('text/x.enum output stays a Google-only setting, with its schema', () => {
    const responseSchema = { type: 'STRING', enum: ['a', 'b'] };
    const { request, extras } = parse({
      generationConfig: { responseMimeType: 'text/x.enum', responseSchema },
    });
    expect(request.responseFormat).toBeUndefined();
    expect(request.providerOptions?.['gemini']).toEqual({
      generationConfig: { responseMimeType: 'text/x.enum', responseSchema },
    });
    expect(extras.googleOnlySettings).toEqual(['generationConfig.responseMimeType']);
  });

  it('converts history the canonical model cannot hold, with warnings', () => {
    const { request, extras } = parseGenerateRequest(
      {
        contents: [
          { role: 'user', parts: [{ text: 'Run code' }] },
          {
            role: 'model',
            parts: [
              { text: 'thinking', thought: true, thoughtSignature: 'sig-a' },
              { executableCode: { language: 'PYTHON', code: 'print(1)' } },
              { codeExecutionResult: { outcome: 'OUTCOME_OK', output: '1' } },
              { inlineData: { mimeType: 'image/png', data: 'AA' } },
              { thoughtSignature: 'sig-b' },
            ],
          },
          { role: 'user', parts: [{ text: 'Thanks' }] },
          { role: 'user', parts: [{ text: 'Again' }] },
        ],
        cachedContent: 'cachedContents/x',
      },
      { model: 'm', stream: true },
    );
    expect(request.stream).toBe(true);
    expect(request.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Run code' }] },
      {
        role: 'assistant',
        content: [
          { type: 'reasoning', text: 'thinking', signature: 'sig-a' },
          { type: 'text', text: '```python\nprint(1)\n```' },
          { type: 'text', text: '1' },
          { type: 'reasoning', text: '', signature: 'sig-b' },
        ],
      },
      { role: 'user', content: [{ type: 'text', text: 'Thanks' }] },
      { role: 'user', content: [{ type: 'text', text: 'Again' }] },
    ]);
    expect(extras.warnings).toEqual([
      { type: 'other', message: 'code execution parts in the history were sent as text' },
      {
        type: 'other',
        message: 'media parts in model turns were dropped; the canonical model has no assistant media',
      },
      expect.objectContaining({ type: 'unsupported-setting', setting: 'cachedContent' }),
    ]);
  });

  it('refuses misplaced parts and undeclared allowed function names by field', () => {
    expect(
      thrown(() =>
        parse({ contents: [{ role: 'model', parts: [{ functionResponse: { name: 'f', response: {} } }] }] }),
      ).param,
    ).toBe('contents[0].parts[0]');
    expect(
      thrown(() => parse({ contents: [{ role: 'user', parts: [{ functionCall: { name: 'f' } }] }] })).param,
    ).toBe('contents[0].parts[0]');
    expect(
      thrown(() =>
        parse({ systemInstruction: { parts: [{ inlineData: { mimeType: 'image/png', data: 'A' } }] } }),
      ).param,
    ).toBe('systemInstruction.parts[0]');
    expect(thrown(() => parse({ contents: [{ role: 'user', parts: [] }] })).param).toBe('contents');
    const undeclared = thrown(() =>
      parse({
        tools: [{ functionDeclarations: [{ name: 'f' }] }],
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['g'] } },
      }),
    );
    expect(undeclared.param).toBe('toolConfig.functionCallingConfig.allowedFunctionNames');
  });

  it('takes a plain-string system instruction and the legacy function role', () => {
    const { request } = parseGenerateRequest(
      {
        systemInstruction: 'Be kind.',
        contents: [
          { role: 'model', parts: [{ functionCall: { name: 'f', args: { a: 1 } } }] },
          { role: 'function', parts: [{ functionResponse: { name: 'f', response: { ok: true } } }] },
        ],
      },
      { model: 'm', stream: false },
    );
    expect(request.messages).toEqual([
      { role: 'system', content: [{ type: 'text', text: 'Be kind.' }] },
      {
        role: 'assistant',
        content: [{ type: 'tool-call', toolCallId: 'call_0_0', toolName: 'f', input: '{"a":1}' }],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_0_0',
            toolName: 'f',
            output: [{ type: 'text', text: '{"ok":true}' }],
          },
        ],
      },
    ]);
  });

  it('narrows the tools to several allowed names under ANY', () => {
    const { request } = parse({
      tools: [{ functionDeclarations: [{ name: 'a' }, { name: 'b' }, { name: 'c' }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['a', 'c'] } },
    });
    expect(request.tools?.map((tool) => tool.name)).toEqual(['a', 'c']);
    expect(request.toolChoice).toEqual({ type: 'required' });
  });
});

describe('convertOpenApiSchema', () => {
  it('lower-cases types, turns nullable into a null type, drops Gemini-only keywords', () => {
    expect(
      convertOpenApiSchema({
        type: 'OBJECT',
        properties: {
          kind: { type: 'STRING', format: 'enum', enum: ['a', 'b'], example: 'a' },
          tags: { type: 'ARRAY', items: { type: 'STRING' }, minItems: '1', nullable: true },
          either: { anyOf: [{ type: 'INTEGER' }, { type: 'BOOLEAN' }], nullable: true },
          any: { type: 'TYPE_UNSPECIFIED', description: 'anything' },
        },
        propertyOrdering: ['kind', 'tags'],
      }),
    ).toEqual({
      type: 'object',
      properties: {
        kind: { type: 'string', enum: ['a', 'b'], examples: ['a'] },
        tags: { type: ['array', 'null'], items: { type: 'string' }, minItems: 1 },
        either: { anyOf: [{ type: 'integer' }, { type: 'boolean' }, { type: 'null' }] },
        any: { description: 'anything' },
      },
    });
  });
});

describe('normalizeFieldNames', () => {
  it('renames snake_case fields but never caller-owned keys', () => {
    const body = {
      generation_config: {
        max_output_tokens: 5,
        response_schema: { properties: { user_id: { max_length: 3 } } },
      },
      contents: [{ parts: [{ function_call: { name: 'f', args: { user_id: 1 } } }] }],
      labels: { cost_center: 'x' },
    };
    expect(normalizeFieldNames(body, JSON.stringify(body))).toEqual({
      generationConfig: { maxOutputTokens: 5, responseSchema: { properties: { user_id: { maxLength: 3 } } } },
      contents: [{ parts: [{ functionCall: { name: 'f', args: { user_id: 1 } } }] }],
      labels: { cost_center: 'x' },
    });
    const camel = { contents: [] };
    expect(normalizeFieldNames(camel, JSON.stringify(camel))).toBe(camel);
  });
});

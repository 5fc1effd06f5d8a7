import { FunctionCallingConfigMode, type GenerateContentResponse, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  GEMINI_KEY,
  type GeminiFixture,
  startGeminiFixture,
} from '../../test-support/start-gemini-fixture.js';

let fixture: GeminiFixture;
beforeAll(async () => {
  fixture = await startGeminiFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => {
  fixture.provider.reset();
  fixture.openaiProvider.reset();
});

const client = () => new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl: fixture.url } });
const _headersOf = (response: GenerateContentResponse) => response.sdkHttpResponse?.headers ?? {};

describe('function calling round trip', () => {
  const tools = [
    {
      functionDeclarations: [
        {
          name: 'get_weather',
          description: 'Weather for a city',
          parameters: {
            type: Type.OBJECT,
            properties: { city: { type: Type.STRING } },
            required: ['city'],
          },
        },
        {
          name: 'get_time',
          parametersJsonSchema: { type: 'object', properties: { zone: { type: 'string' } } },
        },
      ],
    },
  ];

  it('functionCall → functionResponse → answer, with ids synthesized and paired by name', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [
          { type: 'tool-call', toolCallId: 'call_abc', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    });
    const first = await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Weather in Oslo?',
      config: {
        tools,
        toolConfig: {
          functionCallingConfig: {
            mode: FunctionCallingConfigMode.ANY,
            allowedFunctionNames: ['get_weather'],
          },
        },
      },
    });
    expect(first.functionCalls).toEqual([{ id: 'call_abc', name: 'get_weather', args: { city: 'Oslo' } }]);
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');
    const firstRequest = fixture.provider.lastRequest();
    expect(firstRequest.tools).toEqual([
      {
        name: 'get_weather',
        description: 'Weather for a city',
        inputSchema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
      },
      { name: 'get_time', inputSchema: { type: 'object', properties: { zone: { type: 'string' } } } },
    ]);
    expect(firstRequest.toolChoice).toEqual({ type: 'tool', toolName: 'get_weather' });
    // The exact config rides along for Google targets; nothing else was Google-only.
    expect(firstRequest.providerOptions).toEqual({
      gemini: {
        toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['get_weather'] } },
      },
    });

    fixture.provider.enqueue({
      type: 'result',
      result: { content: [{ type: 'text', text: 'It is 12°C.' }] },
    });
    // Gemini clients often drop the ids: the gateway pairs the response to the call by name.
    const answer = await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Oslo?' }] },
        { role: 'model', parts: [{ functionCall: { name: 'get_weather', args: { city: 'Oslo' } } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'get_weather', response: { output: '12°C' } } }],
        },
      ],
      config: { tools },
    });
    expect(answer.text).toBe('It is 12°C.');
    expect(fixture.provider.lastRequest().messages.slice(1)).toEqual([
      {
        role: 'assistant',
        content: [
          { type: 'tool-call', toolCallId: 'call_1_0', toolName: 'get_weather', input: '{"city":"Oslo"}' },
        ],
      },
      {
        role: 'tool',
        content: [
          {
            type: 'tool-result',
            toolCallId: 'call_1_0',
            toolName: 'get_weather',
            output: [{ type: 'text', text: '{"output":"12°C"}' }],
          },
        ],
      },
    ]);
  });

  it('keeps ids the client sent, and pairs parallel calls of the same function in order', async () => {
    await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Two cities' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Oslo' } }, thoughtSignature: 'sig' },
            { functionCall: { name: 'get_weather', args: { city: 'Rome' } } },
            { functionCall: { id: 'fc-9', name: 'get_time', args: {} } },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { id: 'fc-9', name: 'get_time', response: { output: 'noon' } } },
            { functionResponse: { name: 'get_weather', response: { output: 'cold' } } },
            { functionResponse: { name: 'get_weather', response: { error: 'no data' } } },
            { text: 'Summarise' },
          ],
        },
      ],
      config: { tools },
    });
    const [, assistant, toolMessage, user] = fixture.provider.lastRequest().messages;
    expect(assistant?.content).toEqual([
      { type: 'reasoning', text: '', signature: 'sig' },
      { type: 'tool-call', toolCallId: 'call_1_0', toolName: 'get_weather', input: '{"city":"Oslo"}' },
      { type: 'tool-call', toolCallId: 'call_1_1', toolName: 'get_weather', input: '{"city":"Rome"}' },
      { type: 'tool-call', toolCallId: 'fc-9', toolName: 'get_time', input: '{}' },
    ]);
    expect(
      toolMessage?.content.map((part) =>
        part.type === 'tool-result' ? [part.toolCallId, part.isError] : [],
      ),
    ).toEqual([
      ['fc-9', undefined],
      ['call_1_0', undefined],
      ['call_1_1', true],
    ]);
    expect(user).toEqual({ role: 'user', content: [{ type: 'text', text: 'Summarise' }] });
  });

  it('reports a tool call whose arguments are not a JSON object as MALFORMED_FUNCTION_CALL', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [{ type: 'tool-call', toolCallId: 'c1', toolName: 'get_weather', input: '{"city":' }],
        finishReason: { unified: 'tool-calls', raw: 'tool_calls' },
      },
    });
    const response = await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'x',
      config: { tools },
    });
    expect(response.candidates?.[0]?.finishReason).toBe('MALFORMED_FUNCTION_CALL');
    expect(response.functionCalls).toBeUndefined();
  });

  it('maps NONE, ANY and AUTO modes to tool choices', async () => {
    const config = (mode: FunctionCallingConfigMode, allowedFunctionNames?: string[]) => ({
      tools,
      toolConfig: { functionCallingConfig: { mode, ...(allowedFunctionNames && { allowedFunctionNames }) } },
    });
    await client().models.generateContent({
      model: 'flash',
      contents: 'x',
      config: config(FunctionCallingConfigMode.NONE),
    });
    expect(fixture.provider.lastRequest().toolChoice).toEqual({ type: 'none' });
    await client().models.generateContent({
      model: 'flash',
      contents: 'x',
      config: config(FunctionCallingConfigMode.ANY, ['get_weather', 'get_time']),
    });
    expect(fixture.provider.lastRequest().toolChoice).toEqual({ type: 'required' });
    await client().models.generateContent({
      model: 'flash',
      contents: 'x',
      config: config(FunctionCallingConfigMode.AUTO),
    });
    expect(fixture.provider.lastRequest().toolChoice).toEqual({ type: 'auto' });
  });
});

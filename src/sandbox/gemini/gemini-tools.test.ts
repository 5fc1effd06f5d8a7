import { type Content, FunctionCallingConfigMode, GoogleGenAI, type Tool, Type } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GeminiTestSandbox, startGeminiTestSandbox } from './testing/start-gemini-test-sandbox.js';

let sandbox: GeminiTestSandbox;
let ai: GoogleGenAI;

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox();
  ai = new GoogleGenAI({ apiKey: 'sandbox-gemini-key', httpOptions: { baseUrl: sandbox.url } });
});
afterAll(() => sandbox.close());

const tools: Tool[] = [
  {
    functionDeclarations: [
      {
        name: 'get_weather',
        description: 'Current weather for a city',
        parameters: {
          type: Type.OBJECT,
          properties: {
            city: { type: Type.STRING },
            unit: { type: Type.STRING, enum: ['celsius', 'fahrenheit'] },
            days: { type: Type.INTEGER, minimum: 1, maximum: 7 },
          },
          required: ['city', 'unit'],
        },
      },
      {
        name: 'get_time',
        parameters: { type: Type.OBJECT, properties: { zone: { type: Type.STRING } }, required: ['zone'] },
      },
    ],
  },
];

describe('Gemini API function calling (@google/genai)', () => {
  it('calls a function the prompt names, with schema-valid args, then answers quoting its response', async () => {
    const question: Content = { role: 'user', parts: [{ text: 'Please call get_weather for Paris' }] };
    const first = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [question],
      config: { tools },
    });
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');
    const calls = first.functionCalls ?? [];
    expect(calls.map((call) => call.name)).toEqual(['get_weather']);
    const args = calls[0]?.args ?? {};
    expect(typeof args['city']).toBe('string');
    expect(['celsius', 'fahrenheit']).toContain(args['unit']);
    if (args['days'] !== undefined) expect(Number.isInteger(args['days'])).toBe(true);
    const modelTurn = first.candidates?.[0]?.content;
    if (modelTurn === undefined) throw new Error('no model turn');
    const reply = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      config: { tools },
      contents: [
        question,
        modelTurn,
        {
          role: 'user',
          parts: [
            {
              functionResponse: {
                name: 'get_weather',
                response: { output: { temperature: 21, sky: 'clear' } },
              },
            },
          ],
        },
      ],
    });
    expect(reply.functionCalls).toBeUndefined();
    expect(reply.text).toContain('get_weather returned');
    expect(reply.text).toContain('"temperature":21');
  });

  it('streams a function call whole in one chunk', async () => {
    const chunks = [];
    const stream = await ai.models.generateContentStream({
      model: 'gemini-2.0-flash',
      contents: 'What is the time? Use get_time for Tokyo',
      config: { tools },
    });
    for await (const chunk of stream) chunks.push(chunk);
    const withCalls = chunks.filter((chunk) => (chunk.functionCalls ?? []).length > 0);
    expect(withCalls).toHaveLength(1);
    expect(withCalls[0]?.functionCalls?.[0]?.name).toBe('get_time');
    expect(withCalls[0]?.candidates?.[0]?.finishReason).toBe('STOP');
  });

  it('forces a call with mode ANY and allowedFunctionNames, and none with mode NONE', async () => {
    const forced = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Hello there',
      config: {
        tools,
        toolConfig: {
          functionCallingConfig: { mode: FunctionCallingConfigMode.ANY, allowedFunctionNames: ['get_time'] },
        },
      },
    });
    expect(forced.functionCalls?.map((call) => call.name)).toEqual(['get_time']);
    const none = await ai.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Call get_weather for Rome',
      config: { tools, toolConfig: { functionCallingConfig: { mode: FunctionCallingConfigMode.NONE } } },
    });
    expect(none.functionCalls).toBeUndefined();
    expect(none.text).toBeTruthy();
  });

  it('signs the first function call of a thinking model (thoughtSignature)', async () => {
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'call get_time for Lima',
      config: { tools },
    });
    const part = response.candidates?.[0]?.content?.parts?.find((entry) => entry.functionCall);
    expect(part?.thoughtSignature).toMatch(/^[A-Za-z0-9+/=]+$/);
  });
});

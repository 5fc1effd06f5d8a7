import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Provider } from '../provider.js';
import {
  callOptions,
  collect,
  type FixtureHandler,
  readFixture,
  replyEvents,
  replyJson,
} from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { createGeminiProvider } from './gemini-provider.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);

async function startGemini(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createGeminiProvider(
    'gemini',
    { type: 'gemini', apiKey: 'gemini-key', baseURL: `${server.origin}/` },
    { http: upstream.http, log: upstream.log },
  );
}

const weatherTool = {
  name: 'get_weather',
  description: 'Weather for a city',
  inputSchema: {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    properties: {
      city: { type: 'string' },
      unit: { type: ['string', 'null'], enum: ['celsius', 'fahrenheit', null] },
    },
    required: ['city'],
    additionalProperties: false,
  },
};

const request: ChatRequest = {
  model: 'fast',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Answer in French.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Weather in Paris?' }] },
    {
      role: 'assistant',
      content: [
        { type: 'reasoning', text: '', signature: 'c2lnLTE=' },
        { type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: '{"city":"Paris"}' },
      ],
    },
    {
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'call_1', output: [{ type: 'text', text: '{"temp":21}' }] },
      ],
    },
    { role: 'user', content: [{ type: 'text', text: 'Merci. Bonjour !' }] },
  ],
  tools: [weatherTool],
  toolChoice: { type: 'auto' },
  maxOutputTokens: 200,
  temperature: 0.4,
  stopSequences: ['END'],
  reasoningEffort: 'low',
  user: 'user-7',
};

describe('gemini provider: request', () => {
  it('posts the generateContent body with x-goog-api-key to /v1beta/models/{model}:generateContent', async () => {
    const provider = await startGemini(replyJson(200, fixture('gemini-text.json')));
    const result = await provider.generate(request, callOptions('gemini-2.5-flash'));
    const sent = upstream.lastRequest();
    expect(sent.url).toBe('/v1beta/models/gemini-2.5-flash:generateContent');
    expect(sent.headers['x-goog-api-key']).toBe('gemini-key');
    expect(sent.headers.authorization).toBeUndefined();
    expect(sent.json).toEqual({
      systemInstruction: { parts: [{ text: 'Answer in French.' }] },
      contents: [
        { role: 'user', parts: [{ text: 'Weather in Paris?' }] },
        {
          role: 'model',
          parts: [
            { functionCall: { name: 'get_weather', args: { city: 'Paris' } }, thoughtSignature: 'c2lnLTE=' },
          ],
        },
        {
          role: 'user',
          parts: [
            { functionResponse: { name: 'get_weather', response: { output: { temp: 21 } } } },
            { text: 'Merci. Bonjour !' },
          ],
        },
      ],
      tools: [
        {
          functionDeclarations: [
            {
              name: 'get_weather',
              description: 'Weather for a city',
              parameters: {
                type: 'OBJECT',
                properties: {
                  city: { type: 'STRING' },
                  unit: { type: 'STRING', nullable: true, format: 'enum', enum: ['celsius', 'fahrenheit'] },
                },
                required: ['city'],
              },
            },
          ],
        },
      ],
      toolConfig: { functionCallingConfig: { mode: 'AUTO' } },
      generationConfig: {
        maxOutputTokens: 200,
        temperature: 0.4,
        stopSequences: ['END'],
        thinkingConfig: { thinkingBudget: 1024 },
      },
    });
    expect(result.warnings).toEqual([
      expect.objectContaining({ type: 'unsupported-setting', setting: 'user' }),
    ]);
  });

  it('escapes the model id and keeps resource names; streams with alt=sse', async () => {
    const provider = await startGemini(replyEvents(fixture('gemini-text.chunks.txt')));
    await collect(await provider.stream({ ...request, stream: true }, callOptions('tunedModels/my model')));
    expect(upstream.lastRequest().url).toBe('/v1beta/tunedModels/my%20model:streamGenerateContent?alt=sse');
    expect(upstream.lastRequest().headers.accept).toBe('text/event-stream');
  });
});

describe('gemini provider: responses', () => {
  it('maps text, thought summaries and usage with cached and thinking tokens', async () => {
    const provider = await startGemini(replyJson(200, fixture('gemini-text.json')));
    const result = await provider.generate(request, callOptions('gemini-2.5-flash'));
    expect(result).toMatchObject({
      content: [
        { type: 'reasoning', text: '**Weighing the options**\n\nThe user wants a short greeting in French.' },
        { type: 'text', text: 'Bonjour ! Comment puis-je vous aider ?' },
      ],
      finishReason: { unified: 'stop', raw: 'STOP' },
      usage: {
        inputTokens: 1310,
        outputTokens: 101,
        cacheReadTokens: 1024,
        cacheWriteTokens: 0,
        reasoningTokens: 92,
      },
      modelId: 'gemini-2.5-flash',
      responseId: 'bXJ4aMqnJKeEvdIPwuuM4Ag',
    });
    expect(result.providerMetadata).toBeUndefined();
  });

  it('maps function calls to tool calls (finish STOP → tool-calls) and keeps the thought signature', async () => {
    const provider = await startGemini(replyJson(200, fixture('gemini-tool-call.json')));
    const result = await provider.generate(request, callOptions('gemini-2.5-flash'));
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'STOP' });
    expect(result.content).toEqual([
      { type: 'reasoning', text: '', signature: 'CiQB0e2Kb7xQYW1wbGUtdGhvdWdodC1zaWduYXR1cmU=' },
      {
        type: 'tool-call',
        toolCallId: expect.stringMatching(/^call_/),
        toolName: 'get_weather',
        input: '{"city":"Paris","unit":"celsius"}',
      },
      {
        type: 'tool-call',
        toolCallId: expect.stringMatching(/^call_/),
        toolName: 'get_time',
        input: '{"zone":"Europe/Paris"}',
      },
    ]);
    expect(result.usage).toMatchObject({ outputTokens: 95, reasoningTokens: 64 });
  });

  it('treats a blocked prompt as a content-filter finish with empty content and the prompt feedback', async () => {
    const provider = await startGemini(replyJson(200, fixture('gemini-blocked-prompt.json')));
    const result = await provider.generate(request, callOptions('gemini-2.0-flash'));
    expect(result.content).toEqual([]);
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'SAFETY' });
    expect(result.usage.inputTokens).toBe(12);
    expect(result.providerMetadata?.['gemini']?.['promptFeedback']).toMatchObject({
      blockReason: 'SAFETY',
      safetyRatings: expect.arrayContaining([
        { category: 'HARM_CATEGORY_HATE_SPEECH', probability: 'HIGH', blocked: true },
      ]),
    });
  });

  it('maps a SAFETY stop to content-filter with the safety ratings', async () => {
    const provider = await startGemini(replyJson(200, fixture('gemini-blocked-output.json')));
    const result = await provider.generate(request, callOptions('gemini-2.0-flash'));
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'SAFETY' });
    expect(result.providerMetadata?.['gemini']?.['safetyRatings']).toContainEqual({
      category: 'HARM_CATEGORY_SEXUALLY_EXPLICIT',
      probability: 'HIGH',
      blocked: true,
    });
  });
});

describe('gemini provider: streams', () => {
  it('converts SSE chunks split mid-event into reasoning, text and a finish with the last usage', async () => {
    const provider = await startGemini(replyEvents(fixture('gemini-text.chunks.txt'), { pieceBytes: 17 }));
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.5-flash')),
    );
    expect(parts).toEqual([
      {
        type: 'stream-start',
        warnings: expect.any(Array),
        modelId: 'gemini-2.5-flash',
        responseId: 'nHJ4aK7-HZqOvdIP16K6-Qc',
      },
      { type: 'reasoning-start', id: 'reasoning-0' },
      {
        type: 'reasoning-delta',
        id: 'reasoning-0',
        delta: '**Greeting in French**\n\nA short, friendly reply.',
      },
      { type: 'reasoning-end', id: 'reasoning-0' },
      { type: 'text-start', id: 'text-1' },
      { type: 'text-delta', id: 'text-1', delta: 'Bonjour ! ' },
      { type: 'text-delta', id: 'text-1', delta: 'Comment puis-je vous aider ?' },
      { type: 'text-end', id: 'text-1' },
      {
        type: 'finish',
        usage: {
          inputTokens: 1310,
          outputTokens: 101,
          cacheReadTokens: 1024,
          cacheWriteTokens: 0,
          reasoningTokens: 92,
        },
        finishReason: { unified: 'stop', raw: 'STOP' },
      },
    ] satisfies StreamPart[]);
  });

  it('emits a whole function call as tool-input start/delta/end and a tool call', async () => {
    const provider = await startGemini(replyEvents(fixture('gemini-tool-call.chunks.txt')));
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.5-flash')),
    );
    const id = parts.find((part) => part.type === 'tool-input-start')?.id ?? '';
    expect(parts.slice(1)).toEqual([
      { type: 'reasoning-start', id: 'reasoning-0' },
      { type: 'reasoning-end', id: 'reasoning-0', signature: 'CiQB0e2Kb7xQYW1wbGUtdGhvdWdodC1zaWduYXR1cmU=' },
      { type: 'tool-input-start', id, toolName: 'get_weather' },
      { type: 'tool-input-delta', id, delta: '{"city":"Paris","unit":"celsius"}' },
      { type: 'tool-input-end', id },
      {
        type: 'tool-call',
        toolCallId: id,
        toolName: 'get_weather',
        input: '{"city":"Paris","unit":"celsius"}',
      },
      expect.objectContaining({ type: 'finish', finishReason: { unified: 'tool-calls', raw: 'STOP' } }),
    ]);
  });

  it('ends a blocked-prompt stream with a content-filter finish', async () => {
    const provider = await startGemini(replyEvents(fixture('gemini-blocked-prompt.chunks.txt')));
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.0-flash')),
    );
    expect(parts.map((part) => part.type)).toEqual(['stream-start', 'finish']);
    expect(parts[1]).toMatchObject({
      finishReason: { unified: 'content-filter', raw: 'SAFETY' },
      providerMetadata: { gemini: { promptFeedback: { blockReason: 'SAFETY' } } },
    });
  });

  it('replays the JSON-array form when a server answers without SSE', async () => {
    const chunks = fixture('gemini-text.chunks.txt')
      .split('\r\n\r\n')
      .filter(Boolean)
      .map((event) => event.slice('data: '.length));
    const provider = await startGemini(replyJson(200, `[${chunks.join('\n,\r\n')}]`));
    const parts = await collect(
      await provider.stream({ ...request, stream: true }, callOptions('gemini-2.5-flash')),
    );
    const text = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : [])).join('');
    expect(text).toBe('Bonjour ! Comment puis-je vous aider ?');
    expect(parts.at(-1)?.type).toBe('finish');
  });
});

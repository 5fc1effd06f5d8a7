import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { convertGeminiThinking } from './convert-gemini-thinking.js';
import { convertToGeminiRequest } from './convert-to-gemini-request.js';

const base: ChatRequest = { model: 'm', stream: false, messages: [] };
const user = (text: string) => ({ role: 'user' as const, content: [{ type: 'text' as const, text }] });

describe('convertToGeminiRequest: messages', () => {
  it('converts media to inlineData/fileData and echoes reasoning with its signature', () => {
    const { body, warnings } = convertToGeminiRequest(
      {
        ...base,
        messages: [
          {
            role: 'user',
            content: [
              { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBO' } },
              { type: 'image', source: { type: 'url', url: 'data:image/webp;base64,UklG' } },
              { type: 'document', source: { type: 'url', url: 'gs://bucket/report.pdf' } },
              { type: 'audio', data: 'UklGR', format: 'wav' },
            ],
          },
          {
            role: 'assistant',
            content: [
              { type: 'reasoning', text: 'Thinking…', signature: 'c2ln' },
              { type: 'text', text: 'Done.' },
            ],
          },
        ],
      },
      'gemini-2.5-flash',
      { providerType: 'gemini' },
    );
    expect(warnings).toEqual([]);
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [
          { inlineData: { mimeType: 'image/png', data: 'iVBO' } },
          { inlineData: { mimeType: 'image/webp', data: 'UklG' } },
          { fileData: { mimeType: 'application/pdf', fileUri: 'gs://bucket/report.pdf' } },
          { inlineData: { mimeType: 'audio/wav', data: 'UklGR' } },
        ],
      },
      {
        role: 'model',
        parts: [{ text: 'Thinking…', thought: true, thoughtSignature: 'c2ln' }, { text: 'Done.' }],
      },
    ]);
  });

  it('hoists a late system message with a warning, reports failed tool results as errors, warns once per kind', () => {
    const { body, warnings } = convertToGeminiRequest(
      {
        ...base,
        messages: [
          user('Hi'),
          { role: 'system', content: [{ type: 'text', text: 'Be brief.', cacheControl: { ttl: '5m' } }] },
          {
            role: 'tool',
            content: [
              {
                type: 'tool-result',
                toolCallId: 'c1',
                toolName: 'lookup',
                isError: true,
                output: [
                  { type: 'text', text: 'not found' },
                  { type: 'image', source: { type: 'url', url: 'https://x/y.png' } },
                ],
              },
            ],
          },
        ],
      },
      'gemini-2.0-flash',
      { providerType: 'gemini' },
    );
    expect(body['systemInstruction']).toEqual({ parts: [{ text: 'Be brief.' }] });
    expect(body.contents).toEqual([
      {
        role: 'user',
        parts: [{ text: 'Hi' }, { functionResponse: { name: 'lookup', response: { error: 'not found' } } }],
      },
    ]);
    expect(warnings.map((warning) => ('setting' in warning ? warning.setting : ''))).toEqual([
      'system-position',
      'tool-result-image',
      'cacheControl',
    ]);
  });
});

describe('convertToGeminiRequest: settings', () => {
  it('maps tool choice, JSON schema output, clamps stop sequences and merges providerOptions', () => {
    const { body, warnings } = convertToGeminiRequest(
      {
        ...base,
        messages: [user('Hi')],
        tools: [{ name: 'ping', inputSchema: { type: 'object', properties: {} } }],
        toolChoice: { type: 'tool', toolName: 'ping' },
        parallelToolCalls: false,
        responseFormat: {
          type: 'json-schema',
          name: 'r',
          schema: { type: 'object', properties: { a: { type: 'string' } } },
        },
        stopSequences: ['1', '2', '3', '4', '5', '6'],
        seed: 7,
        metadata: { team: 'search' },
        providerOptions: {
          gemini: { safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }] },
          vertex: { generationConfig: { mediaResolution: 'MEDIA_RESOLUTION_LOW' }, contents: [] },
        },
      },
      'gemini-2.0-flash',
      { providerType: 'vertex' },
    );
    expect(body).toMatchObject({
      tools: [{ functionDeclarations: [{ name: 'ping' }] }],
      toolConfig: { functionCallingConfig: { mode: 'ANY', allowedFunctionNames: ['ping'] } },
      generationConfig: {
        stopSequences: ['1', '2', '3', '4', '5'],
        seed: 7,
        responseMimeType: 'application/json',
        responseSchema: { type: 'OBJECT', properties: { a: { type: 'STRING' } } },
        mediaResolution: 'MEDIA_RESOLUTION_LOW',
      },
      labels: { team: 'search' },
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      contents: [{ role: 'user', parts: [{ text: 'Hi' }] }],
    });
    expect(body['tools']).toEqual([{ functionDeclarations: [{ name: 'ping' }] }]);
    expect(warnings).toEqual([
      expect.objectContaining({ setting: 'parallelToolCalls' }),
      { type: 'clamped-setting', setting: 'stopSequences', from: 6, to: 5 },
      { type: 'unsupported-setting', setting: 'providerOptions.vertex.contents' },
    ]);
  });

  it('warns instead of sending metadata on the Gemini API', () => {
    const { body, warnings } = convertToGeminiRequest(
      { ...base, messages: [user('Hi')], metadata: { team: 'x' } },
      'gemini-2.0-flash',
      { providerType: 'gemini' },
    );
    expect(body['labels']).toBeUndefined();
    expect(warnings).toEqual([expect.objectContaining({ setting: 'metadata' })]);
  });
});

describe('convertGeminiThinking', () => {
  it.each([
    ['gemini-2.5-flash', 'minimal', { thinkingBudget: 0 }],
    ['gemini-2.5-flash', 'high', { thinkingBudget: 24_576 }],
    ['gemini-2.5-pro', 'minimal', { thinkingBudget: 128 }],
    ['publishers/google/models/gemini-2.5-pro', 'high', { thinkingBudget: 32_768 }],
    ['gemini-3-pro-preview', 'medium', { thinkingLevel: 'high' }],
  ] as const)('%s + %s → %o', (model, effort, config) => {
    expect(convertGeminiThinking(model, effort)).toEqual({ thinkingConfig: config, warnings: [] });
  });

  it('warns on models without thinking', () => {
    expect(convertGeminiThinking('gemini-2.0-flash', 'low').warnings).toEqual([
      expect.objectContaining({ setting: 'reasoningEffort' }),
    ]);
  });
});

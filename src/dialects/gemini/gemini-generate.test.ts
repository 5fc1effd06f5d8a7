import { type GenerateContentResponse, GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { emptyUsage } from '../../core/usage.js';
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
const headersOf = (response: GenerateContentResponse) => response.sdkHttpResponse?.headers ?? {};

describe('generateContent through @google/genai (Gemini API mode)', () => {
  it('answers with one candidate, Gemini usage, the served model and the request id', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: {
        content: [{ type: 'text', text: 'Bonjour' }],
        usage: { ...emptyUsage(), inputTokens: 12, outputTokens: 9, reasoningTokens: 4, cacheReadTokens: 8 },
        modelId: 'gemini-2.0-flash-001',
      },
    });
    const response = await client().models.generateContent({
      model: 'flash',
      contents: 'Say hello in French',
    });
    expect(response.text).toBe('Bonjour');
    expect(response.candidates).toEqual([
      { content: { role: 'model', parts: [{ text: 'Bonjour' }] }, finishReason: 'STOP', index: 0 },
    ]);
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 12,
      candidatesTokenCount: 5,
      thoughtsTokenCount: 4,
      cachedContentTokenCount: 8,
      totalTokenCount: 21,
    });
    expect(response.modelVersion).toBe('gemini-2.0-flash-001');
    const requestId = headersOf(response)['x-converge-request-id'];
    expect(response.responseId).toBe(requestId);
    expect(fixture.provider.lastRequest()).toEqual({
      model: 'flash',
      messages: [{ role: 'user', content: [{ type: 'text', text: 'Say hello in French' }] }],
      stream: false,
    });
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row).toMatchObject({ status: 'ok', dialect: 'gemini', modelRequested: 'flash', inputTokens: 12 });
  });

  it('maps the system instruction and generation config onto the canonical request', async () => {
    await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        { role: 'user', parts: [{ text: 'Hi' }] },
        { role: 'model', parts: [{ text: 'Hello!' }] },
        { role: 'user', parts: [{ text: 'Tell a joke' }] },
      ],
      config: {
        systemInstruction: 'Be brief.',
        temperature: 0.3,
        topP: 0.9,
        topK: 40,
        maxOutputTokens: 128,
        stopSequences: ['END'],
        presencePenalty: 0.1,
        frequencyPenalty: 0.2,
        seed: 7,
        thinkingConfig: { thinkingBudget: 2048 },
        labels: { team: 'search' },
      },
    });
    const request = fixture.provider.lastRequest();
    expect(request).toMatchObject({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
        { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
        { role: 'assistant', content: [{ type: 'text', text: 'Hello!' }] },
        { role: 'user', content: [{ type: 'text', text: 'Tell a joke' }] },
      ],
      temperature: 0.3,
      topP: 0.9,
      topK: 40,
      maxOutputTokens: 128,
      stopSequences: ['END'],
      presencePenalty: 0.1,
      frequencyPenalty: 0.2,
      seed: 7,
      reasoningEffort: 'medium',
      metadata: { team: 'search' },
    });
    expect(request.providerOptions).toEqual({
      gemini: { generationConfig: { thinkingConfig: { thinkingBudget: 2048 } } },
    });
  });

  it('turns responseSchema (OpenAPI subset) into a JSON Schema response format and returns the JSON', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: { content: [{ type: 'text', text: '{"city":"Oslo","days":[1,2]}' }] },
    });
    const response = await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'Plan a trip',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: {
            city: { type: Type.STRING, description: 'Where', nullable: true },
            days: { type: Type.ARRAY, items: { type: Type.INTEGER }, maxItems: '3' },
          },
          required: ['city'],
          propertyOrdering: ['city', 'days'],
        },
      },
    });
    expect(JSON.parse(response.text ?? '')).toEqual({ city: 'Oslo', days: [1, 2] });
    expect(fixture.provider.lastRequest().responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema: {
        type: 'object',
        properties: {
          city: { type: ['string', 'null'], description: 'Where' },
          days: { type: 'array', items: { type: 'integer' }, maxItems: 3 },
        },
        required: ['city'],
      },
    });
  });

  it('passes responseJsonSchema through as it is, and application/json alone as JSON mode', async () => {
    const schema = { type: 'object', properties: { ok: { type: 'boolean' } }, additionalProperties: false };
    await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'x',
      config: { responseMimeType: 'application/json', responseJsonSchema: schema },
    });
    expect(fixture.provider.lastRequest().responseFormat).toEqual({
      type: 'json-schema',
      name: 'response',
      schema,
    });
    await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'x',
      config: { responseMimeType: 'application/json' },
    });
    expect(fixture.provider.lastRequest().responseFormat).toEqual({ type: 'json' });
  });

  it('sends inline images, PDFs and audio as image, document and audio parts; file URIs as URL sources', async () => {
    await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: [
        {
          role: 'user',
          parts: [
            { text: 'What is this?' },
            { inlineData: { mimeType: 'image/png', data: 'iVBORw0KGgo=' } },
            { inlineData: { mimeType: 'application/pdf', data: 'JVBERi0=' } },
            { inlineData: { mimeType: 'audio/mpeg', data: 'SUQz' } },
            { fileData: { mimeType: 'image/jpeg', fileUri: 'gs://bucket/cat.jpg' } },
          ],
        },
      ],
    });
    expect(fixture.provider.lastRequest().messages[0]?.content).toEqual([
      { type: 'text', text: 'What is this?' },
      { type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' } },
      { type: 'document', source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' } },
      { type: 'audio', data: 'SUQz', format: 'mp3' },
      { type: 'image', source: { type: 'url', url: 'gs://bucket/cat.jpg' } },
    ]);
  });

  it('thoughts appear as thought parts only when asked for; their signature always travels on', async () => {
    const content: ChatRequest['messages'][number]['content'] = [
      { type: 'reasoning', text: 'Thinking…', signature: 'sig-1' },
      { type: 'text', text: 'Answer' },
    ];
    fixture.provider.enqueue(
      { type: 'result', result: { content: [...content] } },
      { type: 'result', result: { content: [...content] } },
    );
    const hidden = await client().models.generateContent({ model: 'gemini-2.5-pro', contents: 'Q' });
    expect(hidden.candidates?.[0]?.content?.parts).toEqual([{ text: 'Answer', thoughtSignature: 'sig-1' }]);
    const shown = await client().models.generateContent({
      model: 'gemini-2.5-pro',
      contents: 'Q',
      config: { thinkingConfig: { includeThoughts: true } },
    });
    expect(shown.candidates?.[0]?.content?.parts).toEqual([
      { text: 'Thinking…', thought: true, thoughtSignature: 'sig-1' },
      { text: 'Answer' },
    ]);
    expect(shown.text).toBe('Answer');
  });

  it('serves a Gemini request from a non-Google target, warning about every Google-only setting', async () => {
    const response = await client().models.generateContent({
      model: 'gpt-4o',
      contents: 'x',
      config: {
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' } as never],
        tools: [{ googleSearch: {} }],
        responseModalities: ['TEXT'],
        cachedContent: 'cachedContents/abc',
      },
    });
    expect(response.text).toBe('Hello world');
    const warnings = headersOf(response)['x-converge-warnings'];
    expect(warnings).toContain('unsupported-setting=cachedContent');
    expect(warnings).toContain('unsupported-setting=safetySettings');
    expect(warnings).toContain('unsupported-setting=tools[0].googleSearch');
    expect(warnings).toContain('unsupported-setting=generationConfig.responseModalities');
    expect(fixture.openaiProvider.lastRequest().providerOptions?.['gemini']).toMatchObject({
      safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' }],
      tools: [{ googleSearch: {} }],
      generationConfig: { responseModalities: ['TEXT'] },
    });
    // A Google target applies them: no warnings but the dropped cache.
    const google = await client().models.generateContent({
      model: 'gemini-2.0-flash',
      contents: 'x',
      config: {
        safetySettings: [{ category: 'HARM_CATEGORY_HARASSMENT', threshold: 'BLOCK_NONE' } as never],
      },
    });
    // …the only warning left is the catalog's: 2.0 Flash is deprecated on the Gemini API.
    expect(headersOf(google)['x-converge-warnings']).toBe(
      'deprecated-model=gemini-2.0-flash->gemini-2.5-flash',
    );
  });

  it('reads snake_case field names (REST samples) as well as camelCase', async () => {
    const response = await fetch(`${fixture.url}/v1beta/models/flash:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': GEMINI_KEY },
      body: JSON.stringify({
        system_instruction: { parts: [{ text: 'Be terse.' }] },
        contents: [{ role: 'user', parts: [{ inline_data: { mime_type: 'image/png', data: 'AAAA' } }] }],
        generation_config: { max_output_tokens: 20, response_mime_type: 'application/json' },
        tools: [
          {
            function_declarations: [
              {
                name: 'f',
                parameters_json_schema: { type: 'object', properties: { user_id: { type: 'string' } } },
              },
            ],
          },
        ],
      }),
    });
    expect(response.status).toBe(200);
    expect(fixture.provider.lastRequest()).toMatchObject({
      messages: [
        { role: 'system', content: [{ type: 'text', text: 'Be terse.' }] },
        {
          role: 'user',
          content: [{ type: 'image', source: { type: 'base64', mediaType: 'image/png', data: 'AAAA' } }],
        },
      ],
      maxOutputTokens: 20,
      responseFormat: { type: 'json' },
      tools: [{ name: 'f', inputSchema: { type: 'object', properties: { user_id: { type: 'string' } } } }],
    });
  });
});

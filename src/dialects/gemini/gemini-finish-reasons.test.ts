import { type GenerateContentResponse, GoogleGenAI } from '@google/genai';
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

describe('finish reasons and safety through @google/genai', () => {
  it('reports a content-filtered answer as SAFETY with a blocked rating', async () => {
    fixture.provider.enqueue({
      type: 'result',
      result: { content: [], finishReason: { unified: 'content-filter', raw: 'content_filter' } },
    });
    const response = await client().models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });
    expect(response.candidates).toEqual([
      {
        finishReason: 'SAFETY',
        index: 0,
        safetyRatings: [{ category: 'HARM_CATEGORY_UNSPECIFIED', probability: 'HIGH', blocked: true }],
      },
    ]);
    expect(response.text).toBeUndefined();
  });

  it('echoes safety ratings and prompt feedback a Google target reported', async () => {
    const safetyRatings = [{ category: 'HARM_CATEGORY_HARASSMENT', probability: 'NEGLIGIBLE' }];
    const promptFeedback = { blockReason: 'SAFETY', safetyRatings };
    fixture.provider.enqueue(
      {
        type: 'result',
        result: {
          content: [{ type: 'text', text: 'fine' }],
          finishReason: { unified: 'stop', raw: 'STOP' },
          providerMetadata: { gemini: { safetyRatings } },
        },
      },
      {
        type: 'result',
        result: {
          content: [],
          finishReason: { unified: 'content-filter', raw: 'SAFETY' },
          providerMetadata: { gemini: { promptFeedback } },
        },
      },
    );
    const ok = await client().models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });
    expect(ok.candidates?.[0]?.safetyRatings).toEqual(safetyRatings);
    const blocked = await client().models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });
    expect(blocked.candidates).toBeUndefined();
    expect(blocked.promptFeedback).toEqual(promptFeedback);
  });

  it('maps MAX_TOKENS and passes a Google raw finish reason through', async () => {
    fixture.provider.enqueue(
      { type: 'result', result: { finishReason: { unified: 'length', raw: 'length' } } },
      { type: 'result', result: { finishReason: { unified: 'content-filter', raw: 'RECITATION' } } },
    );
    const length = await client().models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });
    expect(length.candidates?.[0]?.finishReason).toBe('MAX_TOKENS');
    const recitation = await client().models.generateContent({ model: 'gemini-2.0-flash', contents: 'x' });
    expect(recitation.candidates?.[0]?.finishReason).toBe('RECITATION');
  });
});

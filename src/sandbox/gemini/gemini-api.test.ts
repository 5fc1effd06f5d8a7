import { GoogleGenAI, Type } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkJsonSchema } from '../testing/check-json-schema.js';
import { type GeminiTestSandbox, startGeminiTestSandbox } from './testing/start-gemini-test-sandbox.js';

let sandbox: GeminiTestSandbox;
let ai: GoogleGenAI;

beforeAll(async () => {
  sandbox = await startGeminiTestSandbox();
  ai = new GoogleGenAI({ apiKey: 'sandbox-gemini-key', httpOptions: { baseUrl: sandbox.url } });
});
afterAll(() => sandbox.close());

const LONG_PREFIX = Array.from({ length: 400 }, (_, index) => `Clause ${index} of the shared policy.`).join(
  ' ',
);

describe('Gemini API generateContent (@google/genai)', () => {
  it('answers deterministically with usage, modelVersion and a responseId', async () => {
    const ask = () =>
      ai.models.generateContent({ model: 'gemini-2.0-flash', contents: 'Describe Lisbon in spring' });
    const [first, second] = [await ask(), await ask()];
    expect(first.text).toBeTruthy();
    expect(second.text).toBe(first.text);
    expect(first.modelVersion).toBe('gemini-2.0-flash');
    expect(first.responseId).toMatch(/^[A-Za-z0-9]{22}$/);
    expect(first.responseId).not.toBe(second.responseId);
    expect(first.candidates?.[0]?.finishReason).toBe('STOP');
    const usage = first.usageMetadata;
    expect(usage?.promptTokenCount).toBeGreaterThan(0);
    expect(usage?.candidatesTokenCount).toBeGreaterThan(0);
    expect(usage?.totalTokenCount).toBe((usage?.promptTokenCount ?? 0) + (usage?.candidatesTokenCount ?? 0));
    expect(usage?.thoughtsTokenCount).toBeUndefined();
    expect(usage?.cachedContentTokenCount).toBeUndefined();
  });

  it('streams over SSE the same text the non-streamed call returns, with cumulative usage', async () => {
    const request = { model: 'gemini-2.0-flash', contents: 'Tell me about tides and the moon' };
    const whole = await ai.models.generateContent(request);
    const chunks = [];
    for await (const chunk of await ai.models.generateContentStream(request)) chunks.push(chunk);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(whole.text);
    expect(chunks.at(-1)?.candidates?.[0]?.finishReason).toBe('STOP');
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(
      true,
    );
    expect(chunks.at(-1)?.usageMetadata).toEqual(whole.usageMetadata);
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
  });

  it('paces a stream when asked (x-sandbox-ttft-ms / tokens-per-second) without changing it', async () => {
    const request = { model: 'gemini-2.0-flash', contents: 'Pace this answer' };
    const whole = await ai.models.generateContent(request);
    const headers = { 'x-sandbox-ttft-ms': '5', 'x-sandbox-tokens-per-second': '4000' };
    let text = '';
    const stream = await ai.models.generateContentStream({
      ...request,
      config: { httpOptions: { headers } },
    });
    for await (const chunk of stream) text += chunk.text ?? '';
    expect(text).toBe(whole.text);
  });

  it('counts the same prompt tokens generateContent reports', async () => {
    const contents = [
      { role: 'user', parts: [{ text: 'What is the capital of Portugal?' }] },
      { role: 'model', parts: [{ text: 'Lisbon.' }] },
      { role: 'user', parts: [{ text: 'And its population?' }] },
    ];
    const counted = await ai.models.countTokens({ model: 'gemini-2.0-flash', contents });
    const answered = await ai.models.generateContent({ model: 'gemini-2.0-flash', contents });
    expect(counted.totalTokens).toBe(answered.usageMetadata?.promptTokenCount);
  });

  it('returns JSON valid against a responseSchema (OpenAPI subset, upper-case types)', async () => {
    const responseSchema = {
      type: Type.OBJECT,
      properties: {
        city: { type: Type.STRING },
        population: { type: Type.INTEGER, minimum: 0 },
        tags: { type: Type.ARRAY, items: { type: Type.STRING, enum: ['coast', 'capital'] } },
      },
      required: ['city', 'population', 'tags'],
    };
    const response = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Give me facts about Porto',
      config: { responseMimeType: 'application/json', responseSchema },
    });
    const value = JSON.parse(response.text ?? '');
    const jsonSchema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        population: { type: 'integer', minimum: 0 },
        tags: { type: 'array', items: { type: 'string', enum: ['coast', 'capital'] } },
      },
      required: ['city', 'population', 'tags'],
    };
    expect(checkJsonSchema(jsonSchema, value)).toEqual([]);
  });

  it('reports thinking tokens for 2.5 models, none with thinkingBudget 0, and a thought summary on request', async () => {
    const contents = 'Plan a three day trip';
    const thinking = await ai.models.generateContent({ model: 'gemini-2.5-flash', contents });
    const thoughts = thinking.usageMetadata?.thoughtsTokenCount ?? 0;
    expect(thoughts).toBeGreaterThan(0);
    expect(thinking.usageMetadata?.totalTokenCount).toBe(
      (thinking.usageMetadata?.promptTokenCount ?? 0) +
        (thinking.usageMetadata?.candidatesTokenCount ?? 0) +
        thoughts,
    );
    const off = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents,
      config: { thinkingConfig: { thinkingBudget: 0 } },
    });
    expect(off.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    const summary = await ai.models.generateContent({
      model: 'gemini-2.5-pro',
      contents,
      config: { thinkingConfig: { includeThoughts: true } },
    });
    const parts = summary.candidates?.[0]?.content?.parts ?? [];
    expect(parts[0]?.thought).toBe(true);
    expect(parts[1]?.thought).toBeUndefined();
    expect(summary.text).toBe(parts[1]?.text);
  });

  it('reports an implicit cache hit for a repeated long prefix on 2.5 Flash, never on 2.0', async () => {
    const ask = (model: string, question: string) =>
      ai.models.generateContent({ model, contents: question, config: { systemInstruction: LONG_PREFIX } });
    const first = await ask('gemini-2.5-flash', 'First question?');
    const second = await ask('gemini-2.5-flash', 'A different question?');
    expect(first.usageMetadata?.cachedContentTokenCount).toBeUndefined();
    const cached = second.usageMetadata?.cachedContentTokenCount ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached).toBeLessThanOrEqual(second.usageMetadata?.promptTokenCount ?? 0);
    await ask('gemini-2.0-flash', 'First question?');
    const old = await ask('gemini-2.0-flash', 'A different question?');
    expect(old.usageMetadata?.cachedContentTokenCount).toBeUndefined();
  });

  it('embeds through batchEmbedContents with outputDimensionality', async () => {
    const response = await ai.models.embedContent({
      model: 'text-embedding-004',
      contents: ['harbor lights at dusk', 'harbor lights at dawn', 'quarterly tax filing'],
    });
    const vectors = (response.embeddings ?? []).map((embedding) => embedding.values ?? []);
    expect(vectors.map((vector) => vector.length)).toEqual([768, 768, 768]);
    const cosine = (a: number[], b: number[]) =>
      a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);
    const [harborDusk = [], harborDawn = [], tax = []] = vectors;
    expect(cosine(harborDusk, harborDawn)).toBeGreaterThan(cosine(harborDusk, tax));
    const small = await ai.models.embedContent({
      model: 'gemini-embedding-001',
      contents: 'hello',
      config: { outputDimensionality: 256 },
    });
    expect(small.embeddings?.[0]?.values).toHaveLength(256);
  });

  it('lists models with their limits, page by page', async () => {
    const names: string[] = [];
    const pager = await ai.models.list({ config: { pageSize: 3 } });
    for await (const model of pager) names.push(model.name ?? '');
    expect(names).toContain('models/gemini-2.5-pro');
    expect(names).toContain('models/text-embedding-004');
    const pro = await ai.models.get({ model: 'gemini-1.5-pro' });
    expect(pro.inputTokenLimit).toBe(2_097_152);
    expect(pro.name).toBe('models/gemini-1.5-pro');
  });
});

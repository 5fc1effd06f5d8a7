import { encode } from 'gpt-tokenizer/encoding/cl100k_base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';

let sandbox: RunningSandbox;
let client: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
  client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const norm = (vector: readonly number[]) => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
const cosine = (a: readonly number[], b: readonly number[]) =>
  a.reduce((sum, value, index) => sum + value * (b[index] ?? 0), 0);

describe('embeddings (OpenAI SDK)', () => {
  it('returns unit vectors with the native size, decoded from base64 by the SDK by default', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['red apples', 'green pears'],
    });
    expect(response).toMatchObject({ object: 'list', model: 'text-embedding-3-small' });
    expect(response.data.map((item) => item.index)).toEqual([0, 1]);
    for (const item of response.data) {
      expect(item.embedding).toHaveLength(1536);
      expect(norm(item.embedding)).toBeCloseTo(1, 4);
    }
    const tokens = encode('red apples').length + encode('green pears').length;
    expect(response.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it('gives the same vector for float and base64 encodings, and for the same text every time', async () => {
    const float = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'a quiet harbor',
      encoding_format: 'float',
    });
    const base64 = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'a quiet harbor',
    });
    const floatVector = float.data[0]?.embedding ?? [];
    const base64Vector = base64.data[0]?.embedding ?? [];
    expect(floatVector).toHaveLength(3072);
    for (let index = 0; index < 3072; index += 97)
      expect(floatVector[index]).toBeCloseTo(base64Vector[index] ?? Number.NaN, 6);
    const raw = await client.embeddings.create({
      model: 'text-embedding-3-large',
      input: 'a quiet harbor',
      encoding_format: 'base64',
    });
    expect(typeof raw.data[0]?.embedding).toBe('string');
  });

  it('shortens to dimensions and renormalises, for text-embedding-3 only', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      dimensions: 256,
    });
    expect(response.data[0]?.embedding).toHaveLength(256);
    expect(norm(response.data[0]?.embedding ?? [])).toBeCloseTo(1, 4);
    const ada = client.embeddings.create({
      model: 'text-embedding-ada-002',
      input: 'hello',
      dimensions: 256,
    });
    await expect(ada).rejects.toMatchObject({ status: 400, param: 'dimensions' });
    const tooMany = client.embeddings.create({
      model: 'text-embedding-3-small',
      input: 'hello',
      dimensions: 5000,
    });
    await expect(tooMany).rejects.toMatchObject({ status: 400, param: 'dimensions' });
  });

  it('makes texts that share words more similar than unrelated texts', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: ['the cat sat on the mat', 'the cat sat on a mat today', 'quarterly revenue grew strongly'],
    });
    const [a, b, c] = response.data.map((item) => item.embedding);
    expect(cosine(a ?? [], b ?? [])).toBeGreaterThan(cosine(a ?? [], c ?? []) + 0.3);
  });

  it('accepts token-array input and refuses empty input', async () => {
    const response = await client.embeddings.create({
      model: 'text-embedding-3-small',
      input: [[15339, 1917]],
    });
    expect(response.usage.prompt_tokens).toBe(2);
    await expect(
      client.embeddings.create({ model: 'text-embedding-3-small', input: '' }),
    ).rejects.toMatchObject({ status: 400 });
  });

  it('refuses a chat model for embeddings and an embedding model for chat', async () => {
    await expect(client.embeddings.create({ model: 'gpt-4o', input: 'x' })).rejects.toMatchObject({
      status: 400,
      param: 'model',
    });
    const chat = client.chat.completions.create({
      model: 'text-embedding-3-small',
      messages: [{ role: 'user', content: 'x' }],
    });
    await expect(chat).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

describe('models (OpenAI SDK)', () => {
  it('lists every configured model and retrieves one', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'gpt-4o',
        'gpt-4o-mini',
        'gpt-4.1',
        'o3-mini',
        'text-embedding-3-small',
        'text-embedding-3-large',
      ]),
    );
    expect(await client.models.retrieve('gpt-4o')).toEqual({
      id: 'gpt-4o',
      object: 'model',
      created: 1715367049,
      owned_by: 'system',
    });
    await expect(client.models.retrieve('gpt-9')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });
});

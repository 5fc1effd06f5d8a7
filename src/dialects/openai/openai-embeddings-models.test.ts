import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { EmbedRequest } from '../../core/embed-request.js';
import {
  type DialectFixture,
  FULL_KEY,
  LIMITED_KEY,
  startDialectFixture,
} from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startDialectFixture('openai');
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = (apiKey = FULL_KEY) => new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey, maxRetries: 0 });
// Exactly representable as float32, so the base64 round trip must be exact.
const vectors = [
  [0.5, -0.25, 1.5, 0],
  [-2, 0.125, 3.75, 1e-3],
];

describe('POST /v1/embeddings through the OpenAI SDK', () => {
  it('answers the SDK default (base64 of little-endian float32), decoded by the SDK to the same numbers', async () => {
    fixture.provider.enqueue({ type: 'embed', embeddings: vectors, inputTokens: 6 });
    const { data, response } = await client()
      .embeddings.create({ model: 'text-embedding-3-small', input: ['alpha', 'beta'] })
      .withResponse();
    expect(data.data.map((item) => item.embedding)).toEqual([
      vectors[0],
      [-2, 0.125, 3.75, Math.fround(1e-3)],
    ]);
    expect(data).toMatchObject({
      object: 'list',
      model: 'scripted-model-2024-01-01',
      usage: { prompt_tokens: 6, total_tokens: 6 },
    });
    expect(data.data.map((item) => [item.object, item.index])).toEqual([
      ['embedding', 0],
      ['embedding', 1],
    ]);
    expect(fixture.provider.lastRequest<EmbedRequest>()).toEqual({
      model: 'text-embedding-3-small',
      input: ['alpha', 'beta'],
    });
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === response.headers.get('x-request-id'),
    );
    expect(row).toMatchObject({ status: 'ok', operation: 'embed', inputTokens: 6 });
  });

  it('answers floats when asked, and passes dimensions and user on', async () => {
    fixture.provider.enqueue({ type: 'embed', embeddings: [vectors[0] ?? []] });
    const response = await client().embeddings.create({
      model: 'text-embedding-3-small',
      input: 'alpha',
      encoding_format: 'float',
      dimensions: 4,
      user: 'u-1',
    });
    expect(response.data[0]?.embedding).toEqual(vectors[0]);
    expect(fixture.provider.lastRequest<EmbedRequest>()).toEqual({
      model: 'text-embedding-3-small',
      input: ['alpha'],
      dimensions: 4,
      user: 'u-1',
    });
  });

  it('accepts token-id inputs', async () => {
    await client().embeddings.create({ model: 'text-embedding-3-small', input: [1, 2, 3] });
    expect(fixture.provider.lastRequest<EmbedRequest>().input).toEqual([[1, 2, 3]]);
    await client().embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2], [3]] });
    expect(fixture.provider.lastRequest<EmbedRequest>().input).toEqual([[1, 2], [3]]);
  });

  it.each([
    ['', 'input', "Invalid 'input': expected a non-empty string."],
    [[], 'input', "Invalid 'input': expected a non-empty array."],
    [['ok', 3], 'input[1]', "Invalid type for 'input[1]': expected a string, but got an integer instead."],
  ])('refuses input %j with 400 naming %s', async (input, param, message) => {
    const error = await client()
      .embeddings.create({
        model: 'text-embedding-3-small',
        input: input as string[],
        encoding_format: 'float',
      })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error).toMatchObject({ code: 'invalid_request', param, error: { message } });
  });

  it('refuses a chat model for embeddings', async () => {
    const error = await client()
      .embeddings.create({ model: 'gpt-4o', input: 'x' })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ status: 400, code: 'invalid_request', param: 'model' });
  });
});

describe('GET /v1/models', () => {
  it('lists every model and alias for an unrestricted key', async () => {
    const models = await client().models.list();
    expect(models.data.map((model) => model.id)).toEqual([
      'gpt-4o',
      'smart',
      'gpt-4o-mini',
      'text-embedding-3-small',
    ]);
    expect(models.data[0]).toEqual({
      id: 'gpt-4o',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'converge',
    });
  });

  it('lists only the models a restricted key may use', async () => {
    const models = await client(LIMITED_KEY).models.list();
    expect(models.data.map((model) => model.id)).toEqual(['gpt-4o-mini']);
  });

  it('retrieves one model by name or alias, and 404s for unknown or forbidden ones', async () => {
    expect(await client().models.retrieve('smart')).toMatchObject({ id: 'smart', object: 'model' });
    const unknown = await client()
      .models.retrieve('gpt-4')
      .catch((caught: unknown) => caught);
    expect(unknown).toBeInstanceOf(OpenAI.NotFoundError);
    expect(unknown).toMatchObject({ code: 'model_not_found', param: 'model' });
    const forbidden = await client(LIMITED_KEY)
      .models.retrieve('gpt-4o')
      .catch((caught: unknown) => caught);
    expect(forbidden).toBeInstanceOf(OpenAI.NotFoundError);
    expect((forbidden as Error).message).toContain('`gpt-4o-mini`');
  });

  it('requires a valid key, and is not metered', async () => {
    const before = fixture.usageRows.length;
    const error = await client('sk-cvg-wrong-0000000000000000')
      .models.list()
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(error).toMatchObject({ code: 'invalid_api_key' });
    await client().models.list();
    expect(fixture.usageRows.length).toBe(before);
  });
});

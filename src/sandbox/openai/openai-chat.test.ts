import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { checkJsonSchema } from '../testing/check-json-schema.js';

let sandbox: RunningSandbox;
let client: OpenAI;

beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
  client = new OpenAI({ baseURL: `${sandbox.url}/v1`, apiKey: 'sk-sandbox', maxRetries: 0 });
});
afterAll(() => sandbox.close());

const ask = (content: string) => [{ role: 'user' as const, content }];

describe('chat completions (OpenAI SDK)', () => {
  it('answers non-streamed with the real response shape and consistent usage', async () => {
    const { data, response, request_id } = await client.chat.completions
      .create({
        model: 'gpt-4o',
        messages: [{ role: 'developer', content: 'Be brief.' }, ...ask('Describe Lisbon')],
      })
      .withResponse();
    expect(data).toMatchObject({
      object: 'chat.completion',
      model: 'gpt-4o-2024-08-06',
      service_tier: 'default',
    });
    expect(data.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(data.system_fingerprint).toMatch(/^fp_[0-9a-f]{10}$/);
    const [choice] = data.choices;
    expect(choice?.finish_reason).toBe('stop');
    expect(choice?.message).toMatchObject({ role: 'assistant', refusal: null });
    const text = choice?.message.content ?? '';
    expect(data.usage?.completion_tokens).toBe(encode(text).length);
    // 2 messages × 3 framing tokens + 3 reply primer + the text itself.
    expect(data.usage?.prompt_tokens).toBe(9 + encode('Be brief.').length + encode('Describe Lisbon').length);
    expect(data.usage?.total_tokens).toBe(
      (data.usage?.prompt_tokens ?? 0) + (data.usage?.completion_tokens ?? 0),
    );
    expect(request_id).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-version')).toBe('2020-10-01');
    expect(Number(response.headers.get('openai-processing-ms'))).toBeGreaterThanOrEqual(0);
    expect(response.headers.get('x-ratelimit-limit-requests')).toBe('10000');
    expect(response.headers.get('x-ratelimit-reset-requests')).toMatch(/^\d+(\.\d+)?(ms|s)$/);
  });

  it('is deterministic: same request → same text; another prompt or seed → another text', async () => {
    const text = async (content: string, seed?: number) =>
      (
        await client.chat.completions.create({
          model: 'gpt-4o',
          messages: ask(content),
          ...(seed === undefined ? {} : { seed }),
        })
      ).choices[0]?.message.content;
    const first = await text('What is a fjord?');
    expect(await text('What is a fjord?')).toBe(first);
    expect(await text('What is a glacier?')).not.toBe(first);
    expect(await text('What is a fjord?', 7)).not.toBe(first);
  });

  it('streams exactly the non-streamed text, one token per chunk, with usage when asked', async () => {
    const messages = ask('Tell me about harbors');
    const plain = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const stream = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const contentChunks = chunks.filter((chunk) => chunk.choices[0]?.delta.content);
    expect(contentChunks.map((chunk) => chunk.choices[0]?.delta.content).join('')).toBe(
      plain.choices[0]?.message.content,
    );
    expect(contentChunks).toHaveLength(plain.usage?.completion_tokens ?? -1);
    expect(chunks[0]?.choices[0]?.delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage).toEqual(plain.usage);
    expect(chunks.slice(0, -1).every((chunk) => chunk.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
  });

  it('sends no usage in a stream without include_usage', async () => {
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: ask('hi'),
      stream: true,
    });
    for await (const chunk of stream) {
      expect(chunk.usage).toBeUndefined();
      expect(chunk.choices).toHaveLength(1);
    }
  });

  it('stops at max_tokens with finish_reason length and completion_tokens equal to the cap', async () => {
    const response = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: ask('Write a long story'),
      max_tokens: 7,
    });
    expect(response.choices[0]?.finish_reason).toBe('length');
    expect(response.usage?.completion_tokens).toBe(7);
    expect(encode(response.choices[0]?.message.content ?? '')).toHaveLength(7);
  });

  it('cuts before a stop sequence', async () => {
    const messages = ask('Explain rivers');
    const natural =
      (await client.chat.completions.create({ model: 'gpt-4o', messages })).choices[0]?.message.content ?? '';
    const stop = ` ${natural.split(' ')[3]}`;
    const response = await client.chat.completions.create({
      model: 'gpt-4o',
      messages,
      stop: [stop, 'zzz-never'],
    });
    expect(response.choices[0]?.message.content).toBe(natural.slice(0, natural.indexOf(stop)));
    expect(response.choices[0]?.finish_reason).toBe('stop');
  });

  it('returns n distinct choices', async () => {
    const response = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: ask('Name a color'),
      n: 3,
    });
    expect(response.choices.map((choice) => choice.index)).toEqual([0, 1, 2]);
    expect(new Set(response.choices.map((choice) => choice.message.content)).size).toBe(3);
    const sum = response.choices.reduce(
      (total, choice) => total + encode(choice.message.content ?? '').length,
      0,
    );
    expect(response.usage?.completion_tokens).toBe(sum);
  });

  it('answers json_schema with JSON valid against the schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        population: { type: 'integer', minimum: 0 },
        tags: { type: 'array', items: { type: 'string' }, minItems: 1 },
        climate: { type: 'string', enum: ['dry', 'wet'] },
      },
      required: ['city', 'population', 'tags', 'climate'],
      additionalProperties: false,
    };
    const response = await client.chat.completions.create({
      model: 'gpt-4.1',
      messages: ask('Describe Porto as data'),
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema, strict: true } },
    });
    const parsed = JSON.parse(response.choices[0]?.message.content ?? '');
    expect(checkJsonSchema(schema, parsed)).toEqual([]);
  });

  it('answers json_object with a JSON object, and requires the word json in the messages', async () => {
    const response = await client.chat.completions.create({
      model: 'gpt-4o',
      messages: ask('Reply in JSON'),
      response_format: { type: 'json_object' },
    });
    expect(typeof JSON.parse(response.choices[0]?.message.content ?? '')).toBe('object');
    const refused = client.chat.completions.create({
      model: 'gpt-4o',
      messages: ask('Reply please'),
      response_format: { type: 'json_object' },
    });
    await expect(refused).rejects.toMatchObject({ status: 400, param: 'messages' });
  });

  it('reports reasoning tokens for o3-mini within max_completion_tokens', async () => {
    const response = await client.chat.completions.create({
      model: 'o3-mini',
      messages: ask('Think about primes'),
      max_completion_tokens: 5000,
    });
    const reasoning = response.usage?.completion_tokens_details?.reasoning_tokens ?? 0;
    expect(response.model).toBe('o3-mini-2025-01-31');
    expect(reasoning).toBeGreaterThan(0);
    expect(response.usage?.completion_tokens).toBe(
      reasoning + encode(response.choices[0]?.message.content ?? '').length,
    );
  });

  it('rejects max_tokens and temperature on o3-mini with BadRequestError unsupported_parameter', async () => {
    const withMaxTokens = client.chat.completions.create({
      model: 'o3-mini',
      messages: ask('x'),
      max_tokens: 10,
    });
    await expect(withMaxTokens).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    await expect(withMaxTokens).rejects.toMatchObject({ code: 'unsupported_parameter', param: 'max_tokens' });
    const withTemperature = client.chat.completions.create({
      model: 'o3-mini',
      messages: ask('x'),
      temperature: 0.2,
    });
    await expect(withTemperature).rejects.toMatchObject({
      status: 400,
      code: 'unsupported_parameter',
      param: 'temperature',
    });
  });

  it('reports cached tokens for a repeated prompt of at least 1024 tokens', async () => {
    const longPrompt = 'The quick brown fox jumps over the lazy dog. '.repeat(150);
    const messages = [{ role: 'system' as const, content: longPrompt }, ...ask('Summarise')];
    const first = await client.chat.completions.create({ model: 'gpt-4o', messages });
    const second = await client.chat.completions.create({ model: 'gpt-4o', messages });
    expect(first.usage?.prompt_tokens).toBeGreaterThan(1024);
    expect(first.usage?.prompt_tokens_details?.cached_tokens).toBe(0);
    const cached = second.usage?.prompt_tokens_details?.cached_tokens ?? 0;
    expect(cached).toBeGreaterThanOrEqual(1024);
    expect(cached % 128).toBe(0);
    expect(cached).toBeLessThanOrEqual(second.usage?.prompt_tokens ?? 0);
  });

  it('counts image parts as fixed token blocks by detail', async () => {
    const image = (detail: 'low' | 'high') => [
      {
        role: 'user' as const,
        content: [{ type: 'image_url' as const, image_url: { url: 'data:image/png;base64,AAAA', detail } }],
      },
    ];
    const low = await client.chat.completions.create({ model: 'gpt-4o', messages: image('low') });
    const high = await client.chat.completions.create({ model: 'gpt-4o', messages: image('high') });
    expect((high.usage?.prompt_tokens ?? 0) - (low.usage?.prompt_tokens ?? 0)).toBe(765 - 85);
  });
});

import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  type DialectFixture,
  FULL_KEY,
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

const client = () => new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey: FULL_KEY, maxRetries: 0 });

describe('chat completion inputs through the OpenAI SDK', () => {
  it('passes json_schema and json_object response formats to the provider', async () => {
    const schema = {
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    };
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'A city' }],
      response_format: {
        type: 'json_schema',
        json_schema: { name: 'city', description: 'A city', schema, strict: true },
      },
    });
    expect(fixture.provider.lastRequest().responseFormat).toEqual({
      type: 'json-schema',
      name: 'city',
      description: 'A city',
      schema,
      strict: true,
    });
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [{ role: 'user', content: 'JSON please' }],
      response_format: { type: 'json_object' },
    });
    expect(fixture.provider.lastRequest().responseFormat).toEqual({ type: 'json' });
  });

  it('parses image, audio and file parts', async () => {
    await client().chat.completions.create({
      model: 'gpt-4o',
      messages: [
        {
          role: 'user',
          content: [
            { type: 'text', text: 'What is in these?' },
            { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=', detail: 'low' } },
            { type: 'image_url', image_url: { url: 'https://example.com/cat.jpg' } },
            { type: 'input_audio', input_audio: { data: 'UklGRg==', format: 'wav' } },
            { type: 'file', file: { file_data: 'data:application/pdf;base64,JVBERi0=', filename: 'a.pdf' } },
          ],
        },
      ],
    });
    expect(fixture.provider.lastRequest().messages[0]).toEqual({
      role: 'user',
      content: [
        { type: 'text', text: 'What is in these?' },
        {
          type: 'image',
          source: { type: 'base64', mediaType: 'image/png', data: 'iVBORw0KGgo=' },
          detail: 'low',
        },
        { type: 'image', source: { type: 'url', url: 'https://example.com/cat.jpg' } },
        { type: 'audio', data: 'UklGRg==', format: 'wav' },
        {
          type: 'document',
          source: { type: 'base64', mediaType: 'application/pdf', data: 'JVBERi0=' },
          name: 'a.pdf',
        },
      ],
    });
  });
});

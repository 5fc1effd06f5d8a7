import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ANTHROPIC_KEY,
  LIMITED_ANTHROPIC_KEY,
  startAnthropicFixture,
} from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(() => fixture.close());

const client = (apiKey = ANTHROPIC_KEY) => new Anthropic({ baseURL: fixture.url, apiKey, maxRetries: 0 });

describe('models through the Anthropic SDK (GET /v1/models, shared with OpenAI)', () => {
  it('lists the names and aliases the key may use, in Anthropic’s shape, across pages', async () => {
    const all: Anthropic.ModelInfo[] = [];
    for await (const model of client().models.list({ limit: 1 })) all.push(model);
    expect(all.map((model) => model.id)).toEqual([
      'claude-sonnet-4-6',
      'sonnet',
      'claude-haiku-4-5',
      'text-embedding-3-small',
    ]);
    expect(all[0]).toEqual({
      type: 'model',
      id: 'claude-sonnet-4-6',
      display_name: 'claude-sonnet-4-6',
      created_at: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
    });
    const page = await client().models.list({ limit: 2 });
    expect(page.data.map((model) => model.id)).toEqual(['claude-sonnet-4-6', 'sonnet']);
    expect(page.has_more).toBe(true);
    const before = await client().models.list({ before_id: 'text-embedding-3-small', limit: 2 });
    expect(before.data.map((model) => model.id)).toEqual(['sonnet', 'claude-haiku-4-5']);
  });

  it('narrows to a limited key and retrieves one model by name or alias', async () => {
    const limited = await client(LIMITED_ANTHROPIC_KEY).models.list();
    expect(limited.data.map((model) => model.id)).toEqual(['claude-haiku-4-5']);
    expect(limited.has_more).toBe(false);
    expect((await client().models.retrieve('sonnet')).id).toBe('sonnet');
    const hidden = client(LIMITED_ANTHROPIC_KEY).models.retrieve('claude-sonnet-4-6');
    await expect(hidden).rejects.toBeInstanceOf(Anthropic.NotFoundError);
    await expect(hidden).rejects.toMatchObject({
      error: { type: 'error', error: { type: 'not_found_error' } },
    });
  });

  it('refuses a wrong key and a bad limit in Anthropic’s error shape', async () => {
    await expect(client('sk-cvg-wrong-key-000000000000').models.list()).rejects.toBeInstanceOf(
      Anthropic.AuthenticationError,
    );
    await expect(client().models.list({ limit: 0 })).rejects.toMatchObject({
      status: 400,
      error: { error: { type: 'invalid_request_error' } },
    });
  });

  it('still answers the OpenAI SDK on the same path in OpenAI’s shape', async () => {
    const openai = new OpenAI({ baseURL: `${fixture.url}/v1`, apiKey: ANTHROPIC_KEY, maxRetries: 0 });
    const models = await openai.models.list();
    expect(models.data[0]).toMatchObject({ object: 'model', id: 'claude-sonnet-4-6', owned_by: 'converge' });
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANTHROPIC_KEY, startAnthropicFixture } from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(async () => {
  await fixture?.close();
});

const valid = { model: 'claude-sonnet-4-6', max_tokens: 16, messages: [{ role: 'user', content: 'Hi' }] };

type ErrorBody = { type: string; error: { type: string; message: string }; request_id: string };

async function post(path: string, body: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${fixture.url}${path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'x-api-key': ANTHROPIC_KEY,
      'anthropic-version': '2023-06-01',
      ...headers,
    },
    body,
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as ErrorBody };
}

describe('Anthropic request headers', () => {
  it('a missing anthropic-version → 400; a bad key is refused before it is checked', async () => {
    const missing = await post('/v1/messages', JSON.stringify(valid), { 'anthropic-version': '' });
    expect([missing.status, missing.body.error]).toEqual([
      400,
      { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    ]);
    const malformed = await post('/v1/messages', JSON.stringify(valid), { 'anthropic-version': 'latest' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.message).toContain('anthropic-version: invalid version');
    const badKey = await post('/v1/messages', JSON.stringify(valid), {
      'anthropic-version': '',
      'x-api-key': 'sk-cvg-wrong-000000000000',
    });
    expect([badKey.status, badKey.body.error.type]).toEqual([401, 'authentication_error']);
  });
});

describe('routing next to the OpenAI dialect under /v1', () => {
  it('answers wrong methods and unknown paths under /v1/messages in Anthropic’s shape', async () => {
    const wrongMethod = await fetch(`${fixture.url}/v1/messages`, {
      headers: { 'x-api-key': ANTHROPIC_KEY },
    });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    expect(((await wrongMethod.json()) as ErrorBody).error.type).toBe('invalid_request_error');
    const batches = await post('/v1/messages/batches', '{}');
    expect([batches.status, batches.body.type, batches.body.error.type]).toEqual([
      404,
      'error',
      'not_found_error',
    ]);
  });

  it('leaves every other /v1 path to the OpenAI dialect', async () => {
    const response = await fetch(`${fixture.url}/v1/completions`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({
      error: { code: 'not_found', type: 'invalid_request_error' },
    });
  });
});

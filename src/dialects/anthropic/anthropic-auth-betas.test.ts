import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ANTHROPIC_KEY, startAnthropicFixture } from '../../test-support/start-anthropic-fixture.js';
import type { DialectFixture } from '../../test-support/start-dialect-fixture.js';

let fixture: DialectFixture;
beforeAll(async () => {
  fixture = await startAnthropicFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const client = (options: ConstructorParameters<typeof Anthropic>[0] = {}) =>
  new Anthropic({ baseURL: fixture.url, apiKey: ANTHROPIC_KEY, maxRetries: 0, ...options });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hi' }];

describe('auth headers, betas and the beta namespace', () => {
  it('accepts Authorization: Bearer (authToken) and x-api-key', async () => {
    const bearer = await client({ apiKey: null, authToken: ANTHROPIC_KEY }).messages.create({
      model,
      max_tokens: 16,
      messages: hello,
    });
    expect(bearer.type).toBe('message');
    const apiKeyClient = client({ defaultHeaders: { 'x-api-key': ANTHROPIC_KEY, authorization: null } });
    const viaHeader = await apiKeyClient.messages.create({ model, max_tokens: 16, messages: hello });
    expect(viaHeader.type).toBe('message');
    expect(fixture.provider.calls).toHaveLength(2);
  });

  it('serves client.beta.messages and passes anthropic-beta on as betas', async () => {
    const message = await client().beta.messages.create({
      model,
      max_tokens: 16,
      messages: hello,
      betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'],
    });
    expect(message.content).toEqual([{ type: 'text', text: 'Hello world', citations: null }]);
    expect(fixture.provider.lastRequest().providerOptions).toEqual({
      anthropic: { betas: ['interleaved-thinking-2025-05-14', 'context-1m-2025-08-07'] },
    });
  });

  it('accepts the ?beta=true query older SDKs add, and repeated or comma-joined anthropic-beta headers', async () => {
    const headers = new Headers({
      'content-type': 'application/json',
      'x-api-key': ANTHROPIC_KEY,
      'anthropic-version': '2023-06-01',
    });
    headers.append('anthropic-beta', 'prompt-caching-2024-07-31, context-1m-2025-08-07');
    headers.append('anthropic-beta', 'prompt-caching-2024-07-31');
    const response = await fetch(`${fixture.url}/v1/messages?beta=true`, {
      method: 'POST',
      headers,
      body: JSON.stringify({ model, max_tokens: 16, messages: hello }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as { type: string }).type).toBe('message');
    expect(fixture.provider.lastRequest().providerOptions).toEqual({
      anthropic: { betas: ['prompt-caching-2024-07-31', 'context-1m-2025-08-07'] },
    });
  });
});

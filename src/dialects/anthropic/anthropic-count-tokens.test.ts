import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { countTextTokens } from '../../pipeline/accounting/estimate-tokens.js';
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

const client = (apiKey = ANTHROPIC_KEY) => new Anthropic({ baseURL: fixture.url, apiKey, maxRetries: 0 });
const model = 'claude-sonnet-4-6';
const hello: Anthropic.MessageParam[] = [{ role: 'user', content: 'Hello world' }];

async function failure(call: Promise<unknown>): Promise<InstanceType<typeof Anthropic.APIError>> {
  const thrown = await call.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(thrown instanceof Anthropic.APIError)) throw new Error(`expected an APIError, got ${String(thrown)}`);
  return thrown;
}

describe('POST /v1/messages/count_tokens', () => {
  it('estimates locally with o200k, says so, and neither calls a provider nor records usage', async () => {
    const { data, response } = await client().messages.countTokens({ model, messages: hello }).withResponse();
    // Three tokens of framing for the prompt and three per message, plus the text itself.
    expect(data).toEqual({ input_tokens: 6 + (await countTextTokens('Hello world')) });
    expect(response.headers.get('x-converge-token-count')).toBe('estimate; tokenizer=o200k_base');
    expect(response.headers.get('request-id')).toMatch(/^req_/);
    expect(fixture.provider.calls).toHaveLength(0);
    const requestId = response.headers.get('x-converge-request-id');
    expect(fixture.usageRows.some((row) => row.requestId === requestId)).toBe(false);
  });

  it('counts the system prompt, documents and tool definitions too', async () => {
    const plain = (await client().messages.countTokens({ model, messages: hello })).input_tokens;
    const withSystem = await client().messages.countTokens({
      model,
      system: 'You are terse.',
      messages: hello,
    });
    expect(withSystem.input_tokens).toBe(plain + 3 + (await countTextTokens('You are terse.')));
    const withTool = await client().messages.countTokens({
      model,
      messages: hello,
      tools: [
        { name: 'get_weather', input_schema: { type: 'object', properties: { city: { type: 'string' } } } },
      ],
    });
    expect(withTool.input_tokens).toBeGreaterThan(plain + 5);
    const withDocument = await client().messages.countTokens({
      model,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'document', source: { type: 'text', media_type: 'text/plain', data: 'A long report.' } },
            { type: 'text', text: 'Hello world' },
          ],
        },
      ],
    });
    expect(withDocument.input_tokens).toBe(plain + (await countTextTokens('A long report.')));
  });

  it('works from the beta namespace (which adds its own anthropic-beta flag)', async () => {
    const counted = await client().beta.messages.countTokens({ model, messages: hello });
    expect(counted.input_tokens).toBeGreaterThan(0);
  });

  it('refuses like /v1/messages: unknown model 404, bad key 401, bad body 400, missing version 400', async () => {
    const unknown = await failure(
      client().messages.countTokens({ model: 'claude-sonet-4-6', messages: hello }),
    );
    expect(unknown).toBeInstanceOf(Anthropic.NotFoundError);
    expect(unknown.apiMessage).toContain('Did you mean `claude-sonnet-4-6`');
    const wrongKey = await failure(
      client('sk-cvg-wrong-key-00000000000000').messages.countTokens({ model, messages: hello }),
    );
    expect([wrongKey.status, wrongKey.type]).toEqual([401, 'authentication_error']);
    const badBody = await failure(
      client().messages.countTokens({
        model,
        messages: 'hi',
      } as unknown as Anthropic.MessageCountTokensParams),
    );
    expect([badBody.status, badBody.apiMessage]).toEqual([400, 'messages: Input should be a valid list']);
    const response = await fetch(`${fixture.url}/v1/messages/count_tokens`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': ANTHROPIC_KEY },
      body: JSON.stringify({ model, messages: hello }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'anthropic-version: header is required' },
    });
  });
});

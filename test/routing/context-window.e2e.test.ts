import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { metricValue, type RoutingGateway, SANDBOX_AZURE_KEY, startRoutingGateway } from './routing-stack.js';

const KEY = 'sk-cvg-routing-context-0123456789ab';
// ' a' is one o200k token: ~140 000 tokens, more than gpt-4o's 128 000, well inside gpt-4.1's window.
const HUGE = ' a'.repeat(140_000);

describe('context-window filter (issue #5 e)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;
  let client: OpenAI;

  beforeAll(async () => {
    sandbox = await startSandbox({
      latency: 'zero',
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: { 'gpt-4o': { model: 'gpt-4o' }, 'gpt-4.1': { model: 'gpt-4.1' } },
      },
    });
    stack = await startRoutingGateway({
      config: {
        providers: { azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY } },
        deployments: {
          small: { provider: 'azure', model: 'gpt-4o', contextWindow: 128_000 },
          large: { provider: 'azure', model: 'gpt-4.1', contextWindow: 1_047_576 },
          // The same upstream, but the gateway is not told its window.
          'small-unknown': { provider: 'azure', model: 'gpt-4o' },
        },
        models: {
          long: { deployments: ['small', 'large'] },
          short: { deployments: ['small'] },
          blind: { deployments: ['small-unknown', 'large'] },
        },
        keys: [{ name: 'context', key: KEY }],
      },
      bodyLimitBytes: 4 * 1024 * 1024,
    });
    client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  async function rowOf(response: Response) {
    const requestId = response.headers.get('x-converge-request-id');
    return stack.waitForRow((row) => row.requestId === requestId);
  }

  it('an ordinary prompt goes to the first candidate', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'long', messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    expect(response.headers.get('x-converge-target')).toBe('azure/small/global');
  });

  it('a prompt too big for gpt-4o (128k) skips it and runs on gpt-4.1 (1M), without calling gpt-4o', async () => {
    sandbox.resetStats();
    const { data, response } = await client.chat.completions
      .create({ model: 'long', max_tokens: 16, messages: [{ role: 'user', content: HUGE }] })
      .withResponse();
    expect(data.usage?.prompt_tokens).toBeGreaterThan(128_000);
    expect(response.headers.get('x-converge-target')).toBe('azure/large/global');
    expect((await rowOf(response)).attempts.map((attempt) => attempt.deployment)).toEqual(['large']);
    expect(sandbox.stats()['azure']?.['gpt-4o']).toBeUndefined();
  });

  it('when nothing fits: 400 context_length_exceeded naming the limit, and no upstream call', async () => {
    sandbox.resetStats();
    const error = await client.chat.completions
      .create({ model: 'short', max_tokens: 16, messages: [{ role: 'user', content: HUGE }] })
      .then(
        () => undefined,
        (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
      );
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect(error?.code).toBe('context_length_exceeded');
    expect(error?.message).toContain('128000 tokens');
    expect(sandbox.stats()).toEqual({});
  });

  it('a window the gateway does not know: the provider’s own context_length_exceeded moves the request on', async () => {
    const { response } = await client.chat.completions
      .create({ model: 'blind', max_tokens: 16, messages: [{ role: 'user', content: HUGE }] })
      .withResponse();
    expect(response.headers.get('x-converge-target')).toBe('azure/large/global');
    const row = await rowOf(response);
    expect(row.attempts.map((attempt) => [attempt.deployment, attempt.errorCode])).toEqual([
      ['small-unknown', 'context_length_exceeded'],
      ['large', undefined],
    ]);
    const moved = { model: 'blind', from: 'small-unknown', to: 'large', reason: 'context_length' };
    expect(await metricValue(stack.metrics, 'converge_fallbacks_total', moved)).toBe(1);
  });
});

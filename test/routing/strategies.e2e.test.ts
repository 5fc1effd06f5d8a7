import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import { type RoutingGateway, SANDBOX_AZURE_KEY, startRoutingGateway } from './routing-stack.js';

const STEER_KEY = 'sk-cvg-routing-steer-0123456789abcd';
const PLAIN_KEY = 'sk-cvg-routing-plain-0123456789abcd';
const messages = [{ role: 'user' as const, content: 'Which deployment answers?' }];

async function targetOf(client: OpenAI, model: string, headers: Record<string, string> = {}, maxTokens = 10) {
  const { response } = await client.chat.completions
    .create({ model, messages, max_tokens: maxTokens }, { headers })
    .withResponse();
  return response.headers.get('x-converge-target')?.split('/')[1];
}

async function failure(promise: Promise<unknown>) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OpenAI.APIError);
  return error as InstanceType<typeof OpenAI.APIError>;
}

describe('lowest-cost and per-request overrides (issue #5 f)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;
  let steer: OpenAI;

  beforeAll(async () => {
    sandbox = await startSandbox({
      latency: 'zero',
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: {
          premium: { model: 'gpt-4o-mini' },
          budget: { model: 'gpt-4o-mini' },
          unpriced: { model: 'gpt-4o-mini' },
        },
      },
    });
    stack = await startRoutingGateway({
      config: {
        providers: { azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY } },
        deployments: {
          unpriced: { provider: 'azure', model: 'unpriced' },
          premium: { provider: 'azure', model: 'premium', price: { input: 5, output: 15 } },
          budget: { provider: 'azure', model: 'budget', price: { input: 0.15, output: 0.6 } },
        },
        models: { cheap: { strategy: 'lowest-cost', deployments: ['unpriced', 'premium', 'budget'] } },
        keys: [
          { name: 'steer', key: STEER_KEY, allowRouteOverride: true },
          { name: 'plain', key: PLAIN_KEY },
        ],
      },
    });
    steer = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: STEER_KEY, maxRetries: 0 });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('lowest-cost picks the cheapest priced deployment; unknown prices come last', async () => {
    expect(await targetOf(steer, 'cheap')).toBe('budget');
  });

  it('x-converge-route restricts and orders the candidates for a key allowed to steer', async () => {
    expect(await targetOf(steer, 'cheap', { 'x-converge-route': 'premium' })).toBe('premium');
    expect(await targetOf(steer, 'cheap', { 'x-converge-route': 'unpriced,budget' })).toBe('unpriced');
    const error = await failure(
      steer.chat.completions.create(
        { model: 'cheap', messages },
        { headers: { 'x-converge-route': 'nowhere' } },
      ),
    );
    expect([error.status, error.code]).toEqual([400, 'invalid_request']);
    expect(error.message).toContain('`nowhere`');
  });

  it('x-converge-max-cost-usd drops deployments whose estimate is higher (and those with no price)', async () => {
    // ~20 prompt tokens + 10 output: budget ≈ $0.000009, premium ≈ $0.00025.
    const headers = { 'x-converge-route': 'premium,unpriced,budget', 'x-converge-max-cost-usd': '0.00005' };
    expect(await targetOf(steer, 'cheap', headers)).toBe('budget');
    const error = await failure(
      steer.chat.completions.create(
        { model: 'cheap', messages, max_tokens: 10 },
        { headers: { 'x-converge-max-cost-usd': '0.0000001' } },
      ),
    );
    expect([error.status, error.code]).toEqual([400, 'invalid_request']);
  });

  it('a key without the right gets 403 for either header, never a silently ignored override', async () => {
    const plain = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: PLAIN_KEY, maxRetries: 0 });
    for (const headers of [{ 'x-converge-route': 'premium' }, { 'x-converge-max-cost-usd': '1' }]) {
      const error = await failure(plain.chat.completions.create({ model: 'cheap', messages }, { headers }));
      expect([error.status, error.code]).toEqual([403, 'permission_denied']);
    }
  });
});

describe('least-latency (issue #5 f)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;

  beforeAll(async () => {
    // Realistic pacing with controlled profiles: gpt-4o answers after 150 ms, gpt-4o-mini at once.
    sandbox = await startSandbox({
      latency: 'realistic',
      models: {
        'gpt-4o': { ttftMs: 150, tokensPerSecond: 0 },
        'gpt-4o-mini': { ttftMs: 0, tokensPerSecond: 0 },
      },
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: { slow: { model: 'gpt-4o' }, fast: { model: 'gpt-4o-mini' } },
      },
    });
    stack = await startRoutingGateway({
      config: {
        providers: { azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY } },
        deployments: {
          slow: { provider: 'azure', model: 'slow' },
          fast: { provider: 'azure', model: 'fast' },
        },
        models: { quick: { strategy: 'least-latency', deployments: ['slow', 'fast'] } },
        keys: [{ name: 'steer', key: STEER_KEY }],
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('measures each deployment once, then sends traffic to the one with the lower measured latency', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: STEER_KEY, maxRetries: 0 });
    const targets: Array<string | undefined> = [];
    for (let index = 0; index < 6; index++) targets.push(await targetOf(client, 'quick'));
    expect(targets).toEqual(['slow', 'fast', 'fast', 'fast', 'fast', 'fast']);
    const averages = stack.registry.routing.latency.snapshot();
    expect(averages['slow']?.ttftMs).toBeGreaterThanOrEqual(150);
  });
});

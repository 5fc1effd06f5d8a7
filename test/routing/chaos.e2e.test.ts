import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  metricValue,
  type RoutingGateway,
  SANDBOX_AZURE_KEY,
  startRoutingGateway,
  startSwitchableProxy,
} from './routing-stack.js';

const KEY = 'sk-cvg-routing-chaos-0123456789abcd';
const REQUESTS = 2_000;
const CONCURRENCY = 16;

describe('chaos: 30 % injected 500s and 10 % timeouts on three deployments (issue #5 c)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;

  beforeAll(async () => {
    sandbox = await startSandbox({
      latency: 'zero',
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: {
          a: { model: 'gpt-4o-mini' },
          b: { model: 'gpt-4o-mini' },
          c: { model: 'gpt-4o-mini' },
        },
      },
      faults: { rate: { '500': 0.3, timeout: 0.1 }, seed: 5 },
    });
    stack = await startRoutingGateway({
      config: {
        providers: { azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY } },
        deployments: {
          a: { provider: 'azure', model: 'a' },
          b: { provider: 'azure', model: 'b' },
          c: { provider: 'azure', model: 'c' },
        },
        models: { 'gpt-4o-mini': { deployments: ['a', 'b', 'c'] } },
        keys: [{ name: 'chaos', key: KEY }],
        routing: {
          // Up to 15 attempts: P(all fail) = 0.4^15 ≈ 1e-6 per request.
          retries: { attemptsPerTarget: 5, baseDelayMs: 1, maxDelayMs: 20 },
          // The sandbox's `timeout` fault never answers: a short per-attempt deadline turns it into a retry.
          timeouts: { firstTokenMs: 300 },
          // 40 % failures is the weather here, not an outage: only a long run of failures may open a breaker.
          breaker: { consecutiveFailures: 25, failureRate: 0.9 },
        },
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('2,000 requests (half streamed): zero client errors, each recorded once with all its attempts', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const failures: unknown[] = [];
    let next = 0;
    async function worker(): Promise<void> {
      while (next < REQUESTS) {
        const index = next++;
        const messages = [{ role: 'user' as const, content: `Chaos request ${index}` }];
        try {
          if (index % 2 === 0) {
            const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages });
            expect(completion.choices[0]?.message.content).toBeTruthy();
          } else {
            const stream = await client.chat.completions.create({
              model: 'gpt-4o-mini',
              messages,
              stream: true,
            });
            let text = '';
            for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
            expect(text).not.toBe('');
          }
        } catch (error: unknown) {
          failures.push(error);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);

    const rows = await stack.waitForRows(REQUESTS);
    expect(rows).toHaveLength(REQUESTS);
    expect(new Set(rows.map((row) => row.requestId)).size).toBe(REQUESTS);
    expect(rows.every((row) => row.status === 'ok')).toBe(true);
    for (const row of rows) {
      expect(row.attempts.at(-1)?.status).toBe('ok');
      expect(row.attempts.at(-1)?.deployment).toBe(row.deployment);
      for (const attempt of row.attempts.slice(0, -1)) {
        expect(attempt.status).toBe('error');
        expect(['upstream_error', 'upstream_timeout']).toContain(attempt.errorCode);
      }
    }
    // Every attempt the rows list reached the sandbox, and nothing else did.
    const stats = sandbox.stats()['azure'] ?? {};
    const served = Object.values(stats).reduce((sum, target) => sum + target.requests + target.faults, 0);
    const attempts = rows.reduce((sum, row) => sum + row.attempts.length, 0);
    expect(attempts).toBe(served);
    const faults = Object.values(stats).reduce((sum, target) => sum + target.faults, 0);
    expect(faults / attempts).toBeGreaterThan(0.3);
    // Every failed attempt moved the request on to another deployment, and was counted.
    const fallbacks = await metricValue(stack.metrics, 'converge_fallbacks_total', { model: 'gpt-4o-mini' });
    expect(fallbacks).toBe(attempts - REQUESTS);
  }, 120_000);
});

describe('circuit breaker: a deployment that fails hard opens, then recovers through half-open', () => {
  let sandbox: RunningSandbox;
  let proxy: Awaited<ReturnType<typeof startSwitchableProxy>>;
  let stack: RoutingGateway;
  const clock = { now: Date.parse('2025-01-01T00:00:00Z') };

  beforeAll(async () => {
    sandbox = await startSandbox({
      latency: 'zero',
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        deployments: { flaky: { model: 'gpt-4o' }, steady: { model: 'gpt-4o' } },
      },
    });
    proxy = await startSwitchableProxy(sandbox.port);
    stack = await startRoutingGateway({
      config: {
        providers: {
          behindProxy: { type: 'azure-openai', endpoint: proxy.url, apiKey: SANDBOX_AZURE_KEY },
          direct: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY },
        },
        deployments: {
          flaky: { provider: 'behindProxy', model: 'flaky' },
          steady: { provider: 'direct', model: 'steady' },
        },
        models: { 'gpt-4o': { deployments: ['flaky', 'steady'] }, 'flaky-only': { deployments: ['flaky'] } },
        keys: [{ name: 'breaker', key: KEY }],
        routing: { breaker: { consecutiveFailures: 3, openMs: 30_000 } },
      },
      routing: { clock: () => clock.now },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await proxy?.close();
    await sandbox?.close();
  });

  async function ask(model = 'gpt-4o') {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const { response } = await client.chat.completions
      .create({ model, messages: [{ role: 'user', content: 'ping' }] })
      .withResponse();
    const requestId = response.headers.get('x-converge-request-id');
    const row = await stack.waitForRow((candidate) => candidate.requestId === requestId);
    return row.attempts.map((attempt) => `${attempt.deployment}:${attempt.status}`);
  }

  async function breakerOf(deployment: string): Promise<string | undefined> {
    const readiness = (await (await fetch(`${stack.url}/readyz`)).json()) as {
      breakers: Record<string, { state: string }>;
    };
    return readiness.breakers[deployment]?.state;
  }

  const transitions = (to: string) =>
    metricValue(stack.metrics, 'converge_breaker_transitions_total', { deployment: 'flaky', to });

  it('opens after consecutive failures, is skipped while open, and closes after a successful probe', async () => {
    for (let index = 0; index < 3; index++) expect(await ask()).toEqual(['flaky:error', 'steady:ok']);
    expect(await breakerOf('flaky')).toBe('open');
    expect(await transitions('open')).toBe(1);
    expect(await metricValue(stack.metrics, 'converge_breaker_state', { deployment: 'flaky' })).toBe(1);

    // Open: the deployment is not even tried, though it is reachable again.
    proxy.up = true;
    expect(await ask()).toEqual(['steady:ok']);
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const refused = await client.chat.completions
      .create({ model: 'flaky-only', messages: [{ role: 'user', content: 'ping' }] })
      .then(
        () => undefined,
        (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>,
      );
    expect([refused?.status, refused?.code]).toEqual([503, 'no_eligible_target']);
    expect(Number(refused?.headers?.get('retry-after'))).toBe(30);

    // The open period elapses: one probe goes through, succeeds, and closes the breaker.
    clock.now += 30_000;
    expect(await breakerOf('flaky')).toBe('open');
    expect(await ask()).toEqual(['flaky:ok']);
    expect(await breakerOf('flaky')).toBe('closed');
    expect([await transitions('half-open'), await transitions('closed')]).toEqual([1, 1]);
    expect(await metricValue(stack.metrics, 'converge_breaker_state', { deployment: 'flaky' })).toBe(0);
  });
});

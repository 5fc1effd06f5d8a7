import pino from 'pino';
import { describe, expect, it } from 'vitest';
import {
  type ConfigInput,
  deploymentConfigSchema,
  modelConfigSchema,
  routingConfigSchema,
} from '../../config/schema.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { emptyUsage } from '../../core/usage.js';
import { createMetrics } from '../../observability/metrics.js';
import { measureChatPrompt } from '../../routing/measure-prompt.js';
import { ScriptedProvider } from '../../test-support/scripted-provider.js';
import type { GatewayContext } from '../gateway-context.js';
import { ModelRegistry } from '../route/model-registry.js';
import { createCallStage } from './call-stage.js';

type Deployments = NonNullable<ConfigInput['deployments']>;

function upstream(statusCode: number, retryAfterMs?: number): UpstreamError {
  return new UpstreamError(`HTTP ${statusCode}`, {
    url: 'https://upstream.test',
    statusCode,
    ...(retryAfterMs !== undefined && { retryAfterMs }),
  });
}

/** A registry over scripted providers `a`, `b` … with one model `m`, and a stage to call it with. */
function setup(deployments: Deployments, routing: ConfigInput['routing'] = {}) {
  const providers = new Map(
    Object.keys(deployments).map((name) => [name, new ScriptedProvider(name, 'openai')]),
  );
  const sleeps: number[] = [];
  const metrics = createMetrics();
  const registry = new ModelRegistry(
    {
      deployments: Object.fromEntries(
        Object.entries(deployments).map(([name, value]) => [name, deploymentConfigSchema.parse(value)]),
      ),
      models: { m: modelConfigSchema.parse({ deployments: Object.keys(deployments) }) },
      routing: routingConfigSchema.parse(routing),
    },
    providers,
    {
      metrics,
      random: () => 0.5,
      sleep: async (milliseconds) => {
        sleeps.push(milliseconds);
      },
    },
  );
  const stage = createCallStage({ routing: registry.routing, upstreamTimeoutMs: 60_000 });
  async function run(stream = false): Promise<GatewayContext> {
    const entry = registry.resolve('m');
    if (entry === undefined) throw new Error('no model');
    const request = {
      model: 'm',
      stream,
      maxOutputTokens: 100,
      messages: [{ role: 'user' as const, content: [{ type: 'text' as const, text: 'hello' }] }],
    };
    const context = {
      requestId: 'r',
      signal: new AbortController().signal,
      log: pino({ level: 'silent' }),
      parsed: { operation: 'chat', request },
      model: entry,
      candidates: [...entry.targets],
      route: { measure: measureChatPrompt(request), outputTokens: 100, residencyExcluded: 0 },
      attempts: [],
      upstreamMs: 0,
    } as unknown as GatewayContext;
    await stage(context, async () => {});
    return context;
  }
  const provider = (name: string) => providers.get(name) as ScriptedProvider;
  return { registry, run, provider, sleeps, metrics };
}

const trail = (context: GatewayContext) =>
  context.attempts.map((attempt) => `${attempt.deployment}:${attempt.errorCode ?? attempt.status}`);

describe('call stage: retries and failover', () => {
  it('by default fails over at once and never retries the same deployment', async () => {
    const { run, provider, sleeps } = setup({
      a: { provider: 'a', model: 'x' },
      b: { provider: 'b', model: 'x' },
    });
    provider('a').enqueue({ type: 'error', error: upstream(503) });
    provider('b').enqueue({ type: 'error', error: upstream(500) });
    const error = await run().catch((caught: unknown) => caught);
    expect((error as GatewayError).code).toBe('upstream_error');
    expect(sleeps).toEqual([]);
  });

  it('with attemptsPerTarget > 1: another round after a capped, fully jittered backoff', async () => {
    const { run, provider, sleeps } = setup(
      { a: { provider: 'a', model: 'x' }, b: { provider: 'b', model: 'x' } },
      { retries: { attemptsPerTarget: 2, baseDelayMs: 100, maxDelayMs: 1_000 } },
    );
    provider('a').enqueue({ type: 'error', error: upstream(503) });
    provider('b').enqueue({ type: 'error', error: upstream(502) });
    const context = await run();
    expect(trail(context)).toEqual(['a:upstream_unavailable', 'b:upstream_error', 'a:ok']);
    // random 0.5 × min(1 000, 100 × 2¹) = 100 ms, minus the (tiny) time since a failed.
    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThan(90);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
  });

  it('waits for a short retry-after hint, but moves on instead of waiting out a long one', async () => {
    const short = setup({ a: { provider: 'a', model: 'x' } }, { retries: { attemptsPerTarget: 2 } });
    short.provider('a').enqueue({ type: 'error', error: upstream(429, 800) });
    expect(trail(await short.run())).toEqual(['a:upstream_rate_limited', 'a:ok']);
    expect(short.sleeps[0]).toBeGreaterThan(700);

    const long = setup({ a: { provider: 'a', model: 'x' } }, { retries: { attemptsPerTarget: 2 } });
    long.provider('a').enqueue({ type: 'error', error: upstream(429, 30_000) });
    const error = (await long.run().catch((caught: unknown) => caught)) as GatewayError;
    expect([error.code, error.retryAfterMs]).toEqual(['upstream_rate_limited', 30_000]);
    expect(long.sleeps).toEqual([]);
  });

  it('a request error (400) is final: no failover', async () => {
    const { run, provider } = setup({ a: { provider: 'a', model: 'x' }, b: { provider: 'b', model: 'x' } });
    provider('a').enqueue({ type: 'error', error: upstream(400) });
    const error = (await run().catch((caught: unknown) => caught)) as GatewayError;
    expect(error.code).toBe('upstream_invalid_request');
    expect(provider('b').calls).toHaveLength(0);
  });
});

describe('call stage: provisioned capacity', () => {
  const ptu = { provider: 'a', model: 'x', capacity: { provisioned: { tpm: 250 } } } as const;

  it('spills over before calling a full deployment, and says so', async () => {
    const { run, provider, metrics } = setup({ a: ptu, b: { provider: 'b', model: 'x' } });
    // ~108 tokens reserved each (prompt estimate + max output), 120 really used: two fit in 250.
    const usage = { ...emptyUsage(), inputTokens: 100, outputTokens: 20 };
    provider('a').enqueue({ type: 'result', result: { usage } }, { type: 'result', result: { usage } });
    for (let index = 0; index < 2; index++) expect((await run()).target?.deployment).toBe('a');
    const context = await run();
    expect(trail(context)).toEqual(['b:ok']);
    expect(context.spillover).toBe('a->b');
    expect(provider('a').calls).toHaveLength(2);
    const spills = await metrics.spillovers.get();
    expect(spills.values).toEqual([
      { labels: { model: 'm', from: 'a', to: 'b', reason: 'capacity' }, value: 1 },
    ]);
  });

  it('reconciles with the real usage, so a finished call frees what it did not use', async () => {
    const { run, registry } = setup({ a: ptu, b: { provider: 'b', model: 'x' } });
    await run();
    // The scripted answer reports 5 + 2 tokens, not the ~110 reserved.
    expect(await registry.routing.capacity.usage('a')).toEqual({ requests: 1, tokens: 7 });
  });

  it('a 429 from a provisioned deployment spills over at once, even with a short hint', async () => {
    const { run, provider, sleeps } = setup(
      { a: { ...ptu, capacity: { provisioned: { tpm: 100_000 } } }, b: { provider: 'b', model: 'x' } },
      { retries: { attemptsPerTarget: 3 } },
    );
    provider('a').enqueue({ type: 'error', error: upstream(429, 10) });
    const context = await run();
    expect(trail(context)).toEqual(['a:upstream_rate_limited', 'b:ok']);
    expect(context.spillover).toBe('a->b');
    expect(sleeps).toEqual([]);
  });

  it('when every deployment is full: 429 with the time until one has room, without any call', async () => {
    const { run } = setup({ a: { ...ptu, capacity: { provisioned: { tpm: 50 } } } });
    const error = (await run().catch((caught: unknown) => caught)) as GatewayError;
    expect([error.code, error.status]).toEqual(['upstream_rate_limited', 429]);
    expect(error.retryAfterMs).toBeGreaterThan(0);
  });
});

describe('call stage: streams', () => {
  const opening: StreamPart[] = [{ type: 'stream-start', warnings: [] }];

  it('no first token within firstTokenMs: the attempt times out and the next deployment answers', async () => {
    const { run, provider } = setup(
      { a: { provider: 'a', model: 'x' }, b: { provider: 'b', model: 'x' } },
      { timeouts: { firstTokenMs: 20 } },
    );
    provider('a').enqueue({ type: 'stream', parts: opening, ending: 'hang' });
    const context = await run(true);
    expect(trail(context)).toEqual(['a:upstream_timeout', 'b:ok']);
  });

  it('an error part before any content fails over; the replayed stream starts with the parts read so far', async () => {
    const { run, provider } = setup({ a: { provider: 'a', model: 'x' }, b: { provider: 'b', model: 'x' } });
    provider('a').enqueue({
      type: 'stream',
      parts: [
        ...opening,
        { type: 'error', error: new GatewayError('upstream_error', 'cut', { isRetryable: true }) },
      ],
    });
    const context = await run(true);
    expect(trail(context)).toEqual(['a:upstream_error', 'b:ok']);
    const parts: StreamPart[] = [];
    if (context.output?.type !== 'stream') throw new Error('no stream');
    for await (const part of context.output.stream) parts.push(part);
    expect(parts.map((part) => part.type)).toEqual([
      'stream-start',
      'text-start',
      'text-delta',
      'text-delta',
      'text-end',
      'finish',
    ]);
  });

  it('an error after the first content part is the stream’s own: the attempt is marked failed, nothing retried', async () => {
    const { run, provider, registry } = setup(
      { a: { provider: 'a', model: 'x' }, b: { provider: 'b', model: 'x' } },
      { breaker: { consecutiveFailures: 1 } },
    );
    const cut = new GatewayError('upstream_error', 'cut', { isRetryable: true });
    provider('a').enqueue({
      type: 'stream',
      parts: [...opening, { type: 'text-delta', id: 't', delta: 'Hel' }, { type: 'error', error: cut }],
    });
    const context = await run(true);
    if (context.output?.type !== 'stream') throw new Error('no stream');
    const types: string[] = [];
    for await (const part of context.output.stream) types.push(part.type);
    expect(types).toEqual(['stream-start', 'text-delta', 'error']);
    expect(trail(context)).toEqual(['a:upstream_error']);
    expect(provider('b').calls).toHaveLength(0);
    expect(registry.routing.breakers.state('a')).toBe('open');
  });

  it('a finished stream settles capacity with its final usage', async () => {
    const { run, provider, registry } = setup({
      a: { provider: 'a', model: 'x', capacity: { provisioned: { tpm: 10_000 } } },
    });
    provider('a').enqueue({
      type: 'stream',
      parts: [
        ...opening,
        { type: 'text-delta', id: 't', delta: 'Hi' },
        {
          type: 'finish',
          usage: { ...emptyUsage(), inputTokens: 9, outputTokens: 1 },
          finishReason: { unified: 'stop', raw: 'stop' },
        },
      ],
    });
    const context = await run(true);
    if (context.output?.type !== 'stream') throw new Error('no stream');
    for await (const _part of context.output.stream) {
      // drain
    }
    expect(await registry.routing.capacity.usage('a')).toEqual({ requests: 1, tokens: 10 });
  });
});

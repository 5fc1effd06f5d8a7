import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { GatedProvider } from './support/gated-provider.js';
import { type LimitedGateway, startLimitedGateway } from './support/start-limited-gateway.js';

/** One second into a minute (UTC noon), so every window figure below is exact. */
const CLOCK = Date.UTC(2030, 0, 15, 12, 0, 1);
const SECRET = {
  limited: 'sk-cvg-limited-0000000000000000',
  free: 'sk-cvg-free-000000000000000000000',
};

type KeyInput = NonNullable<ConfigInput['keys']>[number];

function config(
  keys: Array<Omit<KeyInput, 'key'> & { name: keyof typeof SECRET }>,
  limits: ConfigInput['limits'] = {},
) {
  return {
    logging: { level: 'silent' as const },
    providers: { gated: { type: 'openai-compatible' as const, baseURL: 'http://127.0.0.1:9/v1' } },
    deployments: { 'gpt-4o@gated': { provider: 'gated', model: 'gpt-4o' } },
    models: { 'gpt-4o': { deployments: ['gpt-4o@gated'] } },
    keys: keys.map((key) => ({ ...key, key: SECRET[key.name] })),
    limits,
  } satisfies ConfigInput;
}

let running: LimitedGateway | undefined;
let provider: GatedProvider;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(input: ConfigInput): Promise<LimitedGateway> {
  provider = new GatedProvider('gated');
  running = await startLimitedGateway({
    config: input,
    providers: new Map([['gated', provider]]),
    clock: () => CLOCK,
  });
  return running;
}

function openai(gateway: LimitedGateway, key: keyof typeof SECRET = 'limited', maxRetries = 0): OpenAI {
  return new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: SECRET[key], maxRetries });
}

const ask = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 16 };

async function rejection(promise: Promise<unknown>): Promise<InstanceType<typeof OpenAI.APIError>> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  if (!(error instanceof OpenAI.APIError)) throw new Error(`expected an APIError, got ${String(error)}`);
  return error;
}

describe('per-key limits through the OpenAI SDK', () => {
  it('sends x-ratelimit-* on successes, then a RateLimitError with retry-after once RPM is spent', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { rpm: 3, tpm: 100_000 } }]));
    const client = openai(gateway);
    const seen = [];
    for (let index = 0; index < 3; index++) {
      const { response } = await client.chat.completions.create(ask).withResponse();
      seen.push({
        limit: response.headers.get('x-ratelimit-limit-requests'),
        remaining: response.headers.get('x-ratelimit-remaining-requests'),
        reset: response.headers.get('x-ratelimit-reset-requests'),
        remainingTokens: response.headers.get('x-ratelimit-remaining-tokens'),
      });
    }
    // Tokens: each call reserves its estimate (8 prompt + 16 max output = 24); the previous calls
    // were already reconciled to the 7 tokens they really used.
    expect(seen).toEqual([
      { limit: '3', remaining: '2', reset: '1m59s', remainingTokens: '99976' },
      { limit: '3', remaining: '1', reset: '1m59s', remainingTokens: '99969' },
      { limit: '3', remaining: '0', reset: '1m59s', remainingTokens: '99962' },
    ]);

    const error = await rejection(client.chat.completions.create(ask));
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect(error.status).toBe(429);
    expect(error.code).toBe('rate_limited');
    expect(error.type).toBe('requests');
    // Next minute starts in 59 s; the 3 requests then still weigh 3 × (1 − f) until f = 1/3: 20 s more.
    expect(error.headers?.get('retry-after')).toBe('79');
    expect(error.headers?.get('retry-after-ms')).toBe('79000');
    expect(error.headers?.get('x-ratelimit-remaining-requests')).toBe('0');
    expect(error.headers?.get('x-converge-error-code')).toBe('rate_limited');
    expect(provider.calls).toBe(3);
  });

  it('leaves keys without limits alone: no headers, never refused', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { rpm: 1 } }, { name: 'free' }]));
    const client = openai(gateway, 'free');
    for (let index = 0; index < 4; index++) {
      const { response } = await client.chat.completions.create(ask).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
    expect(gateway.store?.reconciled.length).toBe(0);
  });

  it('reserves TPM for the call and gives it back when the exchange ends', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { tpm: 100 } }]));
    const client = openai(gateway);
    const request = { ...ask, max_tokens: 60 }; // reserves 8 + 60 = 68 of 100
    // Without reconciliation the second call would not fit (68 + 68 > 100).
    for (let index = 0; index < 3; index++) await client.chat.completions.create(request);
    expect(gateway.store?.reconciled.map((entry) => entry.actual.tokens)).toEqual([7, 7, 7]);

    provider.holdStreams = true;
    const stream = await client.chat.completions.create({ ...request, stream: true });
    const held = await provider.nextHeldCall();
    const error = await rejection(client.chat.completions.create(request));
    expect(error.code).toBe('rate_limited');
    expect(error.type).toBe('tokens');

    held.open();
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('Hello world');
    await expect(client.chat.completions.create(request)).resolves.toMatchObject({
      object: 'chat.completion',
    });
  });

  it('refuses a request that can never fit the TPM limit, saying why', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { tpm: 1_000 } }]));
    const error = await rejection(openai(gateway).chat.completions.create({ ...ask, max_tokens: 5_000 }));
    expect(error.status).toBe(429);
    expect(error.message).toMatch(/Request too large for tokens per minute/);
    expect(error.headers?.get('retry-after')).toBeNull();
    expect(error.headers?.get('x-should-retry')).toBe('false');
    expect(provider.calls).toBe(0);
    // An SDK allowed to retry does not: one request, one usage row.
    const retrying = openai(gateway, 'limited', 3);
    const before = gateway.usage.rows.length;
    await rejection(retrying.chat.completions.create({ ...ask, max_tokens: 5_000 }));
    await gateway.usage.waitForRow(() => gateway.usage.rows.length > before);
    expect(gateway.usage.rows.length).toBe(before + 1);
  });

  it('holds a concurrency slot for the whole stream and frees it when the stream ends or the client leaves', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { concurrency: 1 } }]));
    const store = gateway.store!;
    const client = openai(gateway);
    provider.holdStreams = true;

    const first = await client.chat.completions.create({ ...ask, stream: true });
    const held = await provider.nextHeldCall();
    const refused = await rejection(client.chat.completions.create(ask));
    expect(refused).toBeInstanceOf(OpenAI.RateLimitError);
    expect(refused.message).toMatch(/concurrent requests/);
    expect(refused.headers?.get('retry-after')).toBe('1');

    held.open();
    for await (const _chunk of first) {
      // read to the end
    }
    // The slot was released before the stream's last byte: the next call fits at once.
    await client.chat.completions.create(ask);

    const controller = new AbortController();
    const abandoned = await client.chat.completions.create(
      { ...ask, stream: true },
      { signal: controller.signal },
    );
    const heldAgain = await provider.nextHeldCall();
    expect((await rejection(client.chat.completions.create(ask))).status).toBe(429);
    const releasedBefore = store.released.length;
    controller.abort();
    await heldAgain.aborted;
    await store.waitForReleases(releasedBefore + 1);
    await client.chat.completions.create(ask);
    expect(abandoned.controller.signal.aborted).toBe(true);
    // 4 calls reached the provider: both streams and the two calls made while nothing was held.
    expect(provider.calls).toBe(4);
  });

  it('stops a hard budget with budget_exceeded and x-should-retry: false, so the SDK does not retry', async () => {
    const gateway = await start(
      config([{ name: 'limited', budget: { usdPerDay: 0.02 } }], {
        // $1,000 per 1M tokens = $0.001 a token: a call of 7 tokens costs $0.007.
        defaultPrice: { inputUsdPerMillion: 1_000, outputUsdPerMillion: 1_000 },
      }),
    );
    const client = openai(gateway, 'limited', 2);
    const request = { ...ask, max_tokens: 10 };
    // Admitted while anything is left: $0.007, $0.014, $0.021 — at most one call past the budget.
    for (let index = 0; index < 3; index++) await client.chat.completions.create(request);
    const error = await rejection(client.chat.completions.create(request));
    expect(error.status).toBe(429);
    expect(error.code).toBe('budget_exceeded');
    expect(error.type).toBe('insufficient_quota');
    expect(error.headers?.get('x-should-retry')).toBe('false');
    // Until the next UTC midnight: 11:59:59 from the injected clock.
    expect(error.headers?.get('retry-after')).toBe(String(12 * 3600 - 1));
    expect(gateway.usage.rows.filter((row) => row.errorCode === 'budget_exceeded').length).toBe(1);
    // Each call reserved its maximum (9 prompt tokens at most + 10 output = $0.019) and was reconciled to $0.007.
    expect(
      gateway.store?.reconciled.map((entry) => [entry.reservation.costMicros, entry.actual.costMicros]),
    ).toEqual([
      [19_000, 7_000],
      [19_000, 7_000],
      [19_000, 7_000],
    ]);
  });

  it('never refuses on an alert-only budget', async () => {
    const gateway = await start(
      config([{ name: 'limited', budget: { usdPerDay: 0.000001, mode: 'alert' } }]),
    );
    const client = openai(gateway);
    for (let index = 0; index < 3; index++) await client.chat.completions.create(ask);
    expect(provider.calls).toBe(3);
  });

  it('answers 503 limits_unavailable when Redis is down and the policy is fail-closed', async () => {
    const gateway = await start(
      config([{ name: 'limited', limits: { rpm: 100 } }], {
        store: { type: 'redis', url: 'redis://127.0.0.1:1', commandTimeoutMs: 100 },
        onStoreError: 'fail-closed',
      }),
    );
    const error = await rejection(openai(gateway).chat.completions.create(ask));
    expect(error.status).toBe(503);
    expect(error.code).toBe('limits_unavailable');
    expect(provider.calls).toBe(0);
  });

  it('keeps serving without limits when Redis is down and the policy is fail-open', async () => {
    const gateway = await start(
      config([{ name: 'limited', limits: { rpm: 1 } }], {
        store: { type: 'redis', url: 'redis://127.0.0.1:1', commandTimeoutMs: 100 },
        onStoreError: 'fail-open',
      }),
    );
    const client = openai(gateway);
    for (let index = 0; index < 3; index++) {
      const { response } = await client.chat.completions.create(ask).withResponse();
      expect(response.headers.get('x-ratelimit-limit-requests')).toBeNull();
    }
    expect(provider.calls).toBe(3);
  });
});

describe('per-key limits in another dialect', () => {
  it('refuses with the Anthropic SDK RateLimitError and its retry-after', async () => {
    const gateway = await start(config([{ name: 'limited', limits: { rpm: 1 } }]));
    const client = new Anthropic({ baseURL: gateway.url, apiKey: SECRET.limited, maxRetries: 0 });
    const message = { model: 'gpt-4o', max_tokens: 16, messages: [{ role: 'user' as const, content: 'Hi' }] };
    await client.messages.create(message);
    const error = await client.messages.create(message).then(
      () => undefined,
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const apiError = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(apiError.headers?.get('retry-after')).toBe('119');
    expect(apiError.headers?.get('x-ratelimit-limit-requests')).toBe('1');
    expect(apiError.headers?.get('x-converge-error-code')).toBe('rate_limited');
  });
});

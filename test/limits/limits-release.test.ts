import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../src/config/schema.js';
import { GatewayError } from '../../src/core/gateway-error.js';
import { UpstreamError } from '../../src/core/upstream-error.js';
import { GatedProvider } from './support/gated-provider.js';
import { type LimitedGateway, startLimitedGateway } from './support/start-limited-gateway.js';

const CLOCK = Date.UTC(2030, 0, 15, 12, 0, 1);
const SECRET = 'sk-cvg-release-000000000000000000';
const ask = { model: 'gpt-4o', messages: [{ role: 'user' as const, content: 'Hi' }], max_tokens: 16 };

const config: ConfigInput = {
  logging: { level: 'silent' },
  providers: { gated: { type: 'openai-compatible', baseURL: 'http://127.0.0.1:9/v1' } },
  deployments: { 'gpt-4o@gated': { provider: 'gated', model: 'gpt-4o' } },
  models: { 'gpt-4o': { deployments: ['gpt-4o@gated'] } },
  keys: [{ name: 'one-at-a-time', key: SECRET, limits: { concurrency: 1, tpm: 10_000 } }],
};

let running: LimitedGateway | undefined;
let provider: GatedProvider;

afterEach(async () => {
  await running?.close();
  running = undefined;
});

async function start(): Promise<{ gateway: LimitedGateway; client: OpenAI }> {
  provider = new GatedProvider('gated');
  running = await startLimitedGateway({
    config,
    providers: new Map([['gated', provider]]),
    clock: () => CLOCK,
  });
  return {
    gateway: running,
    client: new OpenAI({ baseURL: `${running.url}/v1`, apiKey: SECRET, maxRetries: 0 }),
  };
}

/** Every exchange of a concurrency-1 key must end its reservation, or the next call would be refused. */
describe('the limits stage never leaks a reservation', () => {
  it('ends it when the upstream refuses the call, giving back the reserved tokens', async () => {
    const { gateway, client } = await start();
    provider.failNext = new UpstreamError('bad request', { url: 'http://upstream', statusCode: 400 });
    await expect(client.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.BadRequestError);
    expect(gateway.store?.released.length).toBe(1);
    expect(gateway.store?.reconciled[0]?.actual).toEqual({ tokens: 0, costMicros: 0 });
    await expect(client.chat.completions.create(ask)).resolves.toMatchObject({ object: 'chat.completion' });
  });

  it('ends it when a stream fails midway, counting what was streamed', async () => {
    const { gateway, client } = await start();
    provider.streamError = { type: 'error', error: new GatewayError('upstream_error', 'cut') };
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    await expect(
      (async () => {
        for await (const _chunk of stream) {
          // read until the error
        }
      })(),
    ).rejects.toThrow();
    await gateway.store?.waitForReleases(1);
    // No usage came: 8 prompt tokens estimated + 'Hello world' (11 characters ≈ 3 tokens).
    expect(gateway.store?.reconciled[0]?.actual.tokens).toBe(11);
    await client.chat.completions.create(ask);
  });

  it('ends it when the client leaves during a non-stream call, keeping the estimate charged', async () => {
    const { gateway, client } = await start();
    provider.holdResults = true;
    const controller = new AbortController();
    const pending = client.chat.completions.create(ask, { signal: controller.signal });
    const held = await provider.nextHeldCall();
    controller.abort();
    await expect(pending).rejects.toThrow();
    await held.aborted;
    await gateway.store?.waitForReleases(1);
    // The provider may still bill an abandoned call: the reservation is not reconciled down.
    expect(gateway.store?.reconciled.length).toBe(0);
    provider.holdResults = false;
    await client.chat.completions.create(ask);
  });

  it('ends it when a shutdown cuts a stream that was still running', async () => {
    const { gateway, client } = await start();
    provider.holdStreams = true;
    const stream = await client.chat.completions.create({ ...ask, stream: true });
    await provider.nextHeldCall();
    const reading = (async () => {
      for await (const _chunk of stream) {
        // the shutdown cuts it
      }
    })().catch(() => undefined);
    await gateway.gateway.drain(0);
    await gateway.store?.waitForReleases(1);
    await reading;
    expect(gateway.store?.released.length).toBe(1);
  });
});

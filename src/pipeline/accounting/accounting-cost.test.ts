import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StreamPart } from '../../core/stream-part.js';
import { ScriptedProvider } from '../../test-support/scripted-provider.js';
import { startTestGateway, type TestGateway } from '../../test-support/start-test-gateway.js';

const KEY = 'sk-cvg-test-accounting-0123456789abcdef';
const openai = new ScriptedProvider('openai-main', 'openai');
const azure = new ScriptedProvider('azure-eu', 'azure-openai');
const anthropic = new ScriptedProvider('anthropic-main', 'anthropic');
const local = new ScriptedProvider('local', 'openai-compatible');
let gateway: TestGateway;

beforeAll(async () => {
  gateway = await startTestGateway({
    providers: [openai, azure, anthropic, local],
    deployments: {
      'gpt-4o@openai': { provider: 'openai-main', model: 'gpt-4o', processing: 'us' },
      'gpt-4o@azure': { provider: 'azure-eu', model: 'gpt-4o', processing: 'eu' },
      'gpt-5@azure': { provider: 'azure-eu', model: 'gpt-5', processing: 'eu' },
      'haiku@anthropic': { provider: 'anthropic-main', model: 'claude-haiku-4-5', processing: 'us' },
      'llama@local': { provider: 'local', model: 'llama-3.3-70b', processing: 'eu' },
      'embed@openai': { provider: 'openai-main', model: 'text-embedding-3-small', processing: 'us' },
    },
    models: {
      'gpt-4o': { deployments: ['gpt-4o@openai'] },
      'gpt-4o-azure': { deployments: ['gpt-4o@azure'] },
      'gpt-5': { deployments: ['gpt-5@azure'] },
      haiku: { deployments: ['haiku@anthropic'] },
      llama: { deployments: ['llama@local'] },
      embed: { kind: 'embedding', deployments: ['embed@openai'] },
    },
    keys: [{ name: 'accounting', secret: KEY }],
  });
});
afterAll(async () => {
  await gateway?.close();
});
beforeEach(() => {
  for (const provider of [openai, azure, anthropic, local]) provider.reset();
});

const client = () => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey: KEY, maxRetries: 0 });
const ask = (model: string) =>
  client()
    .chat.completions.create({ model, messages: [{ role: 'user', content: 'Hi' }] })
    .withResponse();

describe('cost in the response header and the usage row', () => {
  it('prices a result exactly and returns the same amount in x-converge-cost-usd and costUsd', async () => {
    openai.enqueue({
      type: 'result',
      result: {
        usage: {
          inputTokens: 10_000,
          cacheReadTokens: 6_000,
          outputTokens: 500,
          cacheWriteTokens: 0,
          reasoningTokens: 0,
        },
        modelId: 'gpt-4o-2024-08-06',
      },
    });
    const { response } = await ask('gpt-4o');
    const requestId = response.headers.get('x-converge-request-id');
    // 4,000 × $2.50 + 6,000 × $1.25 + 500 × $10 per 1M tokens.
    expect(response.headers.get('x-converge-cost-usd')).toBe('0.0225');
    const row = await gateway.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row.costUsd).toBe(0.0225);
    expect(row.costUsd).toBe(Number(response.headers.get('x-converge-cost-usd')));
  });

  it('prices reasoning as output (gpt-5 on Azure: 1,000 × $1.25 + 4,000 × $10 = $0.04125)', async () => {
    azure.enqueue({
      type: 'result',
      result: {
        usage: {
          inputTokens: 1_000,
          outputTokens: 4_000,
          reasoningTokens: 3_500,
          cacheReadTokens: 0,
          cacheWriteTokens: 0,
        },
      },
    });
    const { response } = await ask('gpt-5');
    expect(response.headers.get('x-converge-cost-usd')).toBe('0.04125');
    expect(response.headers.get('x-converge-warnings')).toBeNull();
  });

  it('prices a stream in the usage row only, with the provider-reported 1-hour cache writes', async () => {
    const parts: StreamPart[] = [
      { type: 'stream-start', warnings: [], modelId: 'claude-haiku-4-5-20251001' },
      { type: 'text-start', id: 't' },
      { type: 'text-delta', id: 't', delta: 'Hello' },
      { type: 'text-end', id: 't' },
      {
        type: 'finish',
        usage: {
          inputTokens: 12_000,
          cacheReadTokens: 0,
          cacheWriteTokens: 10_000,
          outputTokens: 100,
          reasoningTokens: 0,
        },
        finishReason: { unified: 'stop', raw: 'end_turn' },
        providerMetadata: {
          anthropic: { cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: 10_000 } },
        },
      },
    ];
    anthropic.enqueue({ type: 'stream', parts });
    const { data: stream, response } = await client()
      .chat.completions.create({ model: 'haiku', messages: [{ role: 'user', content: 'Hi' }], stream: true })
      .withResponse();
    for await (const _chunk of stream) {
      // drain
    }
    expect(response.headers.get('x-converge-cost-usd')).toBeNull();
    const requestId = response.headers.get('x-converge-request-id');
    const row = await gateway.waitForUsageRow((candidate) => candidate.requestId === requestId);
    // 2,000 × $1 + 10,000 written for 1 hour × $2 + 100 × $5 = 0.002 + 0.02 + 0.0005
    expect(row.costUsd).toBe(0.0225);
  });

  it('prices embeddings by their input tokens (1,500 × $0.02 per 1M = $0.00003)', async () => {
    openai.enqueue({ type: 'embed', embeddings: [[0.1, 0.2]], inputTokens: 1_500 });
    const { response } = await client().embeddings.create({ model: 'embed', input: 'hello' }).withResponse();
    expect(response.headers.get('x-converge-cost-usd')).toBe('0.00003');
  });

  it('leaves the cost unknown (no header, null) when nothing prices the target', async () => {
    const { response } = await ask('llama');
    expect(response.headers.get('x-converge-cost-usd')).toBeNull();
    const requestId = response.headers.get('x-converge-request-id');
    const row = await gateway.waitForUsageRow((candidate) => candidate.requestId === requestId);
    expect(row.costUsd).toBeNull();
  });

  it('records a null cost for a request refused before any target was chosen', async () => {
    await expect(ask('no-such-model')).rejects.toThrow(OpenAI.NotFoundError);
    const row = await gateway.waitForUsageRow((candidate) => candidate.modelRequested === 'no-such-model');
    expect(row.costUsd).toBeNull();
  });
});

describe('lifecycle warnings', () => {
  it('answers a retired model with a deprecated-model warning naming the replacement, result and stream', async () => {
    const { response } = await ask('gpt-4o-azure');
    expect(response.headers.get('x-converge-warnings')).toBe('deprecated-model=gpt-4o->gpt-5.1');
    const { response: streamed, data } = await client()
      .chat.completions.create({
        model: 'gpt-4o-azure',
        messages: [{ role: 'user', content: 'Hi' }],
        stream: true,
      })
      .withResponse();
    for await (const _chunk of data) {
      // drain
    }
    expect(streamed.headers.get('x-converge-warnings')).toBe('deprecated-model=gpt-4o->gpt-5.1');
  });

  it('warns by the model that answered when the deployment name hides it', async () => {
    azure.enqueue({ type: 'result', result: { modelId: 'gpt-4o-2024-05-13' } });
    // The deployment says gpt-5, but Azure reports an older model: it is priced and warned as that one.
    const { response } = await ask('gpt-5');
    expect(response.headers.get('x-converge-warnings')).toBe('deprecated-model=gpt-4o-2024-05-13->gpt-5.1');
    // Scripted default usage: 5 input × $5 + 2 output × $15 per 1M tokens.
    expect(response.headers.get('x-converge-cost-usd')).toBe('0.000055');
  });
});

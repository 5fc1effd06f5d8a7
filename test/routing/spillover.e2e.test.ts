import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../../src/sandbox/index.js';
import {
  metricValue,
  type RoutingGateway,
  SANDBOX_AZURE_KEY,
  SANDBOX_OPENAI_KEY,
  startRoutingGateway,
} from './routing-stack.js';

const KEY = 'sk-cvg-routing-load-0123456789abcdef';
const PTU_TPM = 10_000;
const REQUESTS = 300;
const CONCURRENCY = 6;
const MAX_TOKENS = 10;

/**
 * A prompt of about 90 tokens: with a 10-token cap (shorter than any natural sandbox answer) every
 * request costs ~100 tokens, so 300 requests are ~3× the provisioned minute.
 */
function prompt(index: number): string {
  return `Request ${index}. ${'Summarise the routing policy for provisioned capacity in one line. '.repeat(7)}`;
}

describe('provisioned capacity spills over before the provider refuses (issue #5 a)', () => {
  let sandbox: RunningSandbox;
  let stack: RoutingGateway;

  beforeAll(async () => {
    sandbox = await startSandbox({
      latency: 'zero',
      openai: { keys: [SANDBOX_OPENAI_KEY] },
      azure: {
        keys: [SANDBOX_AZURE_KEY],
        region: 'Sweden Central',
        deployments: {
          'gpt-4o-ptu': { model: 'gpt-4o', capacity: { tpm: PTU_TPM }, type: 'provisioned' },
          'gpt-4o-paygo': { model: 'gpt-4o' },
        },
      },
    });
    stack = await startRoutingGateway({
      config: {
        providers: {
          azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY },
          // Stands in for Bedrock on-demand (another cloud) until the Bedrock sandbox is wired in.
          openai: { type: 'openai', baseURL: `${sandbox.url}/v1`, apiKey: SANDBOX_OPENAI_KEY },
        },
        deployments: {
          'gpt-4o-ptu': {
            provider: 'azure',
            model: 'gpt-4o-ptu',
            capacity: { provisioned: { tpm: PTU_TPM } },
            processing: 'swedencentral',
          },
          'gpt-4o-paygo': { provider: 'azure', model: 'gpt-4o-paygo', processing: 'swedencentral' },
          'gpt-4o-openai': { provider: 'openai', model: 'gpt-4o', processing: 'us' },
        },
        // Listed out of order on purpose: `priority` puts provisioned first, then the same cloud.
        models: { 'gpt-4o': { deployments: ['gpt-4o-openai', 'gpt-4o-paygo', 'gpt-4o-ptu'] } },
        keys: [{ name: 'load', key: KEY }],
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('3× the provisioned minute: no client sees a 429, the PTU serves its capacity, the rest spills over', async () => {
    const client = new OpenAI({ baseURL: `${stack.url}/v1`, apiKey: KEY, maxRetries: 0 });
    const spillHeaders = new Set<string | null>();
    let next = 0;
    const failures: unknown[] = [];
    async function worker(): Promise<void> {
      while (next < REQUESTS) {
        const index = next++;
        try {
          const { response } = await client.chat.completions
            .create({
              model: 'gpt-4o',
              max_tokens: MAX_TOKENS,
              messages: [{ role: 'user', content: prompt(index) }],
            })
            .withResponse();
          spillHeaders.add(response.headers.get('x-converge-spillover'));
        } catch (error: unknown) {
          failures.push(error);
        }
      }
    }
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures).toEqual([]);

    const stats = sandbox.stats();
    const ptu = stats['azure']?.['gpt-4o-ptu'];
    const paygo = stats['azure']?.['gpt-4o-paygo'];
    const ptuTokens = (ptu?.promptTokens ?? 0) + (ptu?.completionTokens ?? 0);
    // The PTU served its minute (±10 %), never more than the provider allows.
    expect(ptuTokens).toBeGreaterThanOrEqual(PTU_TPM * 0.9);
    expect(ptuTokens).toBeLessThanOrEqual(PTU_TPM);
    expect((ptu?.requests ?? 0) + (paygo?.requests ?? 0)).toBe(REQUESTS);
    expect(paygo?.requests).toBeGreaterThanOrEqual(REQUESTS * 0.6);
    // Same-cloud on-demand absorbs everything: the other cloud is never needed.
    expect(stats['openai']?.['gpt-4o']?.requests ?? 0).toBe(0);
    expect(spillHeaders).toContain('gpt-4o-ptu->gpt-4o-paygo');

    const rows = await stack.waitForRows(REQUESTS);
    expect(rows.every((row) => row.status === 'ok')).toBe(true);
    const servedBy = (deployment: string) => rows.filter((row) => row.deployment === deployment).length;
    expect(servedBy('gpt-4o-ptu')).toBe(ptu?.requests);
    expect(servedBy('gpt-4o-paygo')).toBe(paygo?.requests);
    // Every request tried the PTU first; any that did not end there spilled over — and was counted.
    const spilled = await metricValue(stack.metrics, 'converge_spillovers_total', {
      model: 'gpt-4o',
      from: 'gpt-4o-ptu',
      to: 'gpt-4o-paygo',
    });
    expect(spilled).toBe(paygo?.requests);
    const byCapacity = await metricValue(stack.metrics, 'converge_spillovers_total', { reason: 'capacity' });
    // Most spills happened before the provider had to refuse (the gateway's own accounting).
    expect(byCapacity).toBeGreaterThanOrEqual(spilled * 0.9);
    expect(ptu?.rejections ?? 0).toBe(spilled - byCapacity);
  });
});

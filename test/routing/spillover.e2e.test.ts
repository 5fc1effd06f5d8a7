import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SANDBOX_ACCESS_KEY_ID,
  SANDBOX_SECRET_ACCESS_KEY,
} from '../../src/sandbox/bedrock/bedrock-sandbox-options.js';
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
/** Azure's standard (pay-as-you-go) quota: the gateway does not know it and meets its real 429s. */
const PAYGO_TPM = 10_000;
const BEDROCK_MODEL = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
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
          'gpt-4o-paygo': { model: 'gpt-4o', capacity: { tpm: PAYGO_TPM } },
        },
      },
    });
    stack = await startRoutingGateway({
      config: {
        providers: {
          azure: { type: 'azure-openai', endpoint: sandbox.url, apiKey: SANDBOX_AZURE_KEY },
          bedrock: {
            type: 'bedrock',
            region: 'us-east-1',
            endpoint: sandbox.url,
            credentials: {
              type: 'keys',
              accessKeyId: SANDBOX_ACCESS_KEY_ID,
              secretAccessKey: SANDBOX_SECRET_ACCESS_KEY,
            },
          },
        },
        deployments: {
          'gpt-4o-ptu': {
            provider: 'azure',
            model: 'gpt-4o-ptu',
            capacity: { provisioned: { tpm: PTU_TPM } },
            processing: 'swedencentral',
          },
          'gpt-4o-paygo': { provider: 'azure', model: 'gpt-4o-paygo', processing: 'swedencentral' },
          'gpt-4o-bedrock': { provider: 'bedrock', model: BEDROCK_MODEL, processing: 'us-east-1' },
        },
        // Listed out of order on purpose: `priority` puts provisioned first, then the same cloud.
        models: { 'gpt-4o': { deployments: ['gpt-4o-bedrock', 'gpt-4o-paygo', 'gpt-4o-ptu'] } },
        keys: [{ name: 'load', key: KEY }],
      },
    });
  });

  afterAll(async () => {
    await stack?.close();
    await sandbox?.close();
  });

  it('3× the provisioned minute: no client sees a 429; PTU, then Azure on-demand, then Bedrock absorb it', async () => {
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
    const bedrock = stats['bedrock']?.[BEDROCK_MODEL];
    const ptuTokens = (ptu?.promptTokens ?? 0) + (ptu?.completionTokens ?? 0);
    // The PTU served its minute (±10 %), never more than the provider allows.
    expect(ptuTokens).toBeGreaterThanOrEqual(PTU_TPM * 0.9);
    expect(ptuTokens).toBeLessThanOrEqual(PTU_TPM);
    // Azure's on-demand quota filled too (its 429s were not shown to anyone), and the rest crossed clouds.
    expect(paygo?.rejections ?? 0).toBeGreaterThan(0);
    expect(bedrock?.requests ?? 0).toBeGreaterThan(0);
    expect((ptu?.requests ?? 0) + (paygo?.requests ?? 0) + (bedrock?.requests ?? 0)).toBe(REQUESTS);
    expect(spillHeaders).toContain('gpt-4o-ptu->gpt-4o-paygo');

    const rows = await stack.waitForRows(REQUESTS);
    expect(rows.every((row) => row.status === 'ok')).toBe(true);
    const servedBy = (deployment: string) => rows.filter((row) => row.deployment === deployment).length;
    expect(servedBy('gpt-4o-ptu')).toBe(ptu?.requests);
    expect(servedBy('gpt-4o-paygo')).toBe(paygo?.requests);
    expect(servedBy('gpt-4o-bedrock')).toBe(bedrock?.requests);
    // Every request tried the PTU first; any that did not end there spilled over — and was counted.
    const fromPtu = await metricValue(stack.metrics, 'converge_spillovers_total', {
      model: 'gpt-4o',
      from: 'gpt-4o-ptu',
    });
    expect(fromPtu).toBe(REQUESTS - (ptu?.requests ?? 0));
    const byCapacity = await metricValue(stack.metrics, 'converge_spillovers_total', {
      from: 'gpt-4o-ptu',
      reason: 'capacity',
    });
    // Most PTU spills happened before the provider had to refuse (the gateway's own accounting).
    expect(byCapacity).toBeGreaterThanOrEqual(fromPtu * 0.9);
    expect(ptu?.rejections ?? 0).toBe(fromPtu - byCapacity);
    // Requests the on-demand deployment refused moved on to Bedrock, each with its attempts listed.
    const crossCloud = rows.filter((row) => row.deployment === 'gpt-4o-bedrock');
    expect(
      crossCloud.every((row) => row.attempts.some((attempt) => attempt.deployment === 'gpt-4o-paygo')),
    ).toBe(true);
  });
});

import { describe, expect, it } from 'vitest';
import type { CostUsage, EffectivePrice, RequestCost } from './compute-cost.js';
import { computeCost, toRateMicros } from './compute-cost.js';
import {
  createPriceResolver,
  type PricingDeployment,
  type PricingProvider,
} from './create-price-resolver.js';
import { loadBundledCatalog } from './load-catalog.js';
import { maxRequestCost } from './max-request-cost.js';
import { type DeploymentPricingInput, deploymentPricingSchema } from './price-override-schema.js';

/**
 * Every expected amount below is worked out by hand from the catalog's list prices (USD per 1M
 * tokens), so a changed price or a changed rule fails here with the arithmetic next to it.
 */

const catalog = loadBundledCatalog();
const NOW = Date.parse('2026-11-25T00:00:00Z');

const PROVIDERS: Record<string, PricingProvider> = {
  openai: { type: 'openai' },
  azure: { type: 'azure-openai' },
  bedrock: { type: 'bedrock' },
  'vertex-global': { type: 'vertex', location: 'global' },
  'vertex-eu': { type: 'vertex', location: 'europe-west1' },
  gemini: { type: 'gemini' },
  anthropic: { type: 'anthropic' },
  vllm: { type: 'openai-compatible' },
};

/** The price of one deployment, resolved the way the gateway resolves it at start. */
function priceOf(provider: string, model: string, pricing?: DeploymentPricingInput): EffectivePrice {
  const deployment: PricingDeployment = {
    provider,
    model,
    ...(pricing === undefined ? {} : { pricing: deploymentPricingSchema.parse(pricing) }),
  };
  const resolver = createPriceResolver({
    catalog,
    deployments: { d: deployment },
    providers: PROVIDERS,
    now: NOW,
  });
  const price = resolver.forTarget({ deployment: 'd', provider: { type: '' }, modelId: model }).price;
  if (price === undefined) throw new Error(`no price for ${provider}/${model}`);
  return price;
}

function usage(partial: Partial<CostUsage>): CostUsage {
  return {
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWrite5mTokens: 0,
    cacheWrite1hTokens: 0,
    ...partial,
  };
}

const usd = (cost: RequestCost) => cost.usd;

describe('computeCost per provider type, cached and uncached tokens at catalog prices', () => {
  it('openai gpt-4o: 4,000 uncached × $2.50 + 6,000 cached × $1.25 + 500 output × $10 = $0.0225', () => {
    const cost = computeCost(
      usage({ inputTokens: 10_000, cacheReadTokens: 6_000, outputTokens: 500 }),
      priceOf('openai', 'gpt-4o'),
    );
    expect(cost).toEqual({ nanoUsd: 22_500_000n, usd: '0.0225', tier: 'standard' });
  });

  it('azure-openai gpt-4.1: 4,000 × $2 + 16,000 cached × $0.50 + 1,000 × $8 = $0.024', () => {
    const price = priceOf('azure', 'gpt-4.1');
    expect(
      usd(computeCost(usage({ inputTokens: 20_000, cacheReadTokens: 16_000, outputTokens: 1_000 }), price)),
    ).toBe('0.024');
  });

  it('azure-openai o3-mini: reasoning tokens are output — 976 × $1.10 + 1,024 × $0.55 + 3,000 × $4.40 = $0.0148368', () => {
    // 3,000 output tokens of which 2,500 were reasoning: all billed at the output rate.
    const cost = computeCost(
      usage({ inputTokens: 2_000, cacheReadTokens: 1_024, outputTokens: 3_000 }),
      priceOf('azure', 'o3-mini'),
    );
    expect(cost.usd).toBe('0.0148368');
  });

  it('bedrock claude-sonnet-4-5 on an eu. profile (regional +10%): cache reads and 5-minute writes priced apart', () => {
    // 2,000 × $3.30 + 6,000 read × $0.33 + 2,000 written × $4.125 + 1,000 × $16.50
    // = 0.0066 + 0.00198 + 0.00825 + 0.0165 = $0.03333
    const tokens = usage({
      inputTokens: 10_000,
      cacheReadTokens: 6_000,
      cacheWrite5mTokens: 2_000,
      outputTokens: 1_000,
    });
    const regional = priceOf('bedrock', 'eu.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(computeCost(tokens, regional)).toEqual({ nanoUsd: 33_330_000n, usd: '0.03333', tier: 'standard' });
    // The global. profile: 2,000 × $3 + 6,000 × $0.30 + 2,000 × $3.75 + 1,000 × $15 = $0.0303
    const global = priceOf('bedrock', 'global.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(usd(computeCost(tokens, global))).toBe('0.0303');
  });

  it('bedrock nova-micro: sub-micro-dollar rates stay exact and round once, to the nano-dollar', () => {
    // 600,000 × $0.035 + 400,000 × $0.00875 + 10,000 × $0.14 = 0.021 + 0.0035 + 0.0014 = $0.0259
    const price = priceOf('bedrock', 'amazon.nova-micro-v1:0');
    expect(
      usd(
        computeCost(usage({ inputTokens: 1_000_000, cacheReadTokens: 400_000, outputTokens: 10_000 }), price),
      ),
    ).toBe('0.0259');
    // One cached token: $0.00875 / 1M = 8.75 nano-dollars → 9.
    expect(computeCost(usage({ inputTokens: 1, cacheReadTokens: 1 }), price).nanoUsd).toBe(9n);
  });

  it('anthropic claude-sonnet-4: uncached, read, 5-minute and 1-hour writes each at their own rate', () => {
    // 80,000 × $3 + 10,000 × $0.30 + 5,000 × $3.75 + 5,000 × $6 + 2,000 × $15
    // = 0.24 + 0.003 + 0.01875 + 0.03 + 0.03 = $0.32175
    const tokens = usage({
      inputTokens: 100_000,
      cacheReadTokens: 10_000,
      cacheWrite5mTokens: 5_000,
      cacheWrite1hTokens: 5_000,
      outputTokens: 2_000,
    });
    expect(usd(computeCost(tokens, priceOf('anthropic', 'claude-sonnet-4-20250514')))).toBe('0.32175');
  });

  it('anthropic claude-haiku-4-5: a 1-hour write costs 2× input, a 5-minute write 1.25×', () => {
    const price = priceOf('anthropic', 'claude-haiku-4-5');
    expect(usd(computeCost(usage({ inputTokens: 10_000, cacheWrite5mTokens: 10_000 }), price))).toBe(
      '0.0125',
    );
    expect(usd(computeCost(usage({ inputTokens: 10_000, cacheWrite1hTokens: 10_000 }), price))).toBe('0.02');
  });

  it('vertex gemini-2.5-pro: 100,000 × $1.25 + 50,000 cached × $0.125 + 2,000 × $10 = $0.15125', () => {
    const cost = computeCost(
      usage({ inputTokens: 150_000, cacheReadTokens: 50_000, outputTokens: 2_000 }),
      priceOf('vertex-eu', 'gemini-2.5-pro'),
    );
    expect(cost).toEqual({ nanoUsd: 151_250_000n, usd: '0.15125', tier: 'standard' });
  });

  it('vertex claude-sonnet-4-5: the global endpoint at list, a regional endpoint +10%', () => {
    const tokens = usage({ inputTokens: 1_000, outputTokens: 1_000 });
    expect(usd(computeCost(tokens, priceOf('vertex-global', 'claude-sonnet-4-5@20250929')))).toBe('0.018');
    expect(usd(computeCost(tokens, priceOf('vertex-eu', 'claude-sonnet-4-5@20250929')))).toBe('0.0198');
  });

  it('gemini gemini-2.5-flash: 2,000 × $0.30 + 8,000 cached × $0.03 + 1,000 × $2.50 = $0.00334', () => {
    const price = priceOf('gemini', 'models/gemini-2.5-flash');
    expect(
      usd(computeCost(usage({ inputTokens: 10_000, cacheReadTokens: 8_000, outputTokens: 1_000 }), price)),
    ).toBe('0.00334');
  });

  it('openai text-embedding-3-small: 1,000,000 input tokens × $0.02 = $0.02', () => {
    expect(
      usd(computeCost(usage({ inputTokens: 1_000_000 }), priceOf('openai', 'text-embedding-3-small'))),
    ).toBe('0.02');
  });
});

describe('long-context tiers: the prompt size picks the rates of the whole request', () => {
  it('anthropic claude-sonnet-4 above 200K input tokens: 200,000 × $6 + 50,000 read × $0.60 + 4,000 × $22.50 = $1.32', () => {
    const cost = computeCost(
      usage({ inputTokens: 250_000, cacheReadTokens: 50_000, outputTokens: 4_000 }),
      priceOf('anthropic', 'claude-sonnet-4-0'),
    );
    expect(cost).toEqual({ nanoUsd: 1_320_000_000n, usd: '1.32', tier: 'long-context' });
  });

  it('is exclusive at the threshold: exactly 200,000 prompt tokens stay at $3', () => {
    const cost = computeCost(usage({ inputTokens: 200_000 }), priceOf('anthropic', 'claude-sonnet-4-0'));
    expect(cost).toEqual({ nanoUsd: 600_000_000n, usd: '0.6', tier: 'standard' });
  });

  it('vertex gemini-2.5-pro above 200K, cached tokens counted in the prompt: 200,000 × $2.50 + 100,000 × $0.25 + 5,000 × $15 = $0.60', () => {
    const cost = computeCost(
      usage({ inputTokens: 300_000, cacheReadTokens: 100_000, outputTokens: 5_000 }),
      priceOf('vertex-global', 'gemini-2.5-pro'),
    );
    expect(cost).toEqual({ nanoUsd: 600_000_000n, usd: '0.6', tier: 'long-context' });
  });

  it('gemini gemini-1.5-pro above 128K: 200,000 × $2.50 + 1,000 × $10 = $0.51', () => {
    const cost = computeCost(
      usage({ inputTokens: 200_000, outputTokens: 1_000 }),
      priceOf('gemini', 'gemini-1.5-pro'),
    );
    expect(cost.usd).toBe('0.51');
  });

  it('bedrock claude-sonnet-4-6 global above 200K: 210,000 × $6 + 1,000 × $22.50 = $1.2825', () => {
    const cost = computeCost(
      usage({ inputTokens: 210_000, outputTokens: 1_000 }),
      priceOf('bedrock', 'global.anthropic.claude-sonnet-4-6'),
    );
    expect(cost.usd).toBe('1.2825');
  });
});

describe('per-deployment overrides', () => {
  const tokens = usage({ inputTokens: 10_000, cacheReadTokens: 6_000, outputTokens: 500 });

  it('a negotiated discount scales every token rate: $0.0225 × 0.875 = $0.0196875', () => {
    expect(usd(computeCost(tokens, priceOf('openai', 'gpt-4o', { discountPercent: 12.5 })))).toBe(
      '0.0196875',
    );
  });

  it('explicit prices replace the catalog (a self-hosted model): 1M × $0.20 + 0.5M × $0.60 = $0.50', () => {
    const price = priceOf('vllm', 'meta-llama/Llama-3.3-70B-Instruct', {
      prices: { input: 0.2, output: 0.6 },
    });
    expect(usd(computeCost(usage({ inputTokens: 1_000_000, outputTokens: 500_000 }), price))).toBe('0.5');
  });

  it('catalogModel prices an Azure deployment with a custom name', () => {
    const price = priceOf('azure', 'prod-chat-eu', { catalogModel: 'gpt-4.1' });
    expect(
      usd(computeCost(usage({ inputTokens: 20_000, cacheReadTokens: 16_000, outputTokens: 1_000 }), price)),
    ).toBe('0.024');
  });
});

describe('provisioned capacity: hourly cost × weighted tokens / expected tokens per hour', () => {
  it('Azure PTU gpt-4.1 at $50/h for 10M weighted tokens/h, output ×4, cache reads free: 8,000 weighted → $0.04', () => {
    // weighted = 4,000 uncached + 16,000 cached × 0 + 1,000 output × 4 = 8,000; 50 × 8,000 / 10,000,000 = 0.04
    const price = priceOf('azure', 'gpt-4.1', {
      provisioned: { hourlyUsd: 50, expectedTokensPerHour: 10_000_000, outputTokenWeight: 4 },
    });
    const cost = computeCost(
      usage({ inputTokens: 20_000, cacheReadTokens: 16_000, outputTokens: 1_000 }),
      price,
    );
    expect(cost).toEqual({ nanoUsd: 40_000_000n, usd: '0.04', tier: 'provisioned' });
  });

  it('defaults: output ×1, cache reads ×0; no token price needed; a third of a dollar rounds to the nano-dollar', () => {
    const price = priceOf('bedrock', 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/abc', {
      provisioned: { hourlyUsd: 1, expectedTokensPerHour: 3 },
    });
    expect(computeCost(usage({ inputTokens: 1 }), price)).toEqual({
      nanoUsd: 333_333_333n,
      usd: '0.333333333',
      tier: 'provisioned',
    });
  });
});

describe('toRateMicros and maxRequestCost', () => {
  it('bills absent cache rates at the input rate, never at zero', () => {
    const rates = toRateMicros({ input: 0.72, output: 0.72 });
    expect(rates).toEqual({
      input: 720_000n,
      output: 720_000n,
      cacheRead: 720_000n,
      cacheWrite5m: 720_000n,
      cacheWrite1h: 720_000n,
    });
  });

  it('bounds a request from above: prompt at the dearest prompt rate, every output token, the right tier', () => {
    const price = priceOf('anthropic', 'claude-sonnet-4-0');
    // 1,000 × $6 (1-hour write = 2× $3) + 1,000 × $15 = $0.021
    expect(maxRequestCost(price, 1_000, 1_000).usd).toBe('0.021');
    // Above 200K: 250,000 × $12 + 1,000 × $22.50 = $3.0225
    expect(maxRequestCost(price, 250_000, 1_000)).toMatchObject({ usd: '3.0225', tier: 'long-context' });
  });
});

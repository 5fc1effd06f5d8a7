import { describe, expect, it } from 'vitest';
import { createPriceResolver } from '../../catalog/create-price-resolver.js';
import { loadBundledCatalog } from '../../catalog/load-catalog.js';
import { deploymentPricingSchema } from '../../catalog/price-override-schema.js';
import { emptyUsage } from '../../core/usage.js';
import type { GatewayContext } from '../gateway-context.js';
import type { Target } from '../route/model-registry.js';
import { createCatalogLimitPricing } from './catalog-limit-pricing.js';
import { createFlatPricing } from './limit-pricing.js';

const resolver = createPriceResolver({
  catalog: loadBundledCatalog(),
  providers: { openai: { type: 'openai' }, local: { type: 'openai-compatible' } },
  deployments: {
    // $2.50 input, $1.25 cached, $10 output per 1M (catalog list price).
    'gpt-4o@openai': { provider: 'openai', model: 'gpt-4o' },
    // Explicit: $1 input, $4 output per 1M.
    cheap: {
      provider: 'openai',
      model: 'gpt-4o',
      pricing: deploymentPricingSchema.parse({ prices: { input: 1, output: 4 } }),
    },
    unpriced: { provider: 'local', model: 'my-llama' },
  },
  now: Date.parse('2026-11-25T00:00:00Z'),
});
const flat = createFlatPricing({ inputUsdPerMillion: 15, outputUsdPerMillion: 75 });
const pricing = createCatalogLimitPricing(resolver, flat);

function target(deployment: string, modelId = 'gpt-4o'): Target {
  return { deployment, modelId, provider: { type: 'openai' } } as unknown as Target;
}

function context(fields: Partial<GatewayContext>): GatewayContext {
  return { usage: emptyUsage(), ...fields } as GatewayContext;
}

const estimate = { promptTokens: 800, promptTokensUpperBound: 1_000, maxOutputTokens: 500 };

describe('createCatalogLimitPricing', () => {
  it('reserves the maximum cost on the dearest candidate: 1,000 × $2.50 + 500 × $10 = $0.0075', () => {
    const candidates = [target('cheap'), target('gpt-4o@openai')];
    expect(pricing.maxCostUsd(context({ candidates }), estimate)).toBeCloseTo(0.0075, 12);
    // Alone, the cheap deployment bounds it at 1,000 × $1 + 500 × $4 = $0.003.
    expect(pricing.maxCostUsd(context({ candidates: [target('cheap')] }), estimate)).toBeCloseTo(0.003, 12);
  });

  it('falls back to the flat price when a candidate has no price, so a budget never counts it as free', () => {
    const candidates = [target('gpt-4o@openai'), target('unpriced', 'my-llama')];
    // 1,000 × $15 + 500 × $75 = $0.0525.
    expect(pricing.maxCostUsd(context({ candidates }), estimate)).toBeCloseTo(0.0525, 12);
  });

  it('charges the exact catalog cost of the usage on the served target, cached tokens at their rate', () => {
    const usage = { ...emptyUsage(), inputTokens: 10_000, cacheReadTokens: 6_000, outputTokens: 500 };
    // 4,000 × $2.50 + 6,000 × $1.25 + 500 × $10 = $0.0225.
    expect(pricing.costUsd(context({ target: target('gpt-4o@openai') }), usage)).toBeCloseTo(0.0225, 12);
    expect(pricing.costUsd(context({}), usage)).toBe(0);
  });
});

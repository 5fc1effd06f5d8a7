import { describe, expect, it } from 'vitest';
import { createPriceResolver, PricingConfigError, type PricingDeployment } from './create-price-resolver.js';
import { loadBundledCatalog } from './load-catalog.js';
import { type DeploymentPricingInput, deploymentPricingSchema } from './price-override-schema.js';

const catalog = loadBundledCatalog();
const NOW = Date.parse('2026-11-25T00:00:00Z');
const providers = {
  azure: { type: 'azure-openai' },
  gemini: { type: 'gemini' },
  bedrock: { type: 'bedrock' },
  'sandbox-openai': { type: 'sandbox', emulate: 'openai' },
  local: { type: 'openai-compatible' },
};

function deployment(provider: string, model: string, pricing?: DeploymentPricingInput): PricingDeployment {
  return {
    provider,
    model,
    ...(pricing === undefined ? {} : { pricing: deploymentPricingSchema.parse(pricing) }),
  };
}

const target = (name: string, modelId = '', type = '') => ({ deployment: name, provider: { type }, modelId });

describe('createPriceResolver', () => {
  it('resolves each configured deployment at start, sandbox accounts by the type they emulate', () => {
    const resolver = createPriceResolver({
      catalog,
      providers,
      deployments: {
        mini: deployment('sandbox-openai', 'gpt-4o-mini'),
        custom: deployment('azure', 'prod-chat'),
      },
      now: NOW,
    });
    expect(resolver.forTarget(target('mini')).model?.id).toBe('gpt-4o-mini');
    expect(resolver.forTarget(target('mini')).providerType).toBe('openai');
    expect(resolver.forTarget(target('custom')).price).toBeUndefined();
    expect(resolver.unpricedDeployments()).toEqual(['custom']);
  });

  it('refuses pricing it cannot honour, naming the path', () => {
    const build = () =>
      createPriceResolver({
        catalog,
        providers,
        deployments: {
          typo: deployment('azure', 'prod-chat', { catalogModel: 'gpt-4.2' }),
          nothing: deployment('bedrock', 'meta.llama3-1-405b-instruct-v1:0', { discountPercent: 10 }),
        },
      });
    expect(build).toThrow(PricingConfigError);
    expect(build).toThrow('deployments.typo.pricing.catalogModel: no catalog model "gpt-4.2"');
    expect(build).toThrow('deployments.nothing.pricing.discountPercent: the catalog has no token price');
  });

  it('validates the pricing block itself: strict keys, bounds, discount or prices', () => {
    expect(deploymentPricingSchema.safeParse({ discountPercent: 101 }).success).toBe(false);
    expect(deploymentPricingSchema.safeParse({ discount: 10 }).success).toBe(false);
    expect(
      deploymentPricingSchema.safeParse({ prices: { input: 1, output: 2 }, discountPercent: 5 }).success,
    ).toBe(false);
    expect(
      deploymentPricingSchema.safeParse({ provisioned: { hourlyUsd: 0, expectedTokensPerHour: 1 } }).success,
    ).toBe(false);
    expect(
      deploymentPricingSchema.parse({ provisioned: { hourlyUsd: 2, expectedTokensPerHour: 9 } }),
    ).toEqual({
      provisioned: { hourlyUsd: 2, expectedTokensPerHour: 9, outputTokenWeight: 1, cacheReadTokenWeight: 0 },
    });
  });

  it('warns about deprecated and retired models, naming the replacement', () => {
    const resolver = createPriceResolver({
      catalog,
      providers,
      deployments: {
        old: deployment('azure', 'gpt-4o'),
        pro: deployment('gemini', 'gemini-2.5-pro'),
        current: deployment('azure', 'gpt-5'),
      },
      now: NOW,
    });
    expect(resolver.forTarget(target('old')).warning).toEqual({
      type: 'deprecated-model',
      model: 'gpt-4o',
      replacement: 'gpt-5.1',
    });
    expect(resolver.forTarget(target('pro')).warning).toEqual({
      type: 'deprecated-model',
      model: 'gemini-2.5-pro',
      replacement: 'gemini-3-pro-preview',
    });
    expect(resolver.forTarget(target('current')).warning).toBeUndefined();
  });

  it('treats a GA model as retired once its retirement date has passed', () => {
    const deployments = { mini: deployment('azure', 'gpt-5-mini') };
    const before = createPriceResolver({
      catalog,
      providers,
      deployments,
      now: Date.parse('2027-02-05T00:00:00Z'),
    });
    const after = createPriceResolver({
      catalog,
      providers,
      deployments,
      now: Date.parse('2027-02-06T00:00:00Z'),
    });
    expect(before.forTarget(target('mini')).warning).toBeUndefined();
    expect(after.forTarget(target('mini')).warning).toEqual({
      type: 'deprecated-model',
      model: 'gpt-5-mini',
    });
  });

  it('re-prices by the model that answered when it is another catalog entry', () => {
    const resolver = createPriceResolver({
      catalog,
      providers,
      deployments: {
        azure4o: deployment('azure', 'gpt-4o'),
        routed: deployment('gemini', 'gemini-2.5-pro'),
        pinned: deployment('azure', 'gpt-4o', { catalogModel: 'gpt-4o' }),
      },
      now: NOW,
    });
    const azure = resolver.forTarget(target('azure4o'));
    expect(resolver.forServedModel(azure, 'gpt-4o-2024-08-06')).toBe(azure);
    const older = resolver.forServedModel(azure, 'gpt-4o-2024-05-13');
    expect(older.model?.id).toBe('gpt-4o-2024-05-13');
    expect(older.price?.standard.input).toBe(5_000_000n);
    expect(resolver.forServedModel(azure, 'gpt-4o-2024-05-13')).toBe(older);
    // The Gemini API auto-routes a shut-down model to 3.x, billed at the new rates.
    const routed = resolver.forServedModel(resolver.forTarget(target('routed')), 'gemini-3-pro-preview');
    expect([routed.model?.id, routed.price?.standard.output, routed.warning]).toEqual([
      'gemini-3-pro-preview',
      12_000_000n,
      undefined,
    ]);
    const pinned = resolver.forTarget(target('pinned'));
    expect(resolver.forServedModel(pinned, 'gpt-4o-2024-05-13')).toBe(pinned);
    expect(resolver.forServedModel(azure, 'not-in-the-catalog')).toBe(azure);
  });

  it('resolves a deployment it was not given on first use, from the target, and keeps it', () => {
    const resolver = createPriceResolver({ catalog, now: NOW });
    const first = resolver.forTarget(
      target('adhoc', 'global.anthropic.claude-haiku-4-5-20251001-v1:0', 'bedrock'),
    );
    expect([first.model?.id, first.scope, first.price?.standard.input]).toEqual([
      'claude-haiku-4-5',
      'global',
      1_000_000n,
    ]);
    expect(resolver.forTarget(target('adhoc', 'something-else', 'bedrock'))).toBe(first);
    expect(resolver.forTarget(target('self-hosted', 'llama', 'openai-compatible')).price).toBeUndefined();
  });
});

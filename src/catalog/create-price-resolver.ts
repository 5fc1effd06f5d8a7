import type { Warning } from '../core/warning.js';
import type { CatalogModel, CatalogProviderType, Price } from './catalog-schema.js';
import { type EffectivePrice, type TokenRateMicros, toRateMicros } from './compute-cost.js';
import { scaleDecimal } from './decimal-usd.js';
import { isCatalogProviderType, type ModelCatalog } from './model-catalog.js';
import type { PriceScope } from './normalize-model-id.js';
import type { DeploymentPricing } from './price-override-schema.js';

/** The parts of a configured deployment pricing needs (structurally `DeploymentConfig`). */
export interface PricingDeployment {
  provider: string;
  model: string;
  pricing?: DeploymentPricing | undefined;
}

/** The parts of a configured provider account pricing needs (structurally `ProviderConfig`). */
export interface PricingProvider {
  type: string;
  /** `sandbox` accounts: the provider type they emulate. */
  emulate?: string;
  /** Vertex: `global` endpoints have their own price for some models. */
  location?: string;
}

/** What one deployment costs, resolved once: the catalog entry, the effective price, the warning. */
export interface TargetPricing {
  deployment: string;
  /** Undefined for provider types without a catalog file (openai-compatible). */
  providerType: CatalogProviderType | undefined;
  model: CatalogModel | undefined;
  scope: PriceScope | undefined;
  /** Undefined when nothing prices the deployment: its requests get a null cost. */
  price: EffectivePrice | undefined;
  /** `deprecated-model` when the catalog entry is deprecated, retired or past its retirement date. */
  warning: Warning | undefined;
  pricing: DeploymentPricing | undefined;
}

export interface PriceResolver {
  /** The pricing of the deployment a target belongs to (resolved at start, or once on first use). */
  forTarget(target: { deployment: string; provider: { type: string }; modelId: string }): TargetPricing;
  /**
   * The pricing for the model that actually answered, when it is another catalog entry than the
   * deployment's (an Azure deployment name pointing at another version, a provider auto-routing a
   * retired model). Explicit prices and a pinned `catalogModel` always win.
   */
  forServedModel(pricing: TargetPricing, servedModelId: string | undefined): TargetPricing;
  /** Configured deployments no price covers (to warn about at start). */
  unpricedDeployments(): string[];
}

export interface PriceResolverOptions {
  catalog: ModelCatalog;
  deployments?: Readonly<Record<string, PricingDeployment>>;
  providers?: Readonly<Record<string, PricingProvider>>;
  /** Epoch ms lifecycle dates are compared with (default: now). */
  now?: number;
}

/** Deployment pricing that cannot be honoured; `issues` are `path: message` lines. */
export class PricingConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`Invalid deployment pricing:\n${issues.map((issue) => `  - ${issue}`).join('\n')}`);
    this.name = 'PricingConfigError';
  }
}

const ZERO_RATES: TokenRateMicros = {
  input: 0n,
  output: 0n,
  cacheRead: 0n,
  cacheWrite5m: 0n,
  cacheWrite1h: 0n,
};
const SERVED_CACHE_LIMIT = 1_000;

function lifecycleWarning(model: CatalogModel | undefined, now: number): Warning | undefined {
  if (model === undefined) return undefined;
  const { status, retires, replacement } = model.lifecycle;
  const pastRetirement = retires !== undefined && Date.parse(retires) <= now;
  if (status !== 'deprecated' && status !== 'retired' && !pastRetirement) return undefined;
  return { type: 'deprecated-model', model: model.id, ...(replacement === undefined ? {} : { replacement }) };
}

function listPrice(model: CatalogModel | undefined, scope: PriceScope | undefined): Price | undefined {
  if (model === undefined) return undefined;
  return scope === 'global' ? (model.globalPrice ?? model.price) : model.price;
}

function buildPrice(
  list: Price | undefined,
  pricing: DeploymentPricing | undefined,
  path: string,
  issues: string[],
): EffectivePrice | undefined {
  const rates = pricing?.prices ?? (list?.input === undefined ? undefined : { ...list, input: list.input });
  const provisioned = pricing?.provisioned;
  if (rates === undefined && provisioned === undefined) {
    if (pricing?.discountPercent !== undefined)
      issues.push(`${path}.discountPercent: the catalog has no token price for this model to discount`);
    return undefined;
  }
  const discountPpm = pricing?.discountPercent === undefined ? 0n : scaleDecimal(pricing.discountPercent, 4);
  const longContext = rates?.longContext;
  return {
    standard: rates === undefined ? ZERO_RATES : toRateMicros(rates),
    ...(longContext === undefined
      ? {}
      : { longContext: { ...toRateMicros(longContext), aboveInputTokens: longContext.aboveInputTokens } }),
    multiplierPpm: 1_000_000n - discountPpm,
    ...(provisioned === undefined
      ? {}
      : {
          provisioned: {
            hourlyMicroUsd: scaleDecimal(provisioned.hourlyUsd, 6),
            expectedTokensPerHour: BigInt(provisioned.expectedTokensPerHour),
            outputTokenWeightPpm: scaleDecimal(provisioned.outputTokenWeight, 6),
            cacheReadTokenWeightPpm: scaleDecimal(provisioned.cacheReadTokenWeight, 6),
          },
        }),
  };
}

interface ResolveInput {
  deployment: string;
  providerType: string;
  modelId: string;
  location: string | undefined;
  pricing: DeploymentPricing | undefined;
}

function resolveDeployment(
  catalog: ModelCatalog,
  input: ResolveInput,
  now: number,
  issues: string[],
): TargetPricing {
  const path = `deployments.${input.deployment}.pricing`;
  const providerType = isCatalogProviderType(input.providerType) ? input.providerType : undefined;
  const pinned = input.pricing?.catalogModel;
  let model: CatalogModel | undefined;
  let scope: PriceScope | undefined;
  if (providerType !== undefined) {
    const match = catalog.find(providerType, input.modelId);
    scope = match?.scope;
    model = pinned === undefined ? match?.model : catalog.byId(providerType, pinned);
  }
  if (pinned !== undefined && model === undefined)
    issues.push(
      `${path}.catalogModel: no catalog model "${pinned}" for provider type "${input.providerType}"`,
    );
  if (input.location !== undefined) scope = input.location === 'global' ? 'global' : 'standard';
  return {
    deployment: input.deployment,
    providerType,
    model,
    scope,
    price: buildPrice(listPrice(model, scope), input.pricing, path, issues),
    warning: lifecycleWarning(model, now),
    pricing: input.pricing,
  };
}

/**
 * Resolves every configured deployment's price once, at start: the catalog entry its `model` (or
 * `pricing.catalogModel`) names, the global or standard list price, a negotiated discount or
 * explicit prices, provisioned capacity, and the lifecycle warning. Throws `PricingConfigError`
 * when a pricing block cannot be honoured. Deployments it was not given (tests) resolve on first use.
 *
 * @example
 * const pricing = createPriceResolver({ catalog: loadCatalog(), deployments: config.deployments, providers: config.providers });
 * pricing.forTarget(target).price; // EffectivePrice | undefined
 */
export function createPriceResolver(options: PriceResolverOptions): PriceResolver {
  const { catalog } = options;
  const now = options.now ?? Date.now();
  const resolved = new Map<string, TargetPricing>();
  const issues: string[] = [];
  for (const [deployment, config] of Object.entries(options.deployments ?? {})) {
    const provider = options.providers?.[config.provider];
    const providerType =
      provider?.type === 'sandbox' ? (provider.emulate ?? 'sandbox') : (provider?.type ?? '');
    const location = providerType === 'vertex' ? provider?.location : undefined;
    const input = { deployment, providerType, modelId: config.model, location, pricing: config.pricing };
    resolved.set(deployment, resolveDeployment(catalog, input, now, issues));
  }
  if (issues.length > 0) throw new PricingConfigError(issues);
  const served = new Map<string, TargetPricing>();

  return {
    forTarget(target) {
      let pricing = resolved.get(target.deployment);
      if (pricing === undefined) {
        const input = {
          deployment: target.deployment,
          providerType: target.provider.type,
          modelId: target.modelId,
          location: undefined,
          pricing: undefined,
        };
        pricing = resolveDeployment(catalog, input, now, []);
        resolved.set(target.deployment, pricing);
      }
      return pricing;
    },
    forServedModel(pricing, servedModelId) {
      const { providerType } = pricing;
      if (servedModelId === undefined || providerType === undefined) return pricing;
      if (pricing.pricing?.prices !== undefined || pricing.pricing?.catalogModel !== undefined)
        return pricing;
      const key = `${pricing.deployment}\n${servedModelId}`;
      const cached = served.get(key);
      if (cached !== undefined) return cached;
      const match = catalog.find(providerType, servedModelId);
      let result = pricing;
      if (match !== undefined && match.model !== pricing.model) {
        const price = buildPrice(listPrice(match.model, pricing.scope), pricing.pricing, '', []);
        result = { ...pricing, model: match.model, price, warning: lifecycleWarning(match.model, now) };
      }
      if (served.size < SERVED_CACHE_LIMIT) served.set(key, result);
      return result;
    },
    unpricedDeployments() {
      return [...resolved.values()]
        .filter((entry) => entry.price === undefined)
        .map((entry) => entry.deployment);
    },
  };
}

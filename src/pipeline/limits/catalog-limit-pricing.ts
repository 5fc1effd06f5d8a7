import type { PriceResolver } from '../../catalog/create-price-resolver.js';
import { maxRequestCost } from '../../catalog/max-request-cost.js';
import type { Usage } from '../../core/usage.js';
import { priceRequest } from '../accounting/price-request.js';
import type { GatewayContext } from '../gateway-context.js';
import type { RequestEstimate } from './estimate-request.js';
import type { LimitPricing } from './limit-pricing.js';

const NANO_PER_USD = 1_000_000_000;

/**
 * Budget prices from the catalog (and each deployment's overrides), the same prices the usage row
 * gets. The reservation is the request's maximum cost on the dearest candidate it could be routed
 * to — every prompt token at the dearest prompt rate, every allowed output token — so concurrent
 * requests cannot overshoot a budget by more than one request. A candidate nothing prices falls back
 * to `unpriced` (the deliberately high `limits.defaultPrice`), for both the reservation and the
 * charge: a budget never treats an unknown price as free.
 *
 * @example
 * const pricing = createCatalogLimitPricing(resolver, createFlatPricing({ inputUsdPerMillion: 15, outputUsdPerMillion: 75 }));
 */
export function createCatalogLimitPricing(resolver: PriceResolver, unpriced: LimitPricing): LimitPricing {
  return {
    maxCostUsd(context: GatewayContext, estimate: RequestEstimate): number {
      const candidates = context.candidates ?? [];
      if (candidates.length === 0) return unpriced.maxCostUsd(context, estimate);
      let maxNano = 0n;
      for (const target of candidates) {
        const price = resolver.forTarget(target).price;
        if (price === undefined) return unpriced.maxCostUsd(context, estimate);
        const cost = maxRequestCost(price, estimate.promptTokensUpperBound, estimate.maxOutputTokens);
        if (cost.nanoUsd > maxNano) maxNano = cost.nanoUsd;
      }
      return Number(maxNano) / NANO_PER_USD;
    },
    costUsd(context: GatewayContext, usage: Usage): number {
      const target = context.target;
      if (target === undefined) return 0;
      const pricing = resolver.forServedModel(resolver.forTarget(target), context.modelServed);
      if (pricing.price === undefined) return unpriced.costUsd(context, usage);
      const cost = priceRequest({ ...context, usage }, pricing, undefined);
      return cost === null ? unpriced.costUsd(context, usage) : Number(cost.nanoUsd) / NANO_PER_USD;
    },
  };
}

import type { Usage } from '../../core/usage.js';
import type { GatewayContext } from '../gateway-context.js';
import type { RequestEstimate } from './estimate-request.js';

/**
 * Prices for the budget checks. This is the integration point with the catalog: once per-deployment
 * prices exist, `maxCostUsd` becomes "the estimate priced on the most expensive of
 * `context.candidates`" and `costUsd` becomes the exact cost of `usage` on `context.target`
 * (the catalog's `computeCost`). Until then a flat, deliberately high price is used for both.
 */
export interface LimitPricing {
  /**
   * An upper bound of what the request can cost on any candidate (price `promptTokensUpperBound`
   * and `maxOutputTokens`); reserved against budgets, so it must not underestimate.
   */
  maxCostUsd(context: GatewayContext, estimate: RequestEstimate): number;
  /** What the exchange actually cost; replaces the reservation when it ends. */
  costUsd(context: GatewayContext, usage: Usage): number;
}

export interface FlatPrice {
  inputUsdPerMillion: number;
  outputUsdPerMillion: number;
}

/**
 * One price for every model. The configured default (`limits.defaultPrice`) is set at the top of
 * the market, so budgets err on the side of stopping early while real prices are unknown.
 *
 * @example
 * const pricing = createFlatPricing({ inputUsdPerMillion: 15, outputUsdPerMillion: 75 });
 * pricing.costUsd(context, { ...emptyUsage(), inputTokens: 1_000_000 }) // 15
 */
export function createFlatPricing(price: FlatPrice): LimitPricing {
  const cost = (inputTokens: number, outputTokens: number) =>
    (inputTokens * price.inputUsdPerMillion + outputTokens * price.outputUsdPerMillion) / 1_000_000;
  return {
    maxCostUsd: (_context, estimate) => cost(estimate.promptTokensUpperBound, estimate.maxOutputTokens),
    costUsd: (_context, usage) => cost(usage.inputTokens, usage.outputTokens),
  };
}

import { z } from 'zod';
import { hasAtMostDecimals } from './decimal-usd.js';

const usd = z
  .number()
  .nonnegative()
  .refine((value) => hasAtMostDecimals(value, 6), { message: 'at most 6 decimal places' });

const weight = z
  .number()
  .nonnegative()
  .refine((value) => hasAtMostDecimals(value, 6), { message: 'at most 6 decimal places' });

const ratesShape = {
  input: usd,
  output: usd.optional(),
  cacheRead: usd.optional(),
  cacheWrite5m: usd.optional(),
  cacheWrite1h: usd.optional(),
};

/** Explicit USD-per-1M-token prices for a deployment; they replace the catalog's list rates. */
export const explicitPricesSchema = z.strictObject({
  ...ratesShape,
  longContext: z.strictObject({ ...ratesShape, aboveInputTokens: z.number().int().positive() }).optional(),
});

/** Hourly-billed capacity (Azure PTU, Bedrock model units / reserved tier, Vertex GSU). */
export const provisionedCostSchema = z.strictObject({
  /** What the capacity costs per hour, after any reservation discount. */
  hourlyUsd: usd.refine((value) => value > 0, { message: 'must be greater than 0' }),
  /**
   * Weighted tokens you expect the deployment to serve per hour: throughput per minute × 60 × the
   * utilisation you plan for. Requests are charged `hourlyUsd × their weighted tokens / this`.
   */
  expectedTokensPerHour: z.number().int().positive(),
  /** One output token counts as this many input tokens (Azure PTU: 4 for gpt-4.1, 8 for gpt-5). */
  outputTokenWeight: weight.default(1),
  /** One cache-read token counts as this many (Azure PTU and Bedrock reserved capacity: 0). */
  cacheReadTokenWeight: weight.default(0),
});

/**
 * `pricing` on a deployment: which catalog entry prices it, a negotiated discount or explicit
 * prices, and provisioned capacity. Every field is optional; without any, the catalog entry that
 * matches the deployment's `model` prices it at list.
 *
 * @example
 * deploymentPricingSchema.parse({ catalogModel: 'gpt-4o', discountPercent: 12.5 });
 */
export const deploymentPricingSchema = z
  .strictObject({
    /**
     * The catalog id to price by, when `model` does not name one: Azure deployments with custom
     * names, Bedrock provisioned-model or application-inference-profile ARNs.
     */
    catalogModel: z.string().min(1).optional(),
    /** Negotiated discount off the catalog's list token prices (e.g. an EDP or MACC rate). */
    discountPercent: z
      .number()
      .min(0)
      .max(100)
      .refine((value) => hasAtMostDecimals(value, 4), { message: 'at most 4 decimal places' })
      .optional(),
    /** Prices that replace the catalog's (self-hosted models, private offers). */
    prices: explicitPricesSchema.optional(),
    provisioned: provisionedCostSchema.optional(),
  })
  .refine((pricing) => pricing.discountPercent === undefined || pricing.prices === undefined, {
    message: 'give either discountPercent or prices, not both (explicit prices are already net)',
  });

export type DeploymentPricing = z.output<typeof deploymentPricingSchema>;
export type DeploymentPricingInput = z.input<typeof deploymentPricingSchema>;

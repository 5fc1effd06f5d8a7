import { computeCost, type RequestCost } from '../../catalog/compute-cost.js';
import type { PriceResolver, TargetPricing } from '../../catalog/create-price-resolver.js';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ProviderMetadata } from '../../core/chat-result.js';
import type { GatewayContext } from '../gateway-context.js';

export interface CacheWriteSplit {
  fiveMinute: number;
  oneHour: number;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : fallback;
}

/** One-hour writes a provider reported: Anthropic's `cacheCreation` split, Bedrock's `cacheDetails`. */
function reportedOneHourWrites(metadata: ProviderMetadata | undefined): number | undefined {
  for (const entry of Object.values(metadata ?? {})) {
    const creation = entry['cacheCreation'];
    if (creation !== null && typeof creation === 'object' && 'ephemeral1hInputTokens' in creation) {
      return numberOr(creation.ephemeral1hInputTokens, 0);
    }
    const details = entry['cacheDetails'];
    if (Array.isArray(details)) {
      let oneHour = 0;
      for (const detail of details as unknown[]) {
        if (detail !== null && typeof detail === 'object' && 'ttl' in detail && detail.ttl === '1h')
          oneHour += numberOr('inputTokens' in detail ? detail.inputTokens : undefined, 0);
      }
      return oneHour;
    }
  }
  return undefined;
}

/** True when the request set cache breakpoints and every one asked for an hour. */
function requestedOneHourOnly(request: ChatRequest | undefined): boolean {
  let breakpoints = 0;
  for (const message of request?.messages ?? []) {
    for (const part of message.content) {
      if (!('cacheControl' in part) || part.cacheControl === undefined) continue;
      if (part.cacheControl.ttl !== '1h') return false;
      breakpoints++;
    }
  }
  return breakpoints > 0;
}

/**
 * Splits canonical cache writes by lifetime, which price differently (Claude: 1.25× vs 2× input).
 * The provider's own split wins (Anthropic `cache_creation`, Bedrock `cacheDetails`); without one,
 * the writes are 1-hour only when every breakpoint of the request asked for an hour — the same rule
 * the Anthropic dialect uses to report them — and 5-minute otherwise.
 *
 * @example
 * splitCacheWrites(1800, { anthropic: { cacheCreation: { ephemeral5mInputTokens: 0, ephemeral1hInputTokens: 1800 } } }, undefined)
 * // { fiveMinute: 0, oneHour: 1800 }
 */
export function splitCacheWrites(
  cacheWriteTokens: number,
  metadata: ProviderMetadata | undefined,
  request: ChatRequest | undefined,
): CacheWriteSplit {
  if (cacheWriteTokens <= 0) return { fiveMinute: 0, oneHour: 0 };
  const reported = reportedOneHourWrites(metadata);
  const oneHour =
    reported !== undefined
      ? Math.min(cacheWriteTokens, reported)
      : requestedOneHourOnly(request)
        ? cacheWriteTokens
        : 0;
  return { fiveMinute: cacheWriteTokens - oneHour, oneHour };
}

/**
 * The pricing for what actually answered: the deployment's, or another catalog entry's when the
 * served model differs (see `PriceResolver.forServedModel`).
 *
 * @example
 * const pricing = servedPricing(context, resolver); // after context.modelServed is known
 */
export function servedPricing(context: GatewayContext, resolver: PriceResolver): TargetPricing | undefined {
  const pricing = context.pricing;
  return pricing === undefined ? undefined : resolver.forServedModel(pricing, context.modelServed);
}

/**
 * Prices the request from its (final) usage: null when nothing prices the target.
 *
 * @example
 * context.cost = priceRequest(context, pricing, result.providerMetadata);
 */
export function priceRequest(
  context: GatewayContext,
  pricing: TargetPricing | undefined,
  metadata: ProviderMetadata | undefined,
): RequestCost | null {
  const price = pricing?.price;
  if (price === undefined) return null;
  const { usage } = context;
  const request = context.parsed?.operation === 'chat' ? context.parsed.request : undefined;
  const writes = splitCacheWrites(usage.cacheWriteTokens, metadata, request);
  return computeCost(
    {
      inputTokens: usage.inputTokens,
      outputTokens: usage.outputTokens,
      cacheReadTokens: usage.cacheReadTokens,
      cacheWrite5mTokens: writes.fiveMinute,
      cacheWrite1hTokens: writes.oneHour,
    },
    price,
  );
}

import type { PriceResolver } from '../../catalog/create-price-resolver.js';
import { createPriceResolver } from '../../catalog/create-price-resolver.js';
import { loadBundledCatalog } from '../../catalog/load-catalog.js';
import type { ProviderMetadata } from '../../core/chat-result.js';
import { toGatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type { Stage } from '../compose.js';
import type { GatewayContext } from '../gateway-context.js';
import { accountStream } from './account-stream.js';
import { priceRequest, servedPricing } from './price-request.js';

/** Text chunks streamed per request, kept off the context type so only accounting sees them. */
export const streamedTextByContext = new WeakMap<GatewayContext, string[]>();

/** Per-request state `buildUsageRow` needs to price a stream once it has ended. */
export interface StreamPricingState {
  resolver: PriceResolver;
  /** The provider metadata of the stream's `finish` part (cache-write lifetimes). */
  metadata: ProviderMetadata | undefined;
}

export const streamPricingByContext = new WeakMap<GatewayContext, StreamPricingState>();

export interface AccountingStageOptions {
  /**
   * Prices deployments. Default: the bundled catalog at list price (loaded and validated when the
   * stage is created, i.e. at start); the gateway passes one built from the config's deployments.
   */
  pricing?: PriceResolver;
}

function addWarning(context: GatewayContext, warning: Warning | undefined): void {
  if (warning === undefined) return;
  const exists = context.warnings.some(
    (known) =>
      known.type === 'deprecated-model' &&
      warning.type === 'deprecated-model' &&
      known.model === warning.model,
  );
  if (!exists) context.warnings.push(warning);
}

/**
 * The outermost stage: whatever happens inside, the context ends up holding the usage, the error
 * and the outcome that `finishExchange` turns into one usage row. Results are priced here, before
 * the response headers are written (`x-converge-cost-usd`); streams are wrapped so tokens are
 * tallied as they pass and priced when the row is built. A deprecated or retired target adds a
 * `deprecated-model` warning naming its replacement.
 */
export function createAccountingStage(options: AccountingStageOptions = {}): Stage {
  const resolver = options.pricing ?? createPriceResolver({ catalog: loadBundledCatalog() });
  return async function account(context, next) {
    try {
      await next();
    } catch (error: unknown) {
      context.error = toGatewayError(error);
      throw context.error;
    }
    const output = context.output;
    if (output === undefined) return;
    if (context.target !== undefined) context.pricing = resolver.forTarget(context.target);
    if (output.type === 'stream') {
      addWarning(context, context.pricing?.warning);
      const streamed: string[] = [];
      const pricingState: StreamPricingState = { resolver, metadata: undefined };
      streamedTextByContext.set(context, streamed);
      streamPricingByContext.set(context, pricingState);
      context.output = {
        type: 'stream',
        stream: accountStream(context, output.stream, streamed, (metadata) => {
          pricingState.metadata = metadata;
        }),
      };
      return;
    }
    let metadata: ProviderMetadata | undefined;
    if (output.type === 'chat') {
      context.usage = output.result.usage;
      metadata = output.result.providerMetadata;
    } else {
      context.usage = { ...context.usage, inputTokens: output.result.usage.inputTokens };
    }
    context.modelServed = output.result.modelId;
    context.completed = true;
    context.warnings.push(...output.result.warnings);
    const pricing = servedPricing(context, resolver);
    addWarning(context, pricing?.warning);
    context.cost = priceRequest(context, pricing, metadata);
  };
}

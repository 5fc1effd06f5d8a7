import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { LimitStore } from '../../limits/limit-store.js';
import { openLimitStore } from '../../limits/open-limit-store.js';
import { createFlatPricing, type LimitPricing } from './limit-pricing.js';
import type { LimitsStageOptions } from './limits-stage.js';

export interface OpenedLimits {
  /** For `new Gateway({ …, limits })`; undefined when governance is off (nothing is opened). */
  options: LimitsStageOptions | undefined;
  /** Saves memory spend / disconnects Redis. Call after the gateway drained. */
  close(): Promise<void>;
}

export interface OpenLimitsOptions {
  log: Logger;
  /** Budget prices: the catalog's (`createCatalogLimitPricing`); default the flat `limits.defaultPrice`. */
  pricing?: LimitPricing;
  /** Counts refusals (the `converge_limit_rejections_total` metric). */
  onRejection?: LimitsStageOptions['onRejection'];
  /** Epoch ms; for tests that control the minute windows. */
  clock?: () => number;
}

/**
 * Everything the limits stage needs, from the config: the store, pricing and the store-failure
 * policy. Each key's limits travel on its principal (`limitScopes`, built from the key store and the
 * config's defaults), since the admin API can set them at any time. Opens nothing when
 * `governance.enabled` is false.
 *
 * @example
 * const limits = await openLimits(config, { log });
 * const gateway = new Gateway({ log, keys, registry, usage, upstreamTimeoutMs, limits: limits.options });
 * // … on shutdown, after gateway.drain():
 * await limits.close();
 */
export async function openLimits(
  config: Pick<Config, 'limits' | 'storage' | 'governance'>,
  options: OpenLimitsOptions,
): Promise<OpenedLimits> {
  if (!config.governance.enabled) return { options: undefined, close: async () => {} };
  const store: LimitStore = await openLimitStore(config.limits, {
    dataDir: config.storage.dataDir,
    log: options.log,
  });
  return {
    options: {
      store,
      pricing: options.pricing ?? createFlatPricing(config.limits.defaultPrice),
      onStoreError: config.limits.onStoreError,
      defaultMaxOutputTokens: config.limits.defaultMaxOutputTokens,
      leaseMs: config.limits.leaseMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.onRejection === undefined ? {} : { onRejection: options.onRejection }),
    },
    close: () => store.close(),
  };
}

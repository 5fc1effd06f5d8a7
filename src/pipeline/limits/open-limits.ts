import type { Logger } from 'pino';
import type { Config } from '../../config/schema.js';
import type { LimitStore } from '../../limits/limit-store.js';
import { openLimitStore } from '../../limits/open-limit-store.js';
import { configHasLimits, createKeyLimitsPolicy } from './key-limits-policy.js';
import { createFlatPricing, type LimitPricing } from './limit-pricing.js';
import type { LimitsStageOptions } from './limits-stage.js';

export interface OpenedLimits {
  /** For `new Gateway({ …, limits })`; undefined when no key has a limit (nothing is opened). */
  options: LimitsStageOptions | undefined;
  /** Saves memory spend / disconnects Redis. Call after the gateway drained. */
  close(): Promise<void>;
}

export interface OpenLimitsOptions {
  log: Logger;
  /** Replaces the flat default price (the catalog's pricing, once wired). */
  pricing?: LimitPricing;
  /** Epoch ms; for tests that control the minute windows. */
  clock?: () => number;
}

/**
 * Everything the limits stage needs, from the config: the store, each key's limits, pricing and
 * the store-failure policy. Opens nothing when no key (and no default) has a limit or budget.
 *
 * @example
 * const limits = await openLimits(config, { log });
 * const gateway = new Gateway({ log, keys, registry, usage, upstreamTimeoutMs, limits: limits.options });
 * // … on shutdown, after gateway.drain():
 * await limits.close();
 */
export async function openLimits(
  config: Pick<Config, 'keys' | 'limits' | 'storage'>,
  options: OpenLimitsOptions,
): Promise<OpenedLimits> {
  if (!configHasLimits(config)) return { options: undefined, close: async () => {} };
  const store: LimitStore = await openLimitStore(config.limits, {
    dataDir: config.storage.dataDir,
    log: options.log,
  });
  return {
    options: {
      store,
      limitsFor: createKeyLimitsPolicy(config),
      pricing: options.pricing ?? createFlatPricing(config.limits.defaultPrice),
      onStoreError: config.limits.onStoreError,
      defaultMaxOutputTokens: config.limits.defaultMaxOutputTokens,
      leaseMs: config.limits.leaseMs,
      ...(options.clock === undefined ? {} : { clock: options.clock }),
    },
    close: () => store.close(),
  };
}

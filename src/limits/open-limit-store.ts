import { join } from 'node:path';
import type { Logger } from 'pino';
import type { LimitsConfig } from '../config/schema.js';
import type { LimitStore } from './limit-store.js';
import { createJsonSpendFile } from './memory/json-spend-file.js';
import { MemoryLimitStore } from './memory/memory-limit-store.js';

const CONNECT_ERROR_LOG_INTERVAL_MS = 30_000;

/**
 * Opens the configured LimitStore: memory (one node; budget spend saved to
 * `<dataDir>/limit-spend.json` unless `spendFile` says otherwise) or Redis (shared by replicas).
 * Redis connection errors are logged at most every 30 s while it stays down.
 *
 * @example
 * const store = await openLimitStore(config.limits, { dataDir: config.storage.dataDir, log });
 */
export async function openLimitStore(
  config: Pick<LimitsConfig, 'store' | 'leaseMs'>,
  options: { dataDir: string; log: Logger },
): Promise<LimitStore> {
  const { store } = config;
  if (store.type === 'memory') {
    return MemoryLimitStore.open({
      leaseMs: config.leaseMs,
      persistence: createJsonSpendFile(store.spendFile ?? join(options.dataDir, 'limit-spend.json')),
      persistIntervalMs: store.persistIntervalMs,
      onPersistError: (error) => options.log.error({ err: error }, 'could not save limit spend'),
    });
  }
  let lastLogged = 0;
  // Loaded only when configured: a single node never pays for the Redis client.
  const { RedisLimitStore } = await import('./redis/redis-limit-store.js');
  return RedisLimitStore.open(
    {
      url: store.url,
      keyPrefix: store.keyPrefix,
      leaseMs: config.leaseMs,
      commandTimeoutMs: store.commandTimeoutMs,
    },
    (error) => {
      const now = Date.now();
      if (now - lastLogged < CONNECT_ERROR_LOG_INTERVAL_MS) return;
      lastLogged = now;
      options.log.warn({ err: error }, 'limit store (Redis) unavailable');
    },
  );
}

import { createHash, timingSafeEqual } from 'node:crypto';
import type { KeyStore, VirtualKeyRecord } from '../../storage/types.js';
import type { Principal } from '../gateway-context.js';

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export interface KeyResolver {
  resolve(secret: string): Promise<Principal | undefined>;
  /** Drops cached entries, e.g. after a key was revoked. */
  invalidate(): void;
}

interface CacheEntry {
  record: VirtualKeyRecord | undefined;
  loadedAt: number;
}

/**
 * Resolves a presented secret to a principal by its SHA-256, with a short in-memory cache so the
 * store is not on the hot path. Revocation and expiry are re-checked on every hit.
 */
export function createKeyResolver(
  store: KeyStore,
  options: { cacheTtlMs?: number; maxEntries?: number } = {},
) {
  const ttl = options.cacheTtlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const cache = new Map<string, CacheEntry>();

  async function lookup(hash: string, now: number): Promise<VirtualKeyRecord | undefined> {
    const cached = cache.get(hash);
    if (cached !== undefined && now - cached.loadedAt < ttl) return cached.record;
    const record = await store.findByHash(hash);
    if (cache.size >= maxEntries) cache.clear();
    cache.set(hash, { record, loadedAt: now });
    return record;
  }

  const resolver: KeyResolver = {
    async resolve(secret) {
      const now = Date.now();
      const hash = hashKey(secret);
      const record = await lookup(hash, now);
      if (record === undefined) return undefined;
      // The map lookup already matched; compare in constant time anyway so no code path leaks timing.
      if (!timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
      if (record.revokedAt !== null && record.revokedAt <= now) return undefined;
      if (record.expiresAt !== null && record.expiresAt <= now) return undefined;
      return { keyId: record.id, keyName: record.name, models: record.models };
    },
    invalidate() {
      cache.clear();
    },
  };
  return resolver;
}

import { createHash, timingSafeEqual } from 'node:crypto';
import { ACCESS_KEY_ID_PATTERN } from '../../security/generate-aws-key-pair.js';
import type { SecretBox } from '../../security/secret-box.js';
import type { AwsKeyPairRecord, AwsKeyPairStore, KeyStore, VirtualKeyRecord } from '../../storage/types.js';
import type { Principal } from '../gateway-context.js';

export function hashKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** What a gateway-issued AWS access key id grants: the secret to check signatures with, and who it is. */
export interface AccessKeyGrant {
  secretAccessKey: string;
  principal: Principal;
}

export interface KeyResolver {
  resolve(secret: string): Promise<Principal | undefined>;
  /**
   * The live AWS key pair with this access key id and its virtual key's principal; undefined when
   * the pair or its virtual key is unknown, revoked or expired.
   */
  resolveAccessKey(accessKeyId: string): Promise<AccessKeyGrant | undefined>;
  /** Drops cached entries, e.g. after a key was revoked. */
  invalidate(): void;
}

export interface KeyResolverOptions {
  cacheTtlMs?: number;
  maxEntries?: number;
  /** Where gateway-issued AWS key pairs live; without it every access key id is unknown. */
  awsKeyPairs?: AwsKeyPairStore;
  /**
   * Opens the box that unseals AWS secrets, called once on first use — so a gateway that never sees
   * an AWS key pair never needs a master key.
   */
  openSecretBox?: () => SecretBox;
}

interface CacheEntry<T> {
  value: T;
  loadedAt: number;
}

interface PairEntry {
  pair: AwsKeyPairRecord;
  key: VirtualKeyRecord;
  secretAccessKey: string;
}

function isLive(record: { revokedAt: number | null; expiresAt?: number | null }, now: number): boolean {
  if (record.revokedAt !== null && record.revokedAt <= now) return false;
  return record.expiresAt === undefined || record.expiresAt === null || record.expiresAt > now;
}

function toPrincipal(record: VirtualKeyRecord): Principal {
  return { keyId: record.id, keyName: record.name, models: record.models };
}

/** A small TTL cache that forgets everything when full, so it never grows without bound. */
function createCache<T>(ttl: number, maxEntries: number) {
  const entries = new Map<string, CacheEntry<T>>();
  return {
    async get(key: string, now: number, load: () => Promise<T>): Promise<T> {
      const cached = entries.get(key);
      if (cached !== undefined && now - cached.loadedAt < ttl) return cached.value;
      const value = await load();
      if (entries.size >= maxEntries) entries.clear();
      entries.set(key, { value, loadedAt: now });
      return value;
    },
    clear: () => entries.clear(),
  };
}

/**
 * Resolves a presented secret to a principal by its SHA-256, and an AWS access key id to its
 * unsealed secret and principal, with short in-memory caches so the stores are not on the hot
 * path. Revocation and expiry are re-checked on every hit.
 *
 * @example
 * const keys = createKeyResolver(storage.keys, {
 *   awsKeyPairs: storage.awsKeyPairs,
 *   openSecretBox: () => createSecretBox(loadMasterKey({ dataDir, create: false })),
 * });
 */
export function createKeyResolver(store: KeyStore, options: KeyResolverOptions = {}): KeyResolver {
  const ttl = options.cacheTtlMs ?? 30_000;
  const maxEntries = options.maxEntries ?? 10_000;
  const byHash = createCache<VirtualKeyRecord | undefined>(ttl, maxEntries);
  const byAccessKey = createCache<PairEntry | undefined>(ttl, maxEntries);
  let secretBox: SecretBox | undefined;

  async function loadPair(accessKeyId: string): Promise<PairEntry | undefined> {
    const pair = await options.awsKeyPairs?.findByAccessKeyId(accessKeyId);
    if (pair === undefined || options.openSecretBox === undefined) return undefined;
    const key = await store.findById(pair.keyId);
    if (key === undefined) return undefined;
    secretBox ??= options.openSecretBox();
    return { pair, key, secretAccessKey: secretBox.open(pair.sealedSecret, pair.accessKeyId) };
  }

  return {
    async resolve(secret) {
      const now = Date.now();
      const hash = hashKey(secret);
      const record = await byHash.get(hash, now, () => store.findByHash(hash));
      if (record === undefined) return undefined;
      // The map lookup already matched; compare in constant time anyway so no code path leaks timing.
      if (!timingSafeEqual(Buffer.from(record.hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
      return isLive(record, now) ? toPrincipal(record) : undefined;
    },
    async resolveAccessKey(accessKeyId) {
      // Ids the gateway never issues are refused without touching the cache or the store.
      if (!ACCESS_KEY_ID_PATTERN.test(accessKeyId)) return undefined;
      const now = Date.now();
      const entry = await byAccessKey.get(accessKeyId, now, () => loadPair(accessKeyId));
      if (entry === undefined || !isLive(entry.pair, now) || !isLive(entry.key, now)) return undefined;
      return { secretAccessKey: entry.secretAccessKey, principal: toPrincipal(entry.key) };
    },
    invalidate() {
      byHash.clear();
      byAccessKey.clear();
    },
  };
}

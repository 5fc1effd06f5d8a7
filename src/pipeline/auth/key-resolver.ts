import { createHash, timingSafeEqual } from 'node:crypto';
import { GatewayError } from '../../core/gateway-error.js';
import { ACCESS_KEY_ID_PATTERN } from '../../security/generate-aws-key-pair.js';
import { MasterKeyError } from '../../security/master-key.js';
import { type SecretBox, SecretBoxError } from '../../security/secret-box.js';
import type { AwsKeyPairRecord, AwsKeyPairStore, KeyStore, TeamStore } from '../../storage/types.js';
import type { Principal } from '../gateway-context.js';
import type { KeyDefaults } from './build-principal.js';
import { KeySnapshot, type SnapshotLog } from './key-snapshot.js';

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
  /** Re-reads what changed in the stores now (after an admin write); resolves when applied. */
  invalidate(): Promise<void>;
  /** False while the stores cannot be read (or written: see `KeyResolverOptions.isWriteHealthy`). */
  isAvailable(): boolean;
  /** Stops the refresh timer. */
  close(): void;
}

export interface KeyResolverOptions {
  /** Teams, whose rules narrow their keys'; without it keys have no team policy. */
  teams?: TeamStore;
  /** Limits and budget of keys that set none (`limits.defaultKey`). */
  defaults?: KeyDefaults;
  /** How often every replica re-reads changed keys and teams (revocations land within this). Default 2 s. */
  refreshIntervalMs?: number;
  /** When the stores cannot be reached: keep serving from memory, or refuse with 503 `storage_unavailable`. */
  onUnavailable?: 'fail-open' | 'fail-closed';
  /** Another health signal that counts as "storage unavailable" (the usage writer failing). */
  isWriteHealthy?: () => boolean;
  log?: SnapshotLog;
  cacheTtlMs?: number;
  maxEntries?: number;
  /** Where gateway-issued AWS key pairs live; without it every access key id is unknown. */
  awsKeyPairs?: AwsKeyPairStore;
  /**
   * Opens the box that unseals AWS secrets, called once on first use — so a gateway that never sees
   * an AWS key pair never needs a master key.
   */
  openSecretBox?: () => SecretBox;
  clock?: () => number;
}

interface PairEntry {
  pair: AwsKeyPairRecord;
  secretAccessKey: string;
  loadedAt: number;
}

function isLive(record: { revokedAt: number | null; expiresAt?: number | null }, now: number): boolean {
  if (record.revokedAt !== null && record.revokedAt <= now) return false;
  return record.expiresAt === undefined || record.expiresAt === null || record.expiresAt > now;
}

/**
 * Resolves a presented secret to a principal by its SHA-256, and an AWS access key id to its
 * unsealed secret and principal — from memory. Every key and team is held in a snapshot that each
 * replica refreshes incrementally (`listUpdatedSince`) in the background, so no database sits on
 * the request path: while the store is unreachable, requests keep being served from the snapshot
 * (`fail-open`) or get 503 `storage_unavailable` (`fail-closed`). An unknown secret triggers at most
 * one coalesced refresh at a time, so a key issued on another replica works at once and a flood of
 * bad keys costs one query in flight. Revocation and expiry are re-checked on every hit.
 *
 * @example
 * const keys = createKeyResolver(storage.keys, { teams: storage.teams, awsKeyPairs: storage.awsKeyPairs });
 * const principal = await keys.resolve(secret);
 */
export function createKeyResolver(store: KeyStore, options: KeyResolverOptions = {}): KeyResolver {
  const clock = options.clock ?? Date.now;
  const snapshot = new KeySnapshot(store, options.teams, options.defaults ?? {}, options.log);
  const pairTtl = options.cacheTtlMs ?? 30_000;
  const maxPairs = options.maxEntries ?? 10_000;
  const pairs = new Map<string, PairEntry | undefined>();
  const pairLoadedAt = new Map<string, number>();
  let secretBox: SecretBox | undefined;
  const failClosed = options.onUnavailable === 'fail-closed';
  const timer = setInterval(() => void snapshot.refresh(), options.refreshIntervalMs ?? 2_000);
  timer.unref();

  function isAvailable(): boolean {
    return snapshot.healthy && (options.isWriteHealthy?.() ?? true);
  }

  function assertAvailable(): void {
    if (failClosed && !isAvailable()) {
      throw new GatewayError('storage_unavailable', 'Keys and usage cannot be checked right now.', {
        isRetryable: true,
        retryAfterMs: 1_000,
      });
    }
  }

  async function loadPair(accessKeyId: string, now: number): Promise<PairEntry | undefined> {
    const pair = await options.awsKeyPairs?.findByAccessKeyId(accessKeyId);
    if (pair === undefined || options.openSecretBox === undefined) return undefined;
    secretBox ??= options.openSecretBox();
    return { pair, secretAccessKey: secretBox.open(pair.sealedSecret, pair.accessKeyId), loadedAt: now };
  }

  async function findPair(accessKeyId: string, now: number): Promise<PairEntry | undefined> {
    const loadedAt = pairLoadedAt.get(accessKeyId);
    if (loadedAt !== undefined && now - loadedAt < pairTtl) return pairs.get(accessKeyId);
    let entry: PairEntry | undefined;
    try {
      entry = await loadPair(accessKeyId, now);
    } catch (error: unknown) {
      if (error instanceof SecretBoxError || error instanceof MasterKeyError) throw error;
      // The store is unreachable: a pair seen before keeps working (fail-open), like every key.
      if (loadedAt !== undefined && !failClosed) return pairs.get(accessKeyId);
      throw new GatewayError('storage_unavailable', 'AWS access keys cannot be checked right now.', {
        isRetryable: true,
        retryAfterMs: 1_000,
        cause: error,
      });
    }
    if (pairs.size >= maxPairs) {
      pairs.clear();
      pairLoadedAt.clear();
    }
    pairs.set(accessKeyId, entry);
    pairLoadedAt.set(accessKeyId, now);
    return entry;
  }

  return {
    async resolve(secret) {
      await snapshot.ready();
      assertAvailable();
      const hash = hashKey(secret);
      let entry = snapshot.byHash(hash);
      if (entry === undefined) {
        await snapshot.refreshOnMiss();
        entry = snapshot.byHash(hash);
        if (entry === undefined) return undefined;
      }
      // The map lookup already matched; compare in constant time anyway so no code path leaks timing.
      if (!timingSafeEqual(Buffer.from(entry.record.hash, 'hex'), Buffer.from(hash, 'hex'))) return undefined;
      return isLive(entry.record, clock()) ? snapshot.principalOf(entry) : undefined;
    },
    async resolveAccessKey(accessKeyId) {
      // Ids the gateway never issues are refused without touching the cache or the store.
      if (!ACCESS_KEY_ID_PATTERN.test(accessKeyId)) return undefined;
      await snapshot.ready();
      assertAvailable();
      const now = clock();
      const pair = await findPair(accessKeyId, now);
      if (pair === undefined || !isLive(pair.pair, now)) return undefined;
      let entry = snapshot.byId(pair.pair.keyId);
      if (entry === undefined) {
        await snapshot.refreshOnMiss();
        entry = snapshot.byId(pair.pair.keyId);
      }
      if (entry === undefined || !isLive(entry.record, now)) return undefined;
      const principal = snapshot.principalOf(entry);
      return principal === undefined ? undefined : { secretAccessKey: pair.secretAccessKey, principal };
    },
    async invalidate() {
      pairs.clear();
      pairLoadedAt.clear();
      await snapshot.refresh();
    },
    isAvailable,
    close() {
      clearInterval(timer);
    },
  };
}

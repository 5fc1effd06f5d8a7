/**
 * Storage interfaces. Each has one conformance suite (`*.conformance.ts`) that every backend
 * (memory, SQLite, later PostgreSQL/Redis) must pass.
 */

export interface VirtualKeyRecord {
  id: string;
  name: string;
  /** The first characters of the secret, safe to show in lists (e.g. `sk-cvg-AbCd`). */
  prefix: string;
  /** SHA-256 of the full secret, lowercase hex. The secret itself is never stored. */
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Public model names the key may use; null = all. */
  models: string[] | null;
  /** Where the key came from: issued by the CLI/admin API, declared in config, or the dev key. */
  source: 'issued' | 'config' | 'dev';
}

export interface NewVirtualKey {
  name: string;
  hash: string;
  prefix: string;
  expiresAt?: number | null;
  models?: string[] | null;
  source: VirtualKeyRecord['source'];
}

export interface KeyStore {
  /** Inserts a key; a duplicate name among live keys or a duplicate hash throws `DuplicateKeyError`. */
  insert(key: NewVirtualKey): Promise<VirtualKeyRecord>;
  /** Inserts or updates by name (for keys declared in config), keeping the id. */
  upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord>;
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  findById(id: string): Promise<VirtualKeyRecord | undefined>;
  findByName(name: string): Promise<VirtualKeyRecord | undefined>;
  list(): Promise<VirtualKeyRecord[]>;
  /** Revokes by id or name; returns false when no live key matched. */
  revoke(idOrName: string, at?: number): Promise<boolean>;
}

/**
 * A gateway-issued AWS access key pair. It acts as the virtual key it is bound to (same principal,
 * models, expiry; revoking the virtual key disables the pair). The secret must be readable to verify
 * SigV4 signatures, so it is stored sealed with the master key (see src/security/secret-box.ts).
 */
export interface AwsKeyPairRecord {
  /** `CVG` + 17 uppercase letters/digits; public, shown in lists and logs. */
  accessKeyId: string;
  /** The id of the virtual key the pair acts as. */
  keyId: string;
  /** The secret access key, AES-256-GCM sealed and bound to `accessKeyId`. */
  sealedSecret: string;
  createdAt: number;
  revokedAt: number | null;
}

export interface NewAwsKeyPair {
  accessKeyId: string;
  keyId: string;
  sealedSecret: string;
}

export interface AwsKeyPairStore {
  /**
   * Inserts a pair. A duplicate access key id throws `DuplicateKeyError`; a `keyId` naming no
   * virtual key throws `UnknownKeyError`.
   */
  insert(pair: NewAwsKeyPair): Promise<AwsKeyPairRecord>;
  /** The pair, revoked or not (callers check `revokedAt`). */
  findByAccessKeyId(accessKeyId: string): Promise<AwsKeyPairRecord | undefined>;
  /** Every pair, revoked ones included, oldest first. */
  list(): Promise<AwsKeyPairRecord[]>;
  /** Revokes a live pair; returns false when no live pair has that access key id. */
  revoke(accessKeyId: string, at?: number): Promise<boolean>;
}

export class UnknownKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnknownKeyError';
  }
}

export class DuplicateKeyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DuplicateKeyError';
  }
}

export type UsageStatus = 'ok' | 'error' | 'rejected' | 'cancelled';

export interface UsageAttempt {
  deployment: string;
  provider: string;
  status: 'ok' | 'error';
  errorCode?: string;
  httpStatus?: number;
  durationMs: number;
}

/** One row per request, whatever its outcome. */
export interface UsageRow {
  requestId: string;
  createdAt: number;
  keyId: string | null;
  keyName: string | null;
  dialect: string;
  operation: string;
  stream: boolean;
  modelRequested: string | null;
  modelServed: string | null;
  deployment: string | null;
  provider: string | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /**
   * What the request cost in USD, computed exactly from the catalog (or the deployment's pricing)
   * and rounded to the nano-dollar; null when nothing prices the target (or none was reached).
   */
  costUsd: number | null;
  /** True when the tokens were estimated by the gateway because the provider never reported usage. */
  usageEstimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  attempts: UsageAttempt[];
}

export interface UsageQuery {
  since?: number;
  until?: number;
  keyId?: string;
  status?: UsageStatus;
  limit?: number;
}

export interface UsageStore {
  insertMany(rows: readonly UsageRow[]): Promise<void>;
  query(query?: UsageQuery): Promise<UsageRow[]>;
  count(query?: UsageQuery): Promise<number>;
}

/** Accepts rows on the hot path without waiting; writes them in batches. */
export interface UsageRecorder {
  record(row: UsageRow): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** Flushes and stops the timer; later `record` calls are written synchronously on the next flush. */
  close(): Promise<void>;
}

/**
 * Storage interfaces. Each has one conformance suite (`*.conformance.ts`) that every backend
 * (memory, SQLite, PostgreSQL) must pass. The usage-row types live in usage-types.ts.
 */

export * from './usage-types.js';

/** What a key (and the user it belongs to) may do on the admin API. Model calls need no role. */
export type Role = 'admin' | 'team-admin' | 'member';

/** Rate limits of a team or key; an omitted field is not enforced at that level. */
export interface RateLimits {
  rpm?: number;
  tpm?: number;
  concurrency?: number;
}

/** A USD budget per UTC day and/or month; `hard` (default) refuses once spent, `alert` only logs. */
export interface Budget {
  usdPerDay?: number;
  usdPerMonth?: number;
  mode?: 'hard' | 'alert';
}

/**
 * The policy fields a team and a key both carry. A key's effective policy is the intersection of its
 * own and its team's: models and residency narrow, and both scopes' limits and budgets are enforced.
 */
export interface PolicyFields {
  /** Public model names allowed; null = all. */
  models: string[] | null;
  /** Residency: only deployments processing in these geographies/regions (`eu`, `eu-west-1` …); null = any. */
  processing: string[] | null;
  limits: RateLimits;
  budget: Budget;
  /** Free-form labels (cost centre, owner …), copied onto nothing on the hot path; for reports and the API. */
  tags: Record<string, string>;
}

export interface TeamRecord extends PolicyFields {
  id: string;
  /** Unique among teams that are not deleted. */
  name: string;
  createdAt: number;
  /** Last change (create, update, delete); drives the replicas' incremental refresh. */
  updatedAt: number;
  /** Soft delete: the team's keys stop authenticating; rows stay for reports. */
  deletedAt: number | null;
}

export type NewTeam = { name: string } & Partial<PolicyFields>;
export type TeamPatch = Partial<{ name: string } & PolicyFields>;

export interface UserRecord {
  id: string;
  /** Unique among users that are not deleted (case-insensitive). */
  email: string;
  displayName: string | null;
  /** null only for admins, who belong to no team. */
  teamId: string | null;
  role: Role;
  createdAt: number;
  updatedAt: number;
  deletedAt: number | null;
}

export type NewUser = { email: string; displayName?: string | null; teamId: string | null; role: Role };
export type UserPatch = Partial<{ displayName: string | null; teamId: string | null; role: Role }>;

/**
 * Teams: a duplicate live name (case-sensitive) throws `DuplicateKeyError`. Patches: a field left
 * undefined is kept, anything else (null included) replaces the stored value whole (objects are not
 * merged). `at` defaults to now and becomes `updatedAt` (and `deletedAt` for `delete`).
 */
export interface TeamStore {
  /** `createdAt` = `updatedAt` = now. */
  insert(team: NewTeam): Promise<TeamRecord>;
  /** Applies the fields given; undefined when no live team has that id. A name clash throws `DuplicateKeyError`. */
  update(id: string, patch: TeamPatch, at?: number): Promise<TeamRecord | undefined>;
  /** The team, deleted or not (callers check `deletedAt`). */
  findById(id: string): Promise<TeamRecord | undefined>;
  /** The live team with that name, else the most recently created deleted one. */
  findByName(name: string): Promise<TeamRecord | undefined>;
  /** Live teams, oldest first (creation order). */
  list(): Promise<TeamRecord[]>;
  /**
   * Every team (deleted included) changed after `since` (epoch ms, exclusive), oldest change first
   * (ties in creation order).
   */
  listUpdatedSince(since: number): Promise<TeamRecord[]>;
  /** Soft-deletes; false when no live team has that id. */
  delete(id: string, at?: number): Promise<boolean>;
}

/**
 * Users: a duplicate live email throws `DuplicateKeyError` (emails compare after `toLowerCase()`, see
 * `normalizeEmail`; stored as given); a `teamId` naming no live team (unknown or deleted) throws
 * `UnknownKeyError`. Patches and `at` work as for teams.
 */
export interface UserStore {
  /** `createdAt` = `updatedAt` = now. */
  insert(user: NewUser): Promise<UserRecord>;
  /** Applies the fields given; undefined when no live user has that id. */
  update(id: string, patch: UserPatch, at?: number): Promise<UserRecord | undefined>;
  /** The user, deleted or not (callers check `deletedAt`). */
  findById(id: string): Promise<UserRecord | undefined>;
  /** The live user with that email (any case), else the most recently created deleted one. */
  findByEmail(email: string): Promise<UserRecord | undefined>;
  /** Live users, oldest first (creation order); only those of one team when `teamId` is given. */
  list(filter?: { teamId?: string }): Promise<UserRecord[]>;
  /** Soft-deletes; false when no live user has that id. */
  delete(id: string, at?: number): Promise<boolean>;
}

export interface VirtualKeyRecord extends PolicyFields {
  id: string;
  name: string;
  /** The first characters of the secret, safe to show in lists (e.g. `sk-cvg-AbCd`). */
  prefix: string;
  /** SHA-256 of the full secret, lowercase hex. The secret itself is never stored. */
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  revokedAt: number | null;
  /** Where the key came from: issued by the CLI/admin API, declared in config, or the dev key. */
  source: 'issued' | 'config' | 'dev';
  /** The team whose limits, budget, models and residency also apply; null = no team. */
  teamId: string | null;
  /** The user the key was issued to; null for service keys. */
  userId: string | null;
  /** Admin API rights of this key; `member` has none. */
  role: Role;
  /** May steer routing per request (`x-converge-route`, `x-converge-max-cost-usd`). */
  allowRouteOverride: boolean;
  /** Last change (insert, update, revoke, rotation); drives the replicas' incremental refresh. */
  updatedAt: number;
  /** Set on the old key by a rotation: the id of the key that replaces it (the old one expires later). */
  replacedBy: string | null;
}

/** Names are unique among live keys: not revoked and not replaced by a rotation. */
export type NewVirtualKey = {
  name: string;
  hash: string;
  prefix: string;
  expiresAt?: number | null;
  source: VirtualKeyRecord['source'];
  teamId?: string | null;
  userId?: string | null;
  role?: Role;
  allowRouteOverride?: boolean;
} & Partial<PolicyFields>;

export type KeyPatch = Partial<
  Pick<VirtualKeyRecord, 'name' | 'expiresAt' | 'role' | 'allowRouteOverride'> & PolicyFields
>;

/**
 * Virtual keys. A live key is neither revoked nor replaced (`replacedBy` null). `teamId` and `userId`
 * are stored as given, not checked (callers validate them). `at` defaults to now and becomes
 * `updatedAt`; every write that changes a key moves its `updatedAt`.
 */
export interface KeyStore {
  /**
   * Inserts a key (`createdAt` = `updatedAt` = now); a duplicate name among live keys or a duplicate
   * hash (any key's, revoked ones included) throws `DuplicateKeyError` and writes nothing.
   */
  insert(key: NewVirtualKey): Promise<VirtualKeyRecord>;
  /**
   * Inserts or updates by name (for keys declared in config): the key `findByName` returns gets every
   * field of `key` (omitted ones reset to their defaults) and is live again; id and `createdAt` stay.
   * `updatedAt` only moves when something changed.
   */
  upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord>;
  findByHash(hash: string): Promise<VirtualKeyRecord | undefined>;
  findById(id: string): Promise<VirtualKeyRecord | undefined>;
  /** The live key with that name, else the most recently created one with it (revoked or replaced). */
  findByName(name: string): Promise<VirtualKeyRecord | undefined>;
  /** Every key, revoked and replaced ones included, oldest first (creation order). */
  list(): Promise<VirtualKeyRecord[]>;
  /**
   * Every key (revoked and replaced included) changed after `since` (epoch ms, exclusive), oldest
   * change first (ties in creation order).
   */
  listUpdatedSince(since: number): Promise<VirtualKeyRecord[]>;
  /**
   * Sets `revokedAt` and `updatedAt` to `at`. By id: the key unless already revoked (a replaced key
   * included, which cuts its overlap short). By name, when no unrevoked key has that id: every
   * unrevoked key with that name, i.e. the live one and a predecessor still in its overlap. Returns
   * false when nothing was revoked.
   */
  revoke(idOrName: string, at?: number): Promise<boolean>;
  /**
   * Applies the fields given to a live key (undefined = keep; anything else, null included, replaces
   * the stored value whole); undefined when no live key has that id. A name clash throws
   * `DuplicateKeyError` and changes nothing.
   */
  update(id: string, patch: KeyPatch, at?: number): Promise<VirtualKeyRecord | undefined>;
  /**
   * Moves every unrevoked key of a user (the live one and any predecessor still in its rotation
   * overlap) to `teamId`, stamping `updatedAt`; returns how many moved. The only way a key changes
   * team: `update` ignores `teamId`, so a spread request body can never move one.
   */
  moveUserKeys(userId: string, teamId: string | null, at?: number): Promise<number>;
  /**
   * Rotation with overlap, atomically: inserts `next` (same name, source, team, user, role, route
   * override and policy as the old key; created at `at`; expiring at `next.expiresAt`, never when
   * omitted), sets the old key's `replacedBy` to the new id and its `expiresAt` to `oldExpiresAt`
   * (the end of the overlap; never later than an expiry it had), both `updatedAt` = `at`.
   * Undefined when no live key has `id`; a hash already in use throws `DuplicateKeyError` and
   * writes nothing.
   */
  rotate(
    id: string,
    next: Pick<NewVirtualKey, 'hash' | 'prefix'> & { expiresAt?: number | null },
    oldExpiresAt: number,
    at?: number,
  ): Promise<{ old: VirtualKeyRecord; created: VirtualKeyRecord } | undefined>;
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

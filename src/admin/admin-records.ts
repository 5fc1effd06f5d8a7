import type {
  AwsKeyPairRecord,
  PolicyFields,
  TeamRecord,
  UsageRow,
  UserRecord,
  VirtualKeyRecord,
} from '../storage/types.js';

/**
 * Stored records as the admin API shows them: ISO timestamps, computed states, and never a secret,
 * hash or sealed value (teams, users, keys and pairs are built field by field, so a new stored
 * field stays private until it is added here on purpose; usage rows hold no secret).
 */

function iso(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function isoOrNull(epochMs: number | null): string | null {
  return epochMs === null ? null : iso(epochMs);
}

function policyOf(record: PolicyFields): PolicyFields {
  return {
    models: record.models,
    processing: record.processing,
    limits: record.limits,
    budget: record.budget,
    tags: record.tags,
  };
}

/** A team for the API. @example toTeamJson(await storage.teams.findById(id)) */
export function toTeamJson(team: TeamRecord) {
  return {
    id: team.id,
    name: team.name,
    ...policyOf(team),
    createdAt: iso(team.createdAt),
    updatedAt: iso(team.updatedAt),
  };
}

/** A user for the API. @example toUserJson(user) */
export function toUserJson(user: UserRecord) {
  return {
    id: user.id,
    email: user.email,
    displayName: user.displayName,
    teamId: user.teamId,
    role: user.role,
    createdAt: iso(user.createdAt),
    updatedAt: iso(user.updatedAt),
  };
}

/** `revoked` once revoked, `expired` past its expiry (a rotated key after its overlap), else `active`. */
export function keyState(key: VirtualKeyRecord, now: number): 'active' | 'expired' | 'revoked' {
  if (key.revokedAt !== null && key.revokedAt <= now) return 'revoked';
  if (key.expiresAt !== null && key.expiresAt <= now) return 'expired';
  return 'active';
}

/** A virtual key for the API: the prefix only, never the hash. @example toKeyJson(key, Date.now()) */
export function toKeyJson(key: VirtualKeyRecord, now: number) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    state: keyState(key, now),
    source: key.source,
    teamId: key.teamId,
    userId: key.userId,
    role: key.role,
    allowRouteOverride: key.allowRouteOverride,
    ...policyOf(key),
    createdAt: iso(key.createdAt),
    updatedAt: iso(key.updatedAt),
    expiresAt: isoOrNull(key.expiresAt),
    revokedAt: isoOrNull(key.revokedAt),
    replacedBy: key.replacedBy,
  };
}

/** An AWS key pair for the API: never the sealed secret. @example toAwsKeyPairJson(pair) */
export function toAwsKeyPairJson(pair: AwsKeyPairRecord) {
  return {
    accessKeyId: pair.accessKeyId,
    keyId: pair.keyId,
    state: pair.revokedAt === null ? ('active' as const) : ('revoked' as const),
    createdAt: iso(pair.createdAt),
    revokedAt: isoOrNull(pair.revokedAt),
  };
}

/** A usage row for the API (timestamps as ISO strings). @example toUsageJson(row) */
export function toUsageJson(row: UsageRow) {
  return { ...row, createdAt: iso(row.createdAt) };
}

import type { NewVirtualKey, Role, VirtualKeyRecord } from '../types.js';
import { decodePolicy, type PolicyRow, policyColumns, toPolicyParameters } from './policy-columns.js';

/** A `virtual_keys` row as pg returns it (BIGINT already parsed to numbers, JSONB to values). */
export interface VirtualKeyRow extends PolicyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  updated_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  replaced_by: string | null;
  source: VirtualKeyRecord['source'];
  team_id: string | null;
  user_id: string | null;
  role: Role;
  allow_route_override: boolean;
}

/** Every column, in `VirtualKeyRow` order. */
export const keyColumns = `id, name, prefix, hash, created_at, updated_at, expires_at, revoked_at, replaced_by,
  source, team_id, user_id, role, allow_route_override, ${policyColumns.join(', ')}`;

/** Columns an upsert overwrites, in `toWritableParameters` order (the policy columns last). */
export const writableKeyColumns = [
  'prefix',
  'hash',
  'expires_at',
  'source',
  'team_id',
  'user_id',
  'role',
  'allow_route_override',
  ...policyColumns,
] as const;

/** `$first, $first+1 …` for the writable columns, JSONB ones cast. */
export function writablePlaceholders(first: number): string[] {
  return writableKeyColumns.map((column, index) => {
    const cast = (policyColumns as readonly string[]).includes(column) ? '::jsonb' : '';
    return `$${first + index}${cast}`;
  });
}

/**
 * The writable columns' values for a new or re-declared key, with the record defaults.
 *
 * @example
 * toWritableParameters({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' });
 */
export function toWritableParameters(key: NewVirtualKey): unknown[] {
  return [
    key.prefix,
    key.hash,
    key.expiresAt ?? null,
    key.source,
    key.teamId ?? null,
    key.userId ?? null,
    key.role ?? 'member',
    key.allowRouteOverride ?? false,
    ...toPolicyParameters(key),
  ];
}

/**
 * A stored row as the store-neutral record.
 *
 * @example
 * const [row] = await database.query<VirtualKeyRow>(`SELECT ${keyColumns} FROM virtual_keys`);
 * toKeyRecord(row);
 */
export function toKeyRecord(row: VirtualKeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    replacedBy: row.replaced_by,
    source: row.source,
    teamId: row.team_id,
    userId: row.user_id,
    role: row.role,
    allowRouteOverride: row.allow_route_override,
    ...decodePolicy(row, `virtual key ${row.id}`),
  };
}

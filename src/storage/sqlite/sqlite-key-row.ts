import { z } from 'zod';
import type { VirtualKeyRecord } from '../types.js';
import { decodePolicyColumns, encodePolicyColumns, type PolicyColumns } from './sqlite-policy-columns.js';

/** One `virtual_keys` row as read and written (every column but `seq`). */
export interface KeyRow extends PolicyColumns {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  source: string;
  team_id: string | null;
  user_id: string | null;
  role: string;
  allow_route_override: number;
  updated_at: number;
  replaced_by: string | null;
}

const columnNames = [
  'id',
  'name',
  'prefix',
  'hash',
  'created_at',
  'expires_at',
  'revoked_at',
  'models',
  'source',
  'team_id',
  'user_id',
  'role',
  'allow_route_override',
  'processing',
  'limits',
  'budget',
  'tags',
  'updated_at',
  'replaced_by',
] as const satisfies readonly (keyof KeyRow)[];

/** The column list for SELECT and INSERT. */
export const keyColumns = columnNames.join(', ');
/** `@column` placeholders in the same order, for INSERT … VALUES. */
export const keyPlaceholders = columnNames.map((column) => `@${column}`).join(', ');
/** `column = @column` for every column but the id, for a whole-row UPDATE. */
export const keyAssignments = columnNames
  .filter((column) => column !== 'id')
  .map((column) => `${column} = @${column}`)
  .join(', ');

const sourceSchema = z.enum(['issued', 'config', 'dev']);
const roleSchema = z.enum(['admin', 'team-admin', 'member']);

/**
 * A `virtual_keys` row → record; corrupt JSON or enum values throw instead of granting a wrong policy.
 *
 * @example
 * const record = toKeyRecord(statement.get(id));
 */
export function toKeyRecord(row: KeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    source: sourceSchema.parse(row.source),
    teamId: row.team_id,
    userId: row.user_id,
    role: roleSchema.parse(row.role),
    allowRouteOverride: row.allow_route_override === 1,
    updatedAt: row.updated_at,
    replacedBy: row.replaced_by,
    ...decodePolicyColumns(row, `virtual key ${row.id}`),
  };
}

/**
 * A record → `virtual_keys` row (booleans as 0/1, policy as JSON).
 *
 * @example
 * insertStatement.run(toKeyRow(record));
 */
export function toKeyRow(record: VirtualKeyRecord): KeyRow {
  return {
    id: record.id,
    name: record.name,
    prefix: record.prefix,
    hash: record.hash,
    created_at: record.createdAt,
    expires_at: record.expiresAt,
    revoked_at: record.revokedAt,
    source: record.source,
    team_id: record.teamId,
    user_id: record.userId,
    role: record.role,
    allow_route_override: record.allowRouteOverride ? 1 : 0,
    updated_at: record.updatedAt,
    replaced_by: record.replacedBy,
    ...encodePolicyColumns(record),
  };
}

import { createKeyId } from '../create-key-id.js';
import type { KeyPatch, KeyStore, NewVirtualKey, VirtualKeyRecord } from '../types.js';
import { policyColumns, toJsonParameter } from './policy-columns.js';
import type { PostgresDatabase, PostgresQueryable } from './postgres-database.js';
import { rethrowConstraintViolation } from './rethrow-constraint-violation.js';
import {
  keyColumns,
  toKeyRecord,
  toWritableParameters,
  type VirtualKeyRow,
  writableKeyColumns,
  writablePlaceholders,
} from './virtual-key-row.js';

const live = 'revoked_at IS NULL AND replaced_by IS NULL';

function constraintMessages(name: string | undefined) {
  return {
    virtual_keys_live_name: `a live key named "${name}" already exists`,
    virtual_keys_hash_key: 'another key already uses this secret',
  };
}

async function insertKey(
  connection: PostgresQueryable,
  key: NewVirtualKey,
  at: number,
): Promise<VirtualKeyRow> {
  const [row] = await connection.query<VirtualKeyRow>(
    `INSERT INTO virtual_keys (id, name, created_at, updated_at, ${writableKeyColumns.join(', ')})
     VALUES ($1, $2, $3, $3, ${writablePlaceholders(4).join(', ')}) RETURNING ${keyColumns}`,
    [createKeyId(), key.name, at, ...toWritableParameters(key)],
  );
  return row as VirtualKeyRow;
}

/** The live key with that name, else the most recently created one. */
async function findPreferredByName(
  connection: PostgresQueryable,
  name: string,
  lock = '',
): Promise<VirtualKeyRow | undefined> {
  const [row] = await connection.query<VirtualKeyRow>(
    `SELECT ${keyColumns} FROM virtual_keys WHERE name = $1
     ORDER BY (${live}) DESC, seq DESC LIMIT 1 ${lock}`,
    [name],
  );
  return row;
}

/** Re-declares `existing` from `key`, un-revoking it; touches nothing (not even `updated_at`) when equal. */
async function redeclare(
  connection: PostgresQueryable,
  existing: VirtualKeyRow,
  key: NewVirtualKey,
): Promise<VirtualKeyRow> {
  const placeholders = writablePlaceholders(3);
  const [row] = await connection.query<VirtualKeyRow>(
    `UPDATE virtual_keys SET updated_at = $2, revoked_at = NULL,
       ${writableKeyColumns.map((column, index) => `${column} = ${placeholders[index]}`).join(', ')}
     WHERE id = $1 AND (revoked_at, ${writableKeyColumns.join(', ')})
       IS DISTINCT FROM (NULL::bigint, ${placeholders.join(', ')})
     RETURNING ${keyColumns}`,
    [existing.id, Date.now(), ...toWritableParameters(key)],
  );
  return row ?? existing;
}

/** The SET list and values for the fields a patch gives; parameters start at `$3` ($1 id, $2 time). */
function buildPatch(patch: KeyPatch): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  const assign = (column: string, value: unknown, cast = '') => {
    values.push(value);
    assignments.push(`${column} = $${values.length + 2}${cast}`);
  };
  if (patch.name !== undefined) assign('name', patch.name);
  if (patch.expiresAt !== undefined) assign('expires_at', patch.expiresAt);
  if (patch.role !== undefined) assign('role', patch.role);
  if (patch.allowRouteOverride !== undefined) assign('allow_route_override', patch.allowRouteOverride);
  for (const column of policyColumns) {
    if (patch[column] !== undefined) assign(column, toJsonParameter(patch[column]), '::jsonb');
  }
  return { assignments, values };
}

/**
 * Virtual keys in the `virtual_keys` table. A partial unique index keeps names unique among live
 * keys (not revoked, not rotated out); revoked rows stay so `findByHash` can say a secret was
 * revoked. `upsertByName` and `rotate` run in transactions, the upsert serialised per name across
 * processes, so replicas declaring the same config keys at once never collide.
 *
 * @example
 * const keys = new PostgresKeyStore(database);
 * await keys.insert({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' });
 */
export class PostgresKeyStore implements KeyStore {
  constructor(private readonly database: PostgresDatabase) {}

  async insert(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    try {
      return toKeyRecord(await insertKey(this.database, key, Date.now()));
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(key.name));
    }
  }

  async upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    try {
      const row = await this.database.transaction(async (connection) => {
        await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
          `converge:key-name:${key.name}`,
        ]);
        const existing = await findPreferredByName(connection, key.name, 'FOR UPDATE');
        return existing === undefined
          ? insertKey(connection, key, Date.now())
          : redeclare(connection, existing, key);
      });
      return toKeyRecord(row);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(key.name));
    }
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    return this.findOne('hash = $1', hash);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    return this.findOne('id = $1', id);
  }

  async findByName(name: string): Promise<VirtualKeyRecord | undefined> {
    const row = await findPreferredByName(this.database, name);
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    const rows = await this.database.query<VirtualKeyRow>(
      `SELECT ${keyColumns} FROM virtual_keys ORDER BY seq`,
    );
    return rows.map(toKeyRecord);
  }

  async listUpdatedSince(since: number): Promise<VirtualKeyRecord[]> {
    const rows = await this.database.query<VirtualKeyRow>(
      `SELECT ${keyColumns} FROM virtual_keys WHERE updated_at > $1 ORDER BY updated_at, seq`,
      [since],
    );
    return rows.map(toKeyRecord);
  }

  async revoke(idOrName: string, at: number = Date.now()): Promise<boolean> {
    // The key with that id if it is not revoked (a rotated-out key may be cut short), else every
    // unrevoked key with that name: the live one and the rotated-out ones still in their overlap.
    const rows = await this.database.query(
      `UPDATE virtual_keys SET revoked_at = $2, updated_at = $2
       WHERE revoked_at IS NULL AND (id = $1 OR (name = $1 AND NOT EXISTS (
         SELECT 1 FROM virtual_keys WHERE id = $1 AND revoked_at IS NULL)))
       RETURNING id`,
      [idOrName, at],
    );
    return rows.length > 0;
  }

  async moveUserKeys(userId: string, teamId: string | null, at: number = Date.now()): Promise<number> {
    const rows = await this.database.query(
      `UPDATE virtual_keys SET team_id = $2, updated_at = $3
       WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
      [userId, teamId, at],
    );
    return rows.length;
  }

  async update(id: string, patch: KeyPatch, at: number = Date.now()): Promise<VirtualKeyRecord | undefined> {
    const { assignments, values } = buildPatch(patch);
    try {
      const [row] = await this.database.query<VirtualKeyRow>(
        `UPDATE virtual_keys SET ${['updated_at = $2', ...assignments].join(', ')}
         WHERE id = $1 AND ${live} RETURNING ${keyColumns}`,
        [id, at, ...values],
      );
      return row === undefined ? undefined : toKeyRecord(row);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(patch.name));
    }
  }

  async rotate(
    id: string,
    next: Pick<NewVirtualKey, 'hash' | 'prefix'> & { expiresAt?: number | null },
    oldExpiresAt: number,
    at: number = Date.now(),
  ): Promise<{ old: VirtualKeyRecord; created: VirtualKeyRecord } | undefined> {
    try {
      return await this.database.transaction((connection) =>
        rotateInTransaction(connection, id, next, oldExpiresAt, at),
      );
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(undefined));
    }
  }

  private async findOne(condition: string, value: string): Promise<VirtualKeyRecord | undefined> {
    const [row] = await this.database.query<VirtualKeyRow>(
      `SELECT ${keyColumns} FROM virtual_keys WHERE ${condition}`,
      [value],
    );
    return row === undefined ? undefined : toKeyRecord(row);
  }
}

/**
 * Marks the old key replaced first (freeing its name in the live-name index), then inserts the new
 * one copying the old key's name, source, team, user, role and policy. The UPDATE's row lock makes
 * a concurrent rotation of the same key wait, then find it no longer live.
 */
async function rotateInTransaction(
  connection: PostgresQueryable,
  id: string,
  next: Pick<NewVirtualKey, 'hash' | 'prefix'> & { expiresAt?: number | null },
  oldExpiresAt: number,
  at: number,
): Promise<{ old: VirtualKeyRecord; created: VirtualKeyRecord } | undefined> {
  const createdId = createKeyId();
  const [old] = await connection.query<VirtualKeyRow>(
    `UPDATE virtual_keys SET replaced_by = $2, updated_at = $3,
       expires_at = LEAST(COALESCE(expires_at, $4), $4)
     WHERE id = $1 AND ${live} RETURNING ${keyColumns}`,
    [id, createdId, at, oldExpiresAt],
  );
  if (old === undefined) return undefined;
  const copied = ['name', 'source', 'team_id', 'user_id', 'role', 'allow_route_override', ...policyColumns];
  const [created] = await connection.query<VirtualKeyRow>(
    `INSERT INTO virtual_keys (id, prefix, hash, expires_at, created_at, updated_at, ${copied.join(', ')})
     SELECT $2, $3, $4, $5, $6, $6, ${copied.join(', ')} FROM virtual_keys WHERE id = $1
     RETURNING ${keyColumns}`,
    [id, createdId, next.prefix, next.hash, next.expiresAt ?? null, at],
  );
  return { old: toKeyRecord(old), created: toKeyRecord(created as VirtualKeyRow) };
}

import Database from 'better-sqlite3';
import { z } from 'zod';
import { createKeyId } from '../create-key-id.js';
import { DuplicateKeyError, type KeyStore, type NewVirtualKey, type VirtualKeyRecord } from '../types.js';

interface KeyRow {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
  models: string | null;
  source: string;
}

interface KeyParams {
  id: string;
  name: string;
  prefix: string;
  hash: string;
  createdAt: number;
  expiresAt: number | null;
  models: string | null;
  source: string;
}

const columns = 'id, name, prefix, hash, created_at, expires_at, revoked_at, models, source';
const modelsSchema = z.array(z.string()).nullable();
const sourceSchema = z.enum(['issued', 'config', 'dev']);

function decodeModels(text: string | null, id: string): string[] | null {
  if (text === null) return null;
  try {
    return modelsSchema.parse(JSON.parse(text));
  } catch (error: unknown) {
    throw new Error(`virtual key ${id} has a corrupt models column`, { cause: error });
  }
}

function toRecord(row: KeyRow): VirtualKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    hash: row.hash,
    createdAt: row.created_at,
    expiresAt: row.expires_at,
    revokedAt: row.revoked_at,
    models: decodeModels(row.models, row.id),
    source: sourceSchema.parse(row.source),
  };
}

function toParams(key: NewVirtualKey, id: string, createdAt: number): KeyParams {
  return {
    id,
    name: key.name,
    prefix: key.prefix,
    hash: key.hash,
    createdAt,
    expiresAt: key.expiresAt ?? null,
    models: key.models == null ? null : JSON.stringify(key.models),
    source: key.source,
  };
}

/** Turns a UNIQUE violation into the store-neutral `DuplicateKeyError`; rethrows anything else. */
function rethrowDuplicate(error: unknown, name: string): never {
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    if (error.message.includes('virtual_keys.name')) {
      throw new DuplicateKeyError(`a live key named "${name}" already exists`);
    }
    if (error.message.includes('virtual_keys.hash')) {
      throw new DuplicateKeyError('another key already uses this secret');
    }
  }
  throw error;
}

/**
 * Virtual keys in the `virtual_keys` table. A partial unique index keeps live names unique while a
 * revoked key's name can be reused; revoked rows stay so `findByHash` can say a secret was revoked.
 *
 * @example
 * const keys = new SqliteKeyStore(openSqliteDatabase(':memory:'));
 * await keys.insert({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' });
 */
export class SqliteKeyStore implements KeyStore {
  private readonly insertRow: Database.Statement<[KeyParams]>;
  private readonly updateRow: Database.Statement<[KeyParams]>;
  private readonly selectById: Database.Statement<[string], KeyRow>;
  private readonly selectByHash: Database.Statement<[string], KeyRow>;
  private readonly selectPreferredByName: Database.Statement<[string], KeyRow>;
  private readonly selectAll: Database.Statement<[], KeyRow>;
  private readonly revokeById: Database.Statement<[number, string]>;
  private readonly revokeByName: Database.Statement<[number, string]>;
  private readonly upsertTransaction: Database.Transaction<(key: NewVirtualKey) => VirtualKeyRecord>;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT INTO virtual_keys (${columns})
       VALUES (@id, @name, @prefix, @hash, @createdAt, @expiresAt, NULL, @models, @source)`,
    );
    this.updateRow = db.prepare(
      `UPDATE virtual_keys SET prefix = @prefix, hash = @hash, expires_at = @expiresAt, models = @models,
       source = @source, revoked_at = NULL WHERE id = @id`,
    );
    this.selectById = db.prepare(`SELECT ${columns} FROM virtual_keys WHERE id = ?`);
    this.selectByHash = db.prepare(`SELECT ${columns} FROM virtual_keys WHERE hash = ?`);
    // The live key if there is one, else the most recently created revoked one.
    this.selectPreferredByName = db.prepare(
      `SELECT ${columns} FROM virtual_keys WHERE name = ?
       ORDER BY revoked_at IS NULL DESC, seq DESC LIMIT 1`,
    );
    this.selectAll = db.prepare(`SELECT ${columns} FROM virtual_keys ORDER BY seq`);
    this.revokeById = db.prepare(
      'UPDATE virtual_keys SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL',
    );
    this.revokeByName = db.prepare(
      'UPDATE virtual_keys SET revoked_at = ? WHERE name = ? AND revoked_at IS NULL',
    );
    this.upsertTransaction = db.transaction((key: NewVirtualKey) => this.upsertInTransaction(key));
  }

  async insert(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    const params = toParams(key, createKeyId(), Date.now());
    try {
      this.insertRow.run(params);
    } catch (error: unknown) {
      rethrowDuplicate(error, key.name);
    }
    return this.mustFindById(params.id);
  }

  async upsertByName(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    try {
      return this.upsertTransaction.immediate(key);
    } catch (error: unknown) {
      rethrowDuplicate(error, key.name);
    }
  }

  async findByHash(hash: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectByHash.get(hash);
    return row === undefined ? undefined : toRecord(row);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  async findByName(name: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectPreferredByName.get(name);
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return this.selectAll.all().map(toRecord);
  }

  async revoke(idOrName: string, at: number = Date.now()): Promise<boolean> {
    // Two statements, no transaction needed: the second only runs when the first changed nothing.
    if (this.revokeById.run(at, idOrName).changes > 0) return true;
    return this.revokeByName.run(at, idOrName).changes > 0;
  }

  private upsertInTransaction(key: NewVirtualKey): VirtualKeyRecord {
    const existing = this.selectPreferredByName.get(key.name);
    if (existing === undefined) {
      const params = toParams(key, createKeyId(), Date.now());
      this.insertRow.run(params);
      return this.mustFindById(params.id);
    }
    // Extra named parameters (name, createdAt) are ignored by the UPDATE: both stay as they were.
    this.updateRow.run(toParams(key, existing.id, existing.created_at));
    return this.mustFindById(existing.id);
  }

  private mustFindById(id: string): VirtualKeyRecord {
    const row = this.selectById.get(id);
    if (row === undefined) throw new Error(`virtual key ${id} vanished right after it was written`);
    return toRecord(row);
  }
}

import Database from 'better-sqlite3';
import {
  applyKeyPatch,
  buildKeyRecord,
  buildRotatedKeyRecords,
  buildUpsertedKeyRecord,
} from '../build-key-record.js';
import { createKeyId } from '../create-key-id.js';
import {
  DuplicateKeyError,
  type KeyPatch,
  type KeyStore,
  type NewVirtualKey,
  type VirtualKeyRecord,
} from '../types.js';
import {
  type KeyRow,
  keyAssignments,
  keyColumns,
  keyPlaceholders,
  toKeyRecord,
  toKeyRow,
} from './sqlite-key-row.js';

type RotateNext = Parameters<KeyStore['rotate']>[1];
type Rotated = { old: VirtualKeyRecord; created: VirtualKeyRecord };

/** Turns a UNIQUE violation into the store-neutral `DuplicateKeyError`; rethrows anything else. */
function rethrowDuplicate(error: unknown, name: string | undefined): never {
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    if (error.message.includes('virtual_keys.name')) {
      throw new DuplicateKeyError(`a live key named "${name ?? ''}" already exists`);
    }
    if (error.message.includes('virtual_keys.hash')) {
      throw new DuplicateKeyError('another key already uses this secret');
    }
  }
  throw error;
}

/**
 * Virtual keys in the `virtual_keys` table. A partial unique index keeps live names (not revoked, not
 * replaced) unique while an old key's name can be reused; revoked and replaced rows stay so
 * `findByHash` can say what became of a secret. Read-modify-write operations run in one IMMEDIATE
 * transaction each, so a failed write (a name or hash clash) leaves nothing behind.
 *
 * @example
 * const keys = new SqliteKeyStore(openSqliteDatabase(':memory:'));
 * await keys.insert({ name: 'ci', hash, prefix: 'sk-cvg-AbCd', source: 'issued' });
 */
export class SqliteKeyStore implements KeyStore {
  private readonly insertRow: Database.Statement<[KeyRow]>;
  private readonly writeRow: Database.Statement<[KeyRow]>;
  private readonly selectById: Database.Statement<[string], KeyRow>;
  private readonly selectLiveById: Database.Statement<[string], KeyRow>;
  private readonly selectByHash: Database.Statement<[string], KeyRow>;
  private readonly selectPreferredByName: Database.Statement<[string], KeyRow>;
  private readonly selectAll: Database.Statement<[], KeyRow>;
  private readonly selectUpdatedSince: Database.Statement<[number], KeyRow>;
  private readonly revokeById: Database.Statement<[{ at: number; target: string }]>;
  private readonly revokeByName: Database.Statement<[{ at: number; target: string }]>;
  private readonly moveKeysOfUser: Database.Statement<
    [{ at: number; userId: string; teamId: string | null }]
  >;
  private readonly upsertTransaction: Database.Transaction<(key: NewVirtualKey) => VirtualKeyRecord>;
  private readonly updateTransaction: Database.Transaction<
    (id: string, patch: KeyPatch, at: number) => VirtualKeyRecord | undefined
  >;
  private readonly rotateTransaction: Database.Transaction<
    (id: string, next: RotateNext, oldExpiresAt: number, at: number) => Rotated | undefined
  >;

  constructor(db: Database.Database) {
    const live = 'revoked_at IS NULL AND replaced_by IS NULL';
    this.insertRow = db.prepare(`INSERT INTO virtual_keys (${keyColumns}) VALUES (${keyPlaceholders})`);
    this.writeRow = db.prepare(`UPDATE virtual_keys SET ${keyAssignments} WHERE id = @id`);
    this.selectById = db.prepare(`SELECT ${keyColumns} FROM virtual_keys WHERE id = ?`);
    this.selectLiveById = db.prepare(`SELECT ${keyColumns} FROM virtual_keys WHERE id = ? AND ${live}`);
    this.selectByHash = db.prepare(`SELECT ${keyColumns} FROM virtual_keys WHERE hash = ?`);
    // The live key if there is one, else the most recently created one.
    this.selectPreferredByName = db.prepare(
      `SELECT ${keyColumns} FROM virtual_keys WHERE name = ? ORDER BY (${live}) DESC, seq DESC LIMIT 1`,
    );
    this.selectAll = db.prepare(`SELECT ${keyColumns} FROM virtual_keys ORDER BY seq`);
    this.selectUpdatedSince = db.prepare(
      `SELECT ${keyColumns} FROM virtual_keys WHERE updated_at > ? ORDER BY updated_at, seq`,
    );
    this.revokeById = db.prepare(
      'UPDATE virtual_keys SET revoked_at = @at, updated_at = @at WHERE id = @target AND revoked_at IS NULL',
    );
    this.revokeByName = db.prepare(
      'UPDATE virtual_keys SET revoked_at = @at, updated_at = @at WHERE name = @target AND revoked_at IS NULL',
    );
    this.moveKeysOfUser = db.prepare(
      'UPDATE virtual_keys SET team_id = @teamId, updated_at = @at WHERE user_id = @userId AND revoked_at IS NULL',
    );
    this.upsertTransaction = db.transaction((key: NewVirtualKey) => this.upsertInTransaction(key));
    this.updateTransaction = db.transaction((id: string, patch: KeyPatch, at: number) =>
      this.updateInTransaction(id, patch, at),
    );
    this.rotateTransaction = db.transaction(
      (id: string, next: RotateNext, oldExpiresAt: number, at: number) =>
        this.rotateInTransaction(id, next, oldExpiresAt, at),
    );
  }

  async insert(key: NewVirtualKey): Promise<VirtualKeyRecord> {
    const record = buildKeyRecord(key, createKeyId(), Date.now());
    try {
      this.insertRow.run(toKeyRow(record));
    } catch (error: unknown) {
      rethrowDuplicate(error, key.name);
    }
    return this.mustFindById(record.id);
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
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async findById(id: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async findByName(name: string): Promise<VirtualKeyRecord | undefined> {
    const row = this.selectPreferredByName.get(name);
    return row === undefined ? undefined : toKeyRecord(row);
  }

  async list(): Promise<VirtualKeyRecord[]> {
    return this.selectAll.all().map(toKeyRecord);
  }

  async listUpdatedSince(since: number): Promise<VirtualKeyRecord[]> {
    return this.selectUpdatedSince.all(since).map(toKeyRecord);
  }

  async revoke(idOrName: string, at: number = Date.now()): Promise<boolean> {
    // Two statements, no transaction needed: the second only runs when the first changed nothing.
    const params = { at, target: idOrName };
    if (this.revokeById.run(params).changes > 0) return true;
    return this.revokeByName.run(params).changes > 0;
  }

  async moveUserKeys(userId: string, teamId: string | null, at: number = Date.now()): Promise<number> {
    return this.moveKeysOfUser.run({ at, userId, teamId }).changes;
  }

  async update(id: string, patch: KeyPatch, at: number = Date.now()): Promise<VirtualKeyRecord | undefined> {
    try {
      return this.updateTransaction.immediate(id, patch, at);
    } catch (error: unknown) {
      rethrowDuplicate(error, patch.name);
    }
  }

  async rotate(
    id: string,
    next: RotateNext,
    oldExpiresAt: number,
    at: number = Date.now(),
  ): Promise<Rotated | undefined> {
    try {
      return this.rotateTransaction.immediate(id, next, oldExpiresAt, at);
    } catch (error: unknown) {
      rethrowDuplicate(error, undefined);
    }
  }

  private upsertInTransaction(key: NewVirtualKey): VirtualKeyRecord {
    const existing = this.selectPreferredByName.get(key.name);
    const record =
      existing === undefined
        ? buildKeyRecord(key, createKeyId(), Date.now())
        : buildUpsertedKeyRecord(toKeyRecord(existing), key, Date.now());
    (existing === undefined ? this.insertRow : this.writeRow).run(toKeyRow(record));
    return this.mustFindById(record.id);
  }

  private updateInTransaction(id: string, patch: KeyPatch, at: number): VirtualKeyRecord | undefined {
    const row = this.selectLiveById.get(id);
    if (row === undefined) return undefined;
    this.writeRow.run(toKeyRow(applyKeyPatch(toKeyRecord(row), patch, at)));
    return this.mustFindById(id);
  }

  private rotateInTransaction(
    id: string,
    next: RotateNext,
    oldExpiresAt: number,
    at: number,
  ): Rotated | undefined {
    const row = this.selectLiveById.get(id);
    if (row === undefined) return undefined;
    const rotated = buildRotatedKeyRecords(toKeyRecord(row), next, createKeyId(), oldExpiresAt, at);
    // The old key first: until it is marked replaced, it holds the live name the new key takes.
    this.writeRow.run(toKeyRow(rotated.old));
    this.insertRow.run(toKeyRow(rotated.created));
    return { old: this.mustFindById(rotated.old.id), created: this.mustFindById(rotated.created.id) };
  }

  private mustFindById(id: string): VirtualKeyRecord {
    const row = this.selectById.get(id);
    if (row === undefined) throw new Error(`virtual key ${id} vanished right after it was written`);
    return toKeyRecord(row);
  }
}

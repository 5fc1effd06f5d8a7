import Database from 'better-sqlite3';
import { z } from 'zod';
import { applyUserPatch, buildUserRecord, normalizeEmail } from '../build-user-record.js';
import { createRecordId } from '../create-record-id.js';
import {
  DuplicateKeyError,
  type NewUser,
  UnknownKeyError,
  type UserPatch,
  type UserRecord,
  type UserStore,
} from '../types.js';

interface UserRow {
  id: string;
  email: string;
  email_normalized: string;
  display_name: string | null;
  team_id: string | null;
  role: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const columnNames = [
  'id',
  'email',
  'email_normalized',
  'display_name',
  'team_id',
  'role',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof UserRow)[];
const columns = columnNames.join(', ');
const roleSchema = z.enum(['admin', 'team-admin', 'member']);

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    teamId: row.team_id,
    role: roleSchema.parse(row.role),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function toRow(record: UserRecord): UserRow {
  return {
    id: record.id,
    email: record.email,
    email_normalized: normalizeEmail(record.email),
    display_name: record.displayName,
    team_id: record.teamId,
    role: record.role,
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    deleted_at: record.deletedAt,
  };
}

function rethrowConstraint(error: unknown, email: string | undefined): never {
  if (error instanceof Database.SqliteError && error.code.startsWith('SQLITE_CONSTRAINT')) {
    if (error.message.includes('users.email_normalized')) {
      throw new DuplicateKeyError(`a user with the email ${email ?? ''} already exists`);
    }
  }
  throw error;
}

/**
 * Users in the `users` table (migration 4). Emails are unique among live users through a partial
 * unique index on their normalized form; `teamId` must name a live team, checked in the same
 * transaction as the write (the foreign key alone would accept a deleted team).
 *
 * @example
 * const db = openSqliteDatabase(':memory:');
 * const users = new SqliteUserStore(db);
 * await users.insert({ email: 'ada@example.com', teamId: null, role: 'admin' });
 */
export class SqliteUserStore implements UserStore {
  private readonly insertRow: Database.Statement<[UserRow]>;
  private readonly writeRow: Database.Statement<[UserRow]>;
  private readonly selectById: Database.Statement<[string], UserRow>;
  private readonly selectPreferredByEmail: Database.Statement<[string], UserRow>;
  private readonly selectLive: Database.Statement<[], UserRow>;
  private readonly selectLiveOfTeam: Database.Statement<[string], UserRow>;
  private readonly selectLiveTeam: Database.Statement<[string], { id: string }>;
  private readonly deleteById: Database.Statement<[{ at: number; id: string }]>;
  private readonly insertTransaction: Database.Transaction<(user: NewUser) => UserRecord>;
  private readonly updateTransaction: Database.Transaction<
    (id: string, patch: UserPatch, at: number) => UserRecord | undefined
  >;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT INTO users (${columns}) VALUES (${columnNames.map((column) => `@${column}`).join(', ')})`,
    );
    this.writeRow = db.prepare(
      `UPDATE users SET display_name = @display_name, team_id = @team_id, role = @role,
       updated_at = @updated_at WHERE id = @id`,
    );
    this.selectById = db.prepare(`SELECT ${columns} FROM users WHERE id = ?`);
    this.selectPreferredByEmail = db.prepare(
      `SELECT ${columns} FROM users WHERE email_normalized = ?
       ORDER BY deleted_at IS NULL DESC, seq DESC LIMIT 1`,
    );
    this.selectLive = db.prepare(`SELECT ${columns} FROM users WHERE deleted_at IS NULL ORDER BY seq`);
    this.selectLiveOfTeam = db.prepare(
      `SELECT ${columns} FROM users WHERE deleted_at IS NULL AND team_id = ? ORDER BY seq`,
    );
    this.selectLiveTeam = db.prepare('SELECT id FROM teams WHERE id = ? AND deleted_at IS NULL');
    this.deleteById = db.prepare(
      'UPDATE users SET deleted_at = @at, updated_at = @at WHERE id = @id AND deleted_at IS NULL',
    );
    this.insertTransaction = db.transaction((user: NewUser) => {
      this.assertLiveTeam(user.teamId);
      const record = buildUserRecord(user, createRecordId('user'), Date.now());
      this.insertRow.run(toRow(record));
      return this.mustFindById(record.id);
    });
    this.updateTransaction = db.transaction((id: string, patch: UserPatch, at: number) => {
      const row = this.selectById.get(id);
      if (row === undefined || row.deleted_at !== null) return undefined;
      if (patch.teamId !== undefined) this.assertLiveTeam(patch.teamId);
      this.writeRow.run(toRow(applyUserPatch(toRecord(row), patch, at)));
      return this.mustFindById(id);
    });
  }

  async insert(user: NewUser): Promise<UserRecord> {
    try {
      return this.insertTransaction.immediate(user);
    } catch (error: unknown) {
      rethrowConstraint(error, user.email);
    }
  }

  async update(id: string, patch: UserPatch, at: number = Date.now()): Promise<UserRecord | undefined> {
    return this.updateTransaction.immediate(id, patch, at);
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const row = this.selectPreferredByEmail.get(normalizeEmail(email));
    return row === undefined ? undefined : toRecord(row);
  }

  async list(filter: { teamId?: string } = {}): Promise<UserRecord[]> {
    const rows =
      filter.teamId === undefined ? this.selectLive.all() : this.selectLiveOfTeam.all(filter.teamId);
    return rows.map(toRecord);
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    return this.deleteById.run({ at, id }).changes > 0;
  }

  private assertLiveTeam(teamId: string | null | undefined): void {
    if (teamId == null) return;
    if (this.selectLiveTeam.get(teamId) === undefined) {
      throw new UnknownKeyError(`no team has the id ${teamId}`);
    }
  }

  private mustFindById(id: string): UserRecord {
    const row = this.selectById.get(id);
    if (row === undefined) throw new Error(`user ${id} vanished right after it was written`);
    return toRecord(row);
  }
}

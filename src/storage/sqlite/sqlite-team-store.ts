import Database from 'better-sqlite3';
import { applyTeamPatch, buildTeamRecord } from '../build-team-record.js';
import { createRecordId } from '../create-record-id.js';
import {
  DuplicateKeyError,
  type NewTeam,
  type TeamPatch,
  type TeamRecord,
  type TeamStore,
} from '../types.js';
import { decodePolicyColumns, encodePolicyColumns, type PolicyColumns } from './sqlite-policy-columns.js';

interface TeamRow extends PolicyColumns {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const columnNames = [
  'id',
  'name',
  'models',
  'processing',
  'limits',
  'budget',
  'tags',
  'created_at',
  'updated_at',
  'deleted_at',
] as const satisfies readonly (keyof TeamRow)[];
const columns = columnNames.join(', ');

function toRecord(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    ...decodePolicyColumns(row, `team ${row.id}`),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function toRow(record: TeamRecord): TeamRow {
  return {
    id: record.id,
    name: record.name,
    ...encodePolicyColumns(record),
    created_at: record.createdAt,
    updated_at: record.updatedAt,
    deleted_at: record.deletedAt,
  };
}

function rethrowDuplicate(error: unknown, name: string | undefined): never {
  if (
    error instanceof Database.SqliteError &&
    error.code.startsWith('SQLITE_CONSTRAINT') &&
    error.message.includes('teams.name')
  ) {
    throw new DuplicateKeyError(`a team named "${name ?? ''}" already exists`);
  }
  throw error;
}

/**
 * Teams in the `teams` table (migration 4). A partial unique index keeps live names unique; deleted
 * rows stay (soft delete) for reports and for the replicas' incremental refresh.
 *
 * @example
 * const teams = new SqliteTeamStore(openSqliteDatabase(':memory:'));
 * await teams.insert({ name: 'search', limits: { rpm: 600 } });
 */
export class SqliteTeamStore implements TeamStore {
  private readonly insertRow: Database.Statement<[TeamRow]>;
  private readonly writeRow: Database.Statement<[TeamRow]>;
  private readonly selectById: Database.Statement<[string], TeamRow>;
  private readonly selectPreferredByName: Database.Statement<[string], TeamRow>;
  private readonly selectLive: Database.Statement<[], TeamRow>;
  private readonly selectUpdatedSince: Database.Statement<[number], TeamRow>;
  private readonly deleteById: Database.Statement<[{ at: number; id: string }]>;
  private readonly updateTransaction: Database.Transaction<
    (id: string, patch: TeamPatch, at: number) => TeamRecord | undefined
  >;

  constructor(db: Database.Database) {
    this.insertRow = db.prepare(
      `INSERT INTO teams (${columns}) VALUES (${columnNames.map((column) => `@${column}`).join(', ')})`,
    );
    const assignments = columnNames
      .filter((column) => column !== 'id')
      .map((column) => `${column} = @${column}`)
      .join(', ');
    this.writeRow = db.prepare(`UPDATE teams SET ${assignments} WHERE id = @id`);
    this.selectById = db.prepare(`SELECT ${columns} FROM teams WHERE id = ?`);
    this.selectPreferredByName = db.prepare(
      `SELECT ${columns} FROM teams WHERE name = ? ORDER BY deleted_at IS NULL DESC, seq DESC LIMIT 1`,
    );
    this.selectLive = db.prepare(`SELECT ${columns} FROM teams WHERE deleted_at IS NULL ORDER BY seq`);
    this.selectUpdatedSince = db.prepare(
      `SELECT ${columns} FROM teams WHERE updated_at > ? ORDER BY updated_at, seq`,
    );
    this.deleteById = db.prepare(
      'UPDATE teams SET deleted_at = @at, updated_at = @at WHERE id = @id AND deleted_at IS NULL',
    );
    this.updateTransaction = db.transaction((id: string, patch: TeamPatch, at: number) => {
      const row = this.selectById.get(id);
      if (row === undefined || row.deleted_at !== null) return undefined;
      this.writeRow.run(toRow(applyTeamPatch(toRecord(row), patch, at)));
      return this.mustFindById(id);
    });
  }

  async insert(team: NewTeam): Promise<TeamRecord> {
    const record = buildTeamRecord(team, createRecordId('team'), Date.now());
    try {
      this.insertRow.run(toRow(record));
    } catch (error: unknown) {
      rethrowDuplicate(error, team.name);
    }
    return this.mustFindById(record.id);
  }

  async update(id: string, patch: TeamPatch, at: number = Date.now()): Promise<TeamRecord | undefined> {
    try {
      return this.updateTransaction.immediate(id, patch, at);
    } catch (error: unknown) {
      rethrowDuplicate(error, patch.name);
    }
  }

  async findById(id: string): Promise<TeamRecord | undefined> {
    const row = this.selectById.get(id);
    return row === undefined ? undefined : toRecord(row);
  }

  async findByName(name: string): Promise<TeamRecord | undefined> {
    const row = this.selectPreferredByName.get(name);
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<TeamRecord[]> {
    return this.selectLive.all().map(toRecord);
  }

  async listUpdatedSince(since: number): Promise<TeamRecord[]> {
    return this.selectUpdatedSince.all(since).map(toRecord);
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    return this.deleteById.run({ at, id }).changes > 0;
  }

  private mustFindById(id: string): TeamRecord {
    const row = this.selectById.get(id);
    if (row === undefined) throw new Error(`team ${id} vanished right after it was written`);
    return toRecord(row);
  }
}

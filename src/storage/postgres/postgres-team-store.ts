import { createRecordId } from '../create-record-id.js';
import type { NewTeam, TeamPatch, TeamRecord, TeamStore } from '../types.js';
import {
  decodePolicy,
  type PolicyRow,
  policyColumns,
  toJsonParameter,
  toPolicyParameters,
} from './policy-columns.js';
import type { PostgresQueryable } from './postgres-database.js';
import { rethrowConstraintViolation } from './rethrow-constraint-violation.js';

interface TeamRow extends PolicyRow {
  id: string;
  name: string;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const columns = `id, name, ${policyColumns.join(', ')}, created_at, updated_at, deleted_at`;

function toRecord(row: TeamRow): TeamRecord {
  return {
    id: row.id,
    name: row.name,
    ...decodePolicy(row, `team ${row.id}`),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function duplicateName(name: string | undefined) {
  return { teams_live_name: `a live team named "${name}" already exists` };
}

/** The SET list and values for the fields a patch gives; parameters start at `$3` ($1 id, $2 time). */
function buildPatch(patch: TeamPatch): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  const assign = (column: string, value: unknown, cast = '') => {
    values.push(value);
    assignments.push(`${column} = $${values.length + 2}${cast}`);
  };
  if (patch.name !== undefined) assign('name', patch.name);
  for (const column of policyColumns) {
    if (patch[column] !== undefined) assign(column, toJsonParameter(patch[column]), '::jsonb');
  }
  return { assignments, values };
}

/**
 * Teams in the `teams` table. Deleting is soft (`deleted_at`), and a partial unique index keeps
 * names unique among live teams only, so a deleted team's name can be reused.
 *
 * @example
 * const teams = new PostgresTeamStore(database);
 * const team = await teams.insert({ name: 'search', budget: { usdPerDay: 50 } });
 */
export class PostgresTeamStore implements TeamStore {
  constructor(private readonly database: PostgresQueryable) {}

  async insert(team: NewTeam): Promise<TeamRecord> {
    const now = Date.now();
    try {
      const [row] = await this.database.query<TeamRow>(
        `INSERT INTO teams (id, name, ${policyColumns.join(', ')}, created_at, updated_at)
         VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6::jsonb, $7::jsonb, $8, $8)
         RETURNING ${columns}`,
        [createRecordId('team'), team.name, ...toPolicyParameters(team), now],
      );
      return toRecord(row as TeamRow);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, duplicateName(team.name));
    }
  }

  async update(id: string, patch: TeamPatch, at: number = Date.now()): Promise<TeamRecord | undefined> {
    const { assignments, values } = buildPatch(patch);
    try {
      const [row] = await this.database.query<TeamRow>(
        `UPDATE teams SET ${['updated_at = $2', ...assignments].join(', ')}
         WHERE id = $1 AND deleted_at IS NULL RETURNING ${columns}`,
        [id, at, ...values],
      );
      return row === undefined ? undefined : toRecord(row);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, duplicateName(patch.name));
    }
  }

  async findById(id: string): Promise<TeamRecord | undefined> {
    const [row] = await this.database.query<TeamRow>(`SELECT ${columns} FROM teams WHERE id = $1`, [id]);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The live team with that name, else the most recently created deleted one. */
  async findByName(name: string): Promise<TeamRecord | undefined> {
    const [row] = await this.database.query<TeamRow>(
      `SELECT ${columns} FROM teams WHERE name = $1 ORDER BY deleted_at IS NULL DESC, seq DESC LIMIT 1`,
      [name],
    );
    return row === undefined ? undefined : toRecord(row);
  }

  async list(): Promise<TeamRecord[]> {
    const rows = await this.database.query<TeamRow>(
      `SELECT ${columns} FROM teams WHERE deleted_at IS NULL ORDER BY seq`,
    );
    return rows.map(toRecord);
  }

  async listUpdatedSince(since: number): Promise<TeamRecord[]> {
    const rows = await this.database.query<TeamRow>(
      `SELECT ${columns} FROM teams WHERE updated_at > $1 ORDER BY updated_at, seq`,
      [since],
    );
    return rows.map(toRecord);
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE teams SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id',
      [id, at],
    );
    return rows.length > 0;
  }
}

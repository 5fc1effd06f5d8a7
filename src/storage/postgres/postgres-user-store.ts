import { createRecordId } from '../create-record-id.js';
import {
  type NewUser,
  type Role,
  UnknownKeyError,
  type UserPatch,
  type UserRecord,
  type UserStore,
} from '../types.js';
import type { PostgresQueryable } from './postgres-database.js';
import { rethrowConstraintViolation } from './rethrow-constraint-violation.js';

interface UserRow {
  id: string;
  email: string;
  display_name: string | null;
  team_id: string | null;
  role: Role;
  created_at: number;
  updated_at: number;
  deleted_at: number | null;
}

const columns = 'id, email, display_name, team_id, role, created_at, updated_at, deleted_at';

function toRecord(row: UserRow): UserRecord {
  return {
    id: row.id,
    email: row.email,
    displayName: row.display_name,
    teamId: row.team_id,
    role: row.role,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    deletedAt: row.deleted_at,
  };
}

function constraintMessages(email: string | undefined, teamId: string | null | undefined) {
  return {
    users_live_email: `a live user with the email "${email}" already exists`,
    users_team_id_fkey: `no live team has the id ${teamId}`,
  };
}

/** Emails compare case-insensitively, Unicode included, whatever the database's locale. */
function toEmailKey(email: string): string {
  return email.toLowerCase();
}

/** True when the team parameter is null or names a live team. */
function liveTeamOrNone(parameter: string): string {
  return `(${parameter}::text IS NULL OR EXISTS (SELECT 1 FROM teams WHERE id = ${parameter} AND deleted_at IS NULL))`;
}

function unknownTeam(teamId: string | null | undefined): UnknownKeyError {
  return new UnknownKeyError(`no live team has the id ${teamId}`);
}

/** The SET list and values for the fields a patch gives; parameters start at `$3` ($1 id, $2 time). */
function buildPatch(patch: UserPatch): { assignments: string[]; values: unknown[] } {
  const assignments: string[] = [];
  const values: unknown[] = [];
  const fields = [
    ['display_name', patch.displayName],
    ['team_id', patch.teamId],
    ['role', patch.role],
  ] as const;
  for (const [column, value] of fields) {
    if (value === undefined) continue;
    values.push(value);
    assignments.push(`${column} = $${values.length + 2}`);
  }
  return { assignments, values };
}

/**
 * Users in the `users` table. Emails are unique among live users regardless of case (a partial
 * unique index on the lowercased email); a user's team must exist and not be deleted.
 *
 * @example
 * const users = new PostgresUserStore(database);
 * await users.insert({ email: 'ada@example.com', teamId: team.id, role: 'member' });
 */
export class PostgresUserStore implements UserStore {
  constructor(private readonly database: PostgresQueryable) {}

  async insert(user: NewUser): Promise<UserRecord> {
    let rows: UserRow[];
    try {
      // INSERT … SELECT … WHERE: nothing is written when the team is unknown or deleted.
      rows = await this.database.query<UserRow>(
        `INSERT INTO users (id, email, email_key, display_name, team_id, role, created_at, updated_at)
         SELECT $1, $2, $3, $4, $5, $6, $7, $7 WHERE ${liveTeamOrNone('$5')}
         RETURNING ${columns}`,
        [
          createRecordId('user'),
          user.email,
          toEmailKey(user.email),
          user.displayName ?? null,
          user.teamId,
          user.role,
          Date.now(),
        ],
      );
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(user.email, user.teamId));
    }
    const [row] = rows;
    if (row === undefined) throw unknownTeam(user.teamId);
    return toRecord(row);
  }

  async update(id: string, patch: UserPatch, at: number = Date.now()): Promise<UserRecord | undefined> {
    if (typeof patch.teamId === 'string') await this.assertLiveTeam(patch.teamId);
    const { assignments, values } = buildPatch(patch);
    try {
      const [row] = await this.database.query<UserRow>(
        `UPDATE users SET ${['updated_at = $2', ...assignments].join(', ')}
         WHERE id = $1 AND deleted_at IS NULL RETURNING ${columns}`,
        [id, at, ...values],
      );
      return row === undefined ? undefined : toRecord(row);
    } catch (error: unknown) {
      rethrowConstraintViolation(error, constraintMessages(undefined, patch.teamId));
    }
  }

  async findById(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.database.query<UserRow>(`SELECT ${columns} FROM users WHERE id = $1`, [id]);
    return row === undefined ? undefined : toRecord(row);
  }

  /** The live user with that email (in any case), else the most recently created deleted one. */
  async findByEmail(email: string): Promise<UserRecord | undefined> {
    const [row] = await this.database.query<UserRow>(
      `SELECT ${columns} FROM users WHERE email_key = $1 ORDER BY deleted_at IS NULL DESC, seq DESC LIMIT 1`,
      [toEmailKey(email)],
    );
    return row === undefined ? undefined : toRecord(row);
  }

  async list(filter: { teamId?: string } = {}): Promise<UserRecord[]> {
    const rows =
      filter.teamId === undefined
        ? await this.database.query<UserRow>(
            `SELECT ${columns} FROM users WHERE deleted_at IS NULL ORDER BY seq`,
          )
        : await this.database.query<UserRow>(
            `SELECT ${columns} FROM users WHERE deleted_at IS NULL AND team_id = $1 ORDER BY seq`,
            [filter.teamId],
          );
    return rows.map(toRecord);
  }

  async delete(id: string, at: number = Date.now()): Promise<boolean> {
    const rows = await this.database.query(
      'UPDATE users SET deleted_at = $2, updated_at = $2 WHERE id = $1 AND deleted_at IS NULL RETURNING id',
      [id, at],
    );
    return rows.length > 0;
  }

  private async assertLiveTeam(teamId: string): Promise<void> {
    const rows = await this.database.query(`SELECT 1 FROM teams WHERE id = $1 AND deleted_at IS NULL`, [
      teamId,
    ]);
    if (rows.length === 0) throw unknownTeam(teamId);
  }
}

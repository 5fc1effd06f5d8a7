import type { PostgresDatabase, PostgresQueryable } from './postgres-database.js';
import { type PostgresMigration, postgresMigrations } from './postgres-migrations.js';

/** Migrations may rebuild indexes on big tables: far beyond the per-statement timeout. */
const migrationTimeoutMs = 30 * 60_000;

function assertWellFormed(migrations: readonly PostgresMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}

/**
 * Serialises migrators of one schema across processes until the transaction ends. The key names the
 * schema, so tests migrating their own schemas never wait on each other.
 */
async function lockMigrations(connection: PostgresQueryable, schema: string | undefined): Promise<void> {
  await connection.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    `converge:migrations:${schema ?? ''}`,
  ]);
}

async function appliedVersions(connection: PostgresQueryable): Promise<Set<number>> {
  const rows = await connection.query<{ version: number }>('SELECT version FROM schema_migrations');
  return new Set(rows.map((row) => row.version));
}

/**
 * Looks before creating: CREATE SCHEMA checks the CREATE privilege on the database even when the
 * schema exists, and a production role may only own its pre-created schema.
 */
async function createSchemaIfMissing(connection: PostgresQueryable, schema: string): Promise<void> {
  const found = await connection.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema]);
  if (found.length === 0) await connection.query(`CREATE SCHEMA ${schema}`);
}

/** Creates the schema and the bookkeeping table if needed; returns the versions already applied. */
async function prepare(database: PostgresDatabase): Promise<Set<number>> {
  return database.transaction(async (connection) => {
    await lockMigrations(connection, database.schema);
    if (database.schema !== undefined) await createSchemaIfMissing(connection, database.schema);
    await connection.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      version INTEGER PRIMARY KEY,
      name TEXT NOT NULL,
      applied_at BIGINT NOT NULL
    )`);
    return appliedVersions(connection);
  }, migrationTimeoutMs);
}

/**
 * Applies the migrations the schema has not seen yet, each in its own transaction holding a
 * `pg_advisory_xact_lock`, so several gateways starting together apply each exactly once (the
 * losers re-check inside the lock and skip). Returns the versions applied by this call.
 *
 * @example
 * await runPostgresMigrations(database); // [1] on an empty schema, [] afterwards
 */
export async function runPostgresMigrations(
  database: PostgresDatabase,
  migrations: readonly PostgresMigration[] = postgresMigrations,
): Promise<number[]> {
  assertWellFormed(migrations);
  const seen = await prepare(database);
  const newest = Math.max(0, ...seen);
  if (newest > migrations.length) {
    throw new Error(
      `the database is at schema version ${newest}, newer than this Converge knows (${migrations.length}); upgrade Converge`,
    );
  }
  const applied: number[] = [];
  for (const migration of migrations) {
    if (seen.has(migration.version)) continue;
    const appliedNow = await database.transaction(async (connection) => {
      await lockMigrations(connection, database.schema);
      // Re-checked inside the lock: another process may have applied it since we looked.
      if ((await appliedVersions(connection)).has(migration.version)) return false;
      await connection.query(migration.sql);
      await connection.query(
        'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
        [migration.version, migration.name, Date.now()],
      );
      return true;
    }, migrationTimeoutMs);
    if (appliedNow) applied.push(migration.version);
  }
  return applied;
}

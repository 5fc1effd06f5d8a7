import type Database from 'better-sqlite3';

/** One forward-only schema step. Versions start at 1 and never skip; a shipped migration is never edited. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

export const sqliteMigrations: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'virtual keys and usage',
    // `seq` is an explicit rowid so creation/insertion order survives VACUUM (implicit rowids may not).
    sql: `
      CREATE TABLE virtual_keys (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        expires_at INTEGER,
        revoked_at INTEGER,
        models TEXT CHECK (models IS NULL OR json_valid(models)),
        source TEXT NOT NULL CHECK (source IN ('issued', 'config', 'dev'))
      );
      CREATE UNIQUE INDEX virtual_keys_live_name ON virtual_keys (name) WHERE revoked_at IS NULL;
      CREATE INDEX virtual_keys_name ON virtual_keys (name, seq);

      CREATE TABLE usage (
        seq INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE,
        created_at INTEGER NOT NULL,
        key_id TEXT,
        key_name TEXT,
        dialect TEXT NOT NULL,
        operation TEXT NOT NULL,
        stream INTEGER NOT NULL,
        model_requested TEXT,
        model_served TEXT,
        deployment TEXT,
        provider TEXT,
        status TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        error_code TEXT,
        input_tokens INTEGER NOT NULL,
        output_tokens INTEGER NOT NULL,
        cache_read_tokens INTEGER NOT NULL,
        cache_write_tokens INTEGER NOT NULL,
        reasoning_tokens INTEGER NOT NULL,
        usage_estimated INTEGER NOT NULL,
        latency_ms REAL NOT NULL,
        ttft_ms REAL,
        attempts TEXT NOT NULL CHECK (json_valid(attempts))
      );
      CREATE INDEX usage_created_at ON usage (created_at);
      CREATE INDEX usage_key_id_created_at ON usage (key_id, created_at);
    `,
  },
  {
    version: 2,
    name: 'aws key pairs',
    sql: `
      CREATE TABLE aws_key_pairs (
        seq INTEGER PRIMARY KEY,
        access_key_id TEXT NOT NULL UNIQUE,
        key_id TEXT NOT NULL REFERENCES virtual_keys (id),
        sealed_secret TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        revoked_at INTEGER
      );
      CREATE INDEX aws_key_pairs_key_id ON aws_key_pairs (key_id);
    `,
  },
  {
    version: 3,
    name: 'usage cost',
    // Integer nano-dollars: exact, and SUM() over millions of rows stays exact to the cent.
    // NULL = no price was known for the target (not the same as a free request).
    sql: `
      ALTER TABLE usage ADD COLUMN cost_nano_usd INTEGER;
    `,
  },
  {
    version: 4,
    name: 'teams, users and key governance',
    // Policy objects are JSON text. `email_normalized` is computed by the store (see normalizeEmail),
    // so every backend agrees on which emails clash. A key's updated_at starts at its last known
    // change (creation, or revocation when later). The live-name index now also frees the name of a
    // key replaced by a rotation. Keys' team_id/user_id carry no foreign key: the store takes them as
    // given (callers validate), like every backend.
    sql: `
      CREATE TABLE teams (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        models TEXT CHECK (models IS NULL OR json_valid(models)),
        processing TEXT CHECK (processing IS NULL OR json_valid(processing)),
        limits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(limits)),
        budget TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(budget)),
        tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags)),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE UNIQUE INDEX teams_live_name ON teams (name) WHERE deleted_at IS NULL;
      CREATE INDEX teams_name ON teams (name, seq);
      CREATE INDEX teams_updated_at ON teams (updated_at, seq);

      CREATE TABLE users (
        seq INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        email_normalized TEXT NOT NULL,
        display_name TEXT,
        team_id TEXT REFERENCES teams (id),
        role TEXT NOT NULL CHECK (role IN ('admin', 'team-admin', 'member')),
        created_at INTEGER NOT NULL,
        updated_at INTEGER NOT NULL,
        deleted_at INTEGER
      );
      CREATE UNIQUE INDEX users_live_email ON users (email_normalized) WHERE deleted_at IS NULL;
      CREATE INDEX users_email ON users (email_normalized, seq);
      CREATE INDEX users_team_id ON users (team_id, seq);

      ALTER TABLE virtual_keys ADD COLUMN team_id TEXT;
      ALTER TABLE virtual_keys ADD COLUMN user_id TEXT;
      ALTER TABLE virtual_keys ADD COLUMN role TEXT NOT NULL DEFAULT 'member'
        CHECK (role IN ('admin', 'team-admin', 'member'));
      ALTER TABLE virtual_keys ADD COLUMN allow_route_override INTEGER NOT NULL DEFAULT 0
        CHECK (allow_route_override IN (0, 1));
      ALTER TABLE virtual_keys ADD COLUMN processing TEXT CHECK (processing IS NULL OR json_valid(processing));
      ALTER TABLE virtual_keys ADD COLUMN limits TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(limits));
      ALTER TABLE virtual_keys ADD COLUMN budget TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(budget));
      ALTER TABLE virtual_keys ADD COLUMN tags TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(tags));
      ALTER TABLE virtual_keys ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE virtual_keys ADD COLUMN replaced_by TEXT;
      UPDATE virtual_keys SET updated_at = MAX(created_at, COALESCE(revoked_at, created_at));
      DROP INDEX virtual_keys_live_name;
      CREATE UNIQUE INDEX virtual_keys_live_name ON virtual_keys (name)
        WHERE revoked_at IS NULL AND replaced_by IS NULL;
      CREATE INDEX virtual_keys_updated_at ON virtual_keys (updated_at, seq);

      ALTER TABLE usage ADD COLUMN team_id TEXT;
      CREATE INDEX usage_team_id_created_at ON usage (team_id, created_at);
    `,
  },
];

function assertWellFormed(migrations: readonly SqliteMigration[]): void {
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1) {
      throw new Error(
        `migration "${migration.name}" has version ${migration.version}, expected ${index + 1}`,
      );
    }
  });
}

/**
 * Applies the migrations the database has not seen yet, each in its own IMMEDIATE transaction (so
 * two processes opening the same file can't both apply one), and records them in `schema_migrations`.
 * Returns the versions applied now; running it again applies nothing.
 *
 * @example
 * runMigrations(db); // [1] on a new file, [] afterwards
 */
export function runMigrations(
  db: Database.Database,
  migrations: readonly SqliteMigration[] = sqliteMigrations,
): number[] {
  assertWellFormed(migrations);
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    applied_at INTEGER NOT NULL
  )`);
  const latest = db.prepare<[], { version: number | null }>(
    'SELECT MAX(version) AS version FROM schema_migrations',
  );
  const known = migrations.length;
  const current = latest.get()?.version ?? 0;
  if (current > known) {
    throw new Error(
      `the database is at schema version ${current}, newer than this Converge knows (${known}); upgrade Converge`,
    );
  }
  const isApplied = db.prepare<[number], { version: number }>(
    'SELECT version FROM schema_migrations WHERE version = ?',
  );
  const markApplied = db.prepare<[number, string, number]>(
    'INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)',
  );
  const applied: number[] = [];
  for (const migration of migrations) {
    const apply = db.transaction(() => {
      // Re-checked inside the write lock: another process may have applied it since we looked.
      if (isApplied.get(migration.version) !== undefined) return;
      db.exec(migration.sql);
      markApplied.run(migration.version, migration.name, Date.now());
      applied.push(migration.version);
    });
    apply.immediate();
  }
  return applied;
}

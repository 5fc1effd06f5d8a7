/** One forward-only schema step. Versions start at 1 and never skip; a shipped migration is never edited. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Converge's PostgreSQL schema. Times are epoch milliseconds in BIGINT, money is integer
 * nano-dollars in BIGINT (exact sums), lists and objects are JSONB. `seq` keeps creation order.
 * "Live" uniqueness is enforced by partial unique indexes, so soft-deleted, revoked and rotated-out
 * rows free their name. `users.email_key` is the email lowercased by JavaScript (Unicode-aware
 * whatever the database's locale). Keys hold team and user ids without foreign keys: the key store
 * stands alone (config keys may name teams the admin API creates later) and usage rows outlive both.
 */
export const postgresMigrations: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'teams, users, virtual keys, aws key pairs and usage',
    sql: `
      CREATE TABLE teams (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        models JSONB,
        processing JSONB,
        limits JSONB NOT NULL DEFAULT '{}',
        budget JSONB NOT NULL DEFAULT '{}',
        tags JSONB NOT NULL DEFAULT '{}',
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT
      );
      CREATE UNIQUE INDEX teams_live_name ON teams (name) WHERE deleted_at IS NULL;
      CREATE INDEX teams_name ON teams (name, seq);
      CREATE INDEX teams_updated_at ON teams (updated_at, seq);

      CREATE TABLE users (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        email TEXT NOT NULL,
        email_key TEXT NOT NULL,
        display_name TEXT,
        team_id TEXT REFERENCES teams (id),
        role TEXT NOT NULL CHECK (role IN ('admin', 'team-admin', 'member')),
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        deleted_at BIGINT
      );
      CREATE UNIQUE INDEX users_live_email ON users (email_key) WHERE deleted_at IS NULL;
      CREATE INDEX users_email_key ON users (email_key, seq);
      CREATE INDEX users_team_id ON users (team_id, seq);

      CREATE TABLE virtual_keys (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        name TEXT NOT NULL,
        prefix TEXT NOT NULL,
        hash TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        updated_at BIGINT NOT NULL,
        expires_at BIGINT,
        revoked_at BIGINT,
        replaced_by TEXT,
        source TEXT NOT NULL CHECK (source IN ('issued', 'config', 'dev')),
        team_id TEXT,
        user_id TEXT,
        role TEXT NOT NULL CHECK (role IN ('admin', 'team-admin', 'member')),
        allow_route_override BOOLEAN NOT NULL,
        models JSONB,
        processing JSONB,
        limits JSONB NOT NULL DEFAULT '{}',
        budget JSONB NOT NULL DEFAULT '{}',
        tags JSONB NOT NULL DEFAULT '{}'
      );
      CREATE UNIQUE INDEX virtual_keys_live_name ON virtual_keys (name)
        WHERE revoked_at IS NULL AND replaced_by IS NULL;
      CREATE INDEX virtual_keys_name ON virtual_keys (name, seq);
      CREATE INDEX virtual_keys_team_id ON virtual_keys (team_id);
      CREATE INDEX virtual_keys_updated_at ON virtual_keys (updated_at, seq);

      CREATE TABLE aws_key_pairs (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        access_key_id TEXT NOT NULL UNIQUE,
        key_id TEXT NOT NULL REFERENCES virtual_keys (id),
        sealed_secret TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        revoked_at BIGINT
      );
      CREATE INDEX aws_key_pairs_key_id ON aws_key_pairs (key_id);

      CREATE TABLE usage (
        seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        request_id TEXT NOT NULL UNIQUE,
        created_at BIGINT NOT NULL,
        key_id TEXT,
        key_name TEXT,
        team_id TEXT,
        dialect TEXT NOT NULL,
        operation TEXT NOT NULL,
        stream BOOLEAN NOT NULL,
        model_requested TEXT,
        model_served TEXT,
        deployment TEXT,
        provider TEXT,
        status TEXT NOT NULL,
        http_status INTEGER NOT NULL,
        error_code TEXT,
        input_tokens BIGINT NOT NULL,
        output_tokens BIGINT NOT NULL,
        cache_read_tokens BIGINT NOT NULL,
        cache_write_tokens BIGINT NOT NULL,
        reasoning_tokens BIGINT NOT NULL,
        cost_nano_usd BIGINT,
        usage_estimated BOOLEAN NOT NULL,
        latency_ms DOUBLE PRECISION NOT NULL,
        ttft_ms DOUBLE PRECISION,
        attempts JSONB NOT NULL
      );
      CREATE INDEX usage_created_at ON usage (created_at, seq);
      CREATE INDEX usage_key_id_created_at ON usage (key_id, created_at, seq);
      CREATE INDEX usage_team_id_created_at ON usage (team_id, created_at, seq);
    `,
  },
];

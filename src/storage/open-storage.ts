import { join } from 'node:path';
import { MemoryAwsKeyPairStore } from './memory/memory-aws-key-pair-store.js';
import { MemoryKeyStore } from './memory/memory-key-store.js';
import { MemoryTeamStore } from './memory/memory-team-store.js';
import { MemoryUsageStore } from './memory/memory-usage-store.js';
import { MemoryUserStore } from './memory/memory-user-store.js';
import type { PostgresStorageOptions } from './postgres/open-postgres-storage.js';
import { openSqliteDatabase } from './sqlite/open-sqlite-database.js';
import { SqliteAwsKeyPairStore } from './sqlite/sqlite-aws-key-pair-store.js';
import { SqliteKeyStore } from './sqlite/sqlite-key-store.js';
import { SqliteTeamStore } from './sqlite/sqlite-team-store.js';
import { SqliteUsageStore } from './sqlite/sqlite-usage-store.js';
import { SqliteUserStore } from './sqlite/sqlite-user-store.js';
import type { AwsKeyPairStore, KeyStore, TeamStore, UsageStore, UserStore } from './types.js';

export type StorageOptions =
  | { type: 'sqlite'; dataDir: string }
  | { type: 'memory' }
  /** `url` like `postgres://user@127.0.0.1:5432/db`; the schema is migrated on open. */
  | ({ type: 'postgres' } & PostgresStorageOptions);

export interface Storage {
  readonly teams: TeamStore;
  readonly users: UserStore;
  readonly keys: KeyStore;
  /** Gateway-issued AWS access key pairs, bound to virtual keys in `keys`. */
  readonly awsKeyPairs: AwsKeyPairStore;
  readonly usage: UsageStore;
  /** Releases the backend (closes the SQLite file or the pool). Idempotent; the stores must not be used after. */
  close(): Promise<void>;
}

/** The SQLite file inside `dataDir`. */
export const sqliteFileName = 'converge.db';

function openMemoryStorage(): Storage {
  const teams = new MemoryTeamStore();
  const keys = new MemoryKeyStore();
  return {
    teams,
    users: new MemoryUserStore(teams),
    keys,
    awsKeyPairs: new MemoryAwsKeyPairStore(keys),
    usage: new MemoryUsageStore(),
    close: async () => {},
  };
}

function openSqliteStorage(dataDir: string): Storage {
  const db = openSqliteDatabase(join(dataDir, sqliteFileName));
  return {
    teams: new SqliteTeamStore(db),
    users: new SqliteUserStore(db),
    keys: new SqliteKeyStore(db),
    awsKeyPairs: new SqliteAwsKeyPairStore(db),
    usage: new SqliteUsageStore(db),
    async close() {
      if (db.open) db.close();
    },
  };
}

/**
 * Opens the configured backend: SQLite in `<dataDir>/converge.db` (created and migrated on first
 * use), PostgreSQL (migrated on open; its driver is only loaded when chosen) or plain memory
 * (nothing persists; for tests and throw-away runs).
 *
 * @example
 * const storage = await openStorage({ type: 'sqlite', dataDir: './.converge' });
 * try {
 *   await storage.keys.list();
 * } finally {
 *   await storage.close();
 * }
 */
export async function openStorage(options: StorageOptions): Promise<Storage> {
  switch (options.type) {
    case 'memory':
      return openMemoryStorage();
    case 'sqlite':
      return openSqliteStorage(options.dataDir);
    case 'postgres': {
      const { openPostgresStorage } = await import('./postgres/open-postgres-storage.js');
      const { type: _type, ...postgres } = options;
      return openPostgresStorage(postgres);
    }
  }
}

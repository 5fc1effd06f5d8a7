import type { Storage } from '../open-storage.js';
import { PostgresAwsKeyPairStore } from './postgres-aws-key-pair-store.js';
import { PostgresDatabase, type PostgresDatabaseOptions } from './postgres-database.js';
import { PostgresKeyStore } from './postgres-key-store.js';
import { PostgresTeamStore } from './postgres-team-store.js';
import { PostgresUsageStore } from './postgres-usage-store.js';
import { PostgresUserStore } from './postgres-user-store.js';
import { runPostgresMigrations } from './run-postgres-migrations.js';

export type PostgresStorageOptions = PostgresDatabaseOptions;

/**
 * Opens PostgreSQL storage: a connection pool, the schema created and migrated (once, however many
 * gateways start together), and every store on top. While the server is unreachable each call
 * rejects within the configured timeouts instead of hanging; once it is back the same object works
 * again. `close()` ends the pool and is idempotent.
 *
 * @example
 * const storage = await openPostgresStorage({ url: 'postgres://postgres@127.0.0.1:5432/converge', schema: 'converge' });
 * try {
 *   await storage.keys.list();
 * } finally {
 *   await storage.close();
 * }
 */
export async function openPostgresStorage(options: PostgresStorageOptions): Promise<Storage> {
  const database = new PostgresDatabase(options);
  try {
    await runPostgresMigrations(database);
  } catch (error: unknown) {
    await database.close();
    throw error;
  }
  return {
    teams: new PostgresTeamStore(database),
    users: new PostgresUserStore(database),
    keys: new PostgresKeyStore(database),
    awsKeyPairs: new PostgresAwsKeyPairStore(database),
    usage: new PostgresUsageStore(database),
    close: () => database.close(),
  };
}

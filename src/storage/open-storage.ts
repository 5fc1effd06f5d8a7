import { join } from 'node:path';
import { MemoryAwsKeyPairStore } from './memory/memory-aws-key-pair-store.js';
import { MemoryKeyStore } from './memory/memory-key-store.js';
import { MemoryUsageStore } from './memory/memory-usage-store.js';
import { openSqliteDatabase } from './sqlite/open-sqlite-database.js';
import { SqliteAwsKeyPairStore } from './sqlite/sqlite-aws-key-pair-store.js';
import { SqliteKeyStore } from './sqlite/sqlite-key-store.js';
import { SqliteUsageStore } from './sqlite/sqlite-usage-store.js';
import type { AwsKeyPairStore, KeyStore, UsageStore } from './types.js';

export type StorageOptions = { type: 'sqlite'; dataDir: string } | { type: 'memory' };

export interface Storage {
  readonly keys: KeyStore;
  /** Gateway-issued AWS access key pairs, bound to virtual keys in `keys`. */
  readonly awsKeyPairs: AwsKeyPairStore;
  readonly usage: UsageStore;
  /** Releases the backend (closes the SQLite file). Idempotent; the stores must not be used after. */
  close(): Promise<void>;
}

/** The SQLite file inside `dataDir`. */
export const sqliteFileName = 'converge.db';

/**
 * Opens the configured backend: SQLite in `<dataDir>/converge.db` (created and migrated on first
 * use) or plain memory (nothing persists; for tests and throw-away runs).
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
  if (options.type === 'memory') {
    const keys = new MemoryKeyStore();
    return {
      keys,
      awsKeyPairs: new MemoryAwsKeyPairStore(keys),
      usage: new MemoryUsageStore(),
      close: async () => {},
    };
  }
  const db = openSqliteDatabase(join(options.dataDir, sqliteFileName));
  return {
    keys: new SqliteKeyStore(db),
    awsKeyPairs: new SqliteAwsKeyPairStore(db),
    usage: new SqliteUsageStore(db),
    async close() {
      if (db.open) db.close();
    },
  };
}

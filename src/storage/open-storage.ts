import { join } from 'node:path';
import { MemoryKeyStore } from './memory/memory-key-store.js';
import { MemoryUsageStore } from './memory/memory-usage-store.js';
import { openSqliteDatabase } from './sqlite/open-sqlite-database.js';
import { SqliteKeyStore } from './sqlite/sqlite-key-store.js';
import { SqliteUsageStore } from './sqlite/sqlite-usage-store.js';
import type { KeyStore, UsageStore } from './types.js';

export type StorageOptions = { type: 'sqlite'; dataDir: string } | { type: 'memory' };

export interface Storage {
  readonly keys: KeyStore;
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
    return { keys: new MemoryKeyStore(), usage: new MemoryUsageStore(), close: async () => {} };
  }
  const db = openSqliteDatabase(join(options.dataDir, sqliteFileName));
  return {
    keys: new SqliteKeyStore(db),
    usage: new SqliteUsageStore(db),
    async close() {
      if (db.open) db.close();
    },
  };
}

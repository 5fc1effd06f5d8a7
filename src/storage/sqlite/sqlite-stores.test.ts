import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { describeAwsKeyPairStoreConformance } from '../aws-key-pair-store.conformance.js';
import { describeKeyStoreConformance } from '../key-store.conformance.js';
import { describeTeamStoreConformance } from '../team-store.conformance.js';
import type { UsageRow } from '../types.js';
import { describeUsageStoreConformance, makeUsageRow } from '../usage-store.conformance.js';
import { describeUserStoreConformance } from '../user-store.conformance.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteAwsKeyPairStore } from './sqlite-aws-key-pair-store.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { runMigrations, type SqliteMigration, sqliteMigrations } from './sqlite-migrations.js';
import { SqliteTeamStore } from './sqlite-team-store.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import { SqliteUserStore } from './sqlite-user-store.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'converge-sqlite-'));
let fileCounter = 0;
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

/** A path in a not-yet-existing directory, so every open also proves the directory is created. */
function newDatabasePath(): string {
  fileCounter++;
  return join(tempRoot, `run-${fileCounter}`, 'nested', 'converge.db');
}

function openBoth(path: string) {
  const db = openSqliteDatabase(path);
  return { db, keys: new SqliteKeyStore(db), usage: new SqliteUsageStore(db) };
}

for (const where of [':memory:', 'file'] as const) {
  const open = () => openSqliteDatabase(where === 'file' ? newDatabasePath() : ':memory:');
  describeKeyStoreConformance(`SqliteKeyStore (${where})`, async () => {
    const db = open();
    return { store: new SqliteKeyStore(db), close: () => void db.close() };
  });
  describeTeamStoreConformance(`SqliteTeamStore (${where})`, async () => {
    const db = open();
    return { store: new SqliteTeamStore(db), close: () => void db.close() };
  });
  describeUserStoreConformance(`SqliteUserStore (${where})`, async () => {
    const db = open();
    return { teams: new SqliteTeamStore(db), users: new SqliteUserStore(db), close: () => void db.close() };
  });
  describeAwsKeyPairStoreConformance(`SqliteAwsKeyPairStore (${where})`, async () => {
    const db = open();
    return {
      keys: new SqliteKeyStore(db),
      pairs: new SqliteAwsKeyPairStore(db),
      close: () => void db.close(),
    };
  });
  describeUsageStoreConformance(`SqliteUsageStore (${where})`, async () => {
    const db = open();
    return { store: new SqliteUsageStore(db), close: () => void db.close() };
  });
}

describe('openSqliteDatabase', () => {
  it('creates the parent directory and tunes the connection', () => {
    const path = newDatabasePath();
    const db = openSqliteDatabase(path, { busyTimeoutMs: 1234 });
    try {
      expect(existsSync(path)).toBe(true);
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      expect(db.pragma('synchronous', { simple: true })).toBe(1); // NORMAL
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(100);
      expect(db.pragma('busy_timeout', { simple: true })).toBe(1234);
      expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('keeps keys and usage across a re-open, which applies no migration twice', async () => {
    const path = newDatabasePath();
    const first = openBoth(path);
    const key = await first.keys.insert({
      name: 'ci',
      hash: 'a'.repeat(64),
      prefix: 'sk-cvg-ci',
      source: 'issued',
    });
    await first.keys.revoke(key.id, 42);
    const row = makeUsageRow({ keyId: key.id });
    await first.usage.insertMany([row]);
    first.db.close();

    const second = openBoth(path);
    try {
      expect(runMigrations(second.db)).toEqual([]);
      const versions = second.db.prepare('SELECT version FROM schema_migrations').all();
      expect(versions).toEqual(sqliteMigrations.map((migration) => ({ version: migration.version })));
      expect(await second.keys.findByHash(key.hash)).toEqual({ ...key, revokedAt: 42, updatedAt: 42 });
      expect(await second.usage.query()).toEqual([row]);
    } finally {
      second.db.close();
    }
  });

  it('adds the cost column to a database written before it: older rows read back with a null cost', async () => {
    const costIndex = sqliteMigrations.findIndex((migration) => migration.name === 'usage cost');
    const db = openSqliteDatabase(':memory:', { migrations: sqliteMigrations.slice(0, costIndex) });
    try {
      db.prepare(
        `INSERT INTO usage (request_id, created_at, dialect, operation, stream, status, http_status,
           input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
           usage_estimated, latency_ms, attempts)
         VALUES ('old', 1, 'openai', 'chat', 0, 'ok', 200, 10, 5, 0, 0, 0, 0, 3, '[]')`,
      ).run();
      expect(runMigrations(db)).toEqual(
        sqliteMigrations.slice(costIndex).map((migration) => migration.version),
      );
      const usage = new SqliteUsageStore(db);
      const priced = makeUsageRow({ costUsd: 0.000000001 });
      await usage.insertMany([priced]);
      const rows = await usage.query();
      expect(rows.find((row) => row.requestId === 'old')?.costUsd).toBeNull();
      expect(rows.find((row) => row.requestId === priced.requestId)?.costUsd).toBe(0.000000001);
    } finally {
      db.close();
    }
  });

  it('prepares each usage query shape once and reuses it', async () => {
    const db = openSqliteDatabase(':memory:');
    const usage = new SqliteUsageStore(db);
    const prepare = vi.spyOn(db, 'prepare');
    for (const limit of [1, 2, 3]) await usage.query({ keyId: 'key_a', limit, offset: limit });
    await usage.count({ keyId: 'key_a' });
    await usage.count({ keyId: 'key_b' });
    await usage.summarize({ by: 'key', keyId: 'key_a' });
    await usage.summarize({ by: 'key', keyId: 'key_b' });
    await usage.summarize({ by: 'team', keyId: 'key_b' });
    expect(prepare).toHaveBeenCalledTimes(4);
    db.close();
  });
});

describe('SqliteUsageStore.insertMany', () => {
  it('lets the event loop turn between slices of a large batch', async () => {
    const db = openSqliteDatabase(':memory:');
    const usage = new SqliteUsageStore(db);
    const rows = Array.from({ length: 120 }, () => makeUsageRow());
    let storedWhenTurned = -1;
    setImmediate(() => {
      storedWhenTurned = db
        .prepare<[], { total: number }>('SELECT COUNT(*) AS total FROM usage')
        .get()!.total;
    });
    await usage.insertMany(rows);
    // The callback ran while the batch was being written: after the first slice, before the last.
    expect(storedWhenTurned).toBeGreaterThan(0);
    expect(storedWhenTurned).toBeLessThan(rows.length);
    expect(await usage.count()).toBe(rows.length);
    db.close();
  });

  it('rejects a batch that fails half way, and its retry stores every row exactly once', async () => {
    const db = openSqliteDatabase(':memory:');
    const usage = new SqliteUsageStore(db);
    const rows = Array.from({ length: 120 }, () => makeUsageRow());
    const bad = { ...rows[90]!, status: {} } as unknown as UsageRow; // better-sqlite3 cannot bind an object
    await expect(usage.insertMany([...rows.slice(0, 90), bad, ...rows.slice(91)])).rejects.toThrow();
    const committed = await usage.count();
    expect(committed).toBeGreaterThan(0);
    expect(committed).toBeLessThan(rows.length);
    await usage.insertMany(rows);
    expect(await usage.count()).toBe(rows.length);
    db.close();
  });
});

describe('runMigrations', () => {
  const withDatabase = (run: (db: Database.Database) => void) => {
    const db = openSqliteDatabase(':memory:', { migrations: [] });
    try {
      run(db);
    } finally {
      db.close();
    }
  };
  const tableNames = (db: Database.Database) =>
    db
      .prepare<[], { name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .all()
      .map((table) => table.name);

  it('applies pending migrations in order, once', () => {
    withDatabase((db) => {
      const migrations: SqliteMigration[] = [
        { version: 1, name: 'one', sql: 'CREATE TABLE one (a INTEGER)' },
        { version: 2, name: 'two', sql: 'CREATE TABLE two (b INTEGER)' },
      ];
      expect(runMigrations(db, migrations.slice(0, 1))).toEqual([1]);
      expect(runMigrations(db, migrations)).toEqual([2]);
      expect(runMigrations(db, migrations)).toEqual([]);
      expect(tableNames(db)).toEqual(['one', 'schema_migrations', 'two']);
    });
  });

  it('rolls a failing migration back completely and keeps the ones before it', () => {
    withDatabase((db) => {
      const migrations: SqliteMigration[] = [
        { version: 1, name: 'good', sql: 'CREATE TABLE good (a INTEGER)' },
        { version: 2, name: 'bad', sql: 'CREATE TABLE half (a INTEGER); SELECT no_such_function();' },
      ];
      expect(() => runMigrations(db, migrations)).toThrow(/no_such_function/);
      expect(tableNames(db)).toEqual(['good', 'schema_migrations']);
      expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([{ version: 1 }]);
    });
  });

  it('refuses a database migrated by a newer Converge', () => {
    withDatabase((db) => {
      runMigrations(db, sqliteMigrations);
      expect(() => runMigrations(db, [])).toThrow(/newer than this Converge knows/);
    });
  });

  it('refuses migrations whose versions skip or repeat', () => {
    withDatabase((db) => {
      const skipping = [{ version: 2, name: 'skips', sql: 'SELECT 1' }];
      expect(() => runMigrations(db, skipping)).toThrow(/expected 1/);
      expect(db.prepare('SELECT version FROM schema_migrations').all()).toEqual([]);
    });
  });
});

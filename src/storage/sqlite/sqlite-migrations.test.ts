import type Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { makeUsageRow } from '../make-usage-row.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteKeyStore } from './sqlite-key-store.js';
import { runMigrations, sqliteMigrations } from './sqlite-migrations.js';
import { SqliteTeamStore } from './sqlite-team-store.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import { SqliteUserStore } from './sqlite-user-store.js';

/** A database as Converge left it at schema version 3, with keys and a usage row written then. */
function openVersion3Database(): Database.Database {
  const db = openSqliteDatabase(':memory:', { migrations: sqliteMigrations.slice(0, 3) });
  const insertKey = db.prepare(
    `INSERT INTO virtual_keys (id, name, prefix, hash, created_at, expires_at, revoked_at, models, source)
     VALUES (?, ?, 'sk-cvg-old', ?, ?, ?, ?, ?, ?)`,
  );
  insertKey.run('key_live', 'ci', 'a'.repeat(64), 1_000, 9_000, null, '["gpt-4o"]', 'issued');
  insertKey.run('key_revoked', 'ops', 'b'.repeat(64), 2_000, null, 5_000, null, 'config');
  db.prepare(
    `INSERT INTO usage (request_id, created_at, key_id, key_name, dialect, operation, stream, status,
       http_status, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, reasoning_tokens,
       usage_estimated, latency_ms, attempts, cost_nano_usd)
     VALUES ('old', 3000, 'key_live', 'ci', 'openai', 'chat', 0, 'ok', 200, 10, 5, 0, 0, 0, 0, 3, '[]', 100000000)`,
  ).run();
  return db;
}

describe('SQLite migration 4 (teams, users and key governance)', () => {
  it('upgrades a version 3 database: keys and usage rows get the new fields, backfilled', async () => {
    const db = openVersion3Database();
    try {
      expect(runMigrations(db)).toEqual([4]);
      const keys = new SqliteKeyStore(db);
      const defaults = {
        prefix: 'sk-cvg-old',
        teamId: null,
        userId: null,
        role: 'member',
        allowRouteOverride: false,
        processing: null,
        limits: {},
        budget: {},
        tags: {},
        replacedBy: null,
      };
      expect(await keys.list()).toEqual([
        {
          ...defaults,
          id: 'key_live',
          name: 'ci',
          hash: 'a'.repeat(64),
          createdAt: 1_000,
          expiresAt: 9_000,
          revokedAt: null,
          models: ['gpt-4o'],
          source: 'issued',
          updatedAt: 1_000,
        },
        {
          ...defaults,
          id: 'key_revoked',
          name: 'ops',
          hash: 'b'.repeat(64),
          createdAt: 2_000,
          expiresAt: null,
          revokedAt: 5_000,
          models: null,
          source: 'config',
          // Its last change was the revocation.
          updatedAt: 5_000,
        },
      ]);
      expect((await keys.listUpdatedSince(1_000)).map((key) => key.id)).toEqual(['key_revoked']);
      const usage = new SqliteUsageStore(db);
      const [old] = await usage.query();
      expect(old).toMatchObject({ requestId: 'old', keyId: 'key_live', teamId: null, costUsd: 0.1 });
      expect(await usage.summarize({ by: 'team' })).toMatchObject([
        { group: null, requests: 1, costUsd: 0.1 },
      ]);
    } finally {
      db.close();
    }
  });

  it('lets a migrated key be rotated (the live-name index now ignores replaced keys) and adds teams and users', async () => {
    const db = openVersion3Database();
    try {
      runMigrations(db);
      const keys = new SqliteKeyStore(db);
      const rotated = await keys.rotate(
        'key_live',
        { hash: 'c'.repeat(64), prefix: 'sk-cvg-new' },
        8_000,
        7_000,
      );
      expect(rotated?.old).toMatchObject({
        replacedBy: rotated?.created.id,
        expiresAt: 8_000,
        updatedAt: 7_000,
      });
      expect(rotated?.created).toMatchObject({ name: 'ci', models: ['gpt-4o'], createdAt: 7_000 });
      const indexSql = db
        .prepare<[], { sql: string }>("SELECT sql FROM sqlite_master WHERE name = 'virtual_keys_live_name'")
        .get()?.sql;
      expect(indexSql).toMatch(/WHERE revoked_at IS NULL AND replaced_by IS NULL/);
      const team = await new SqliteTeamStore(db).insert({ name: 'search' });
      const user = await new SqliteUserStore(db).insert({
        email: 'ada@example.com',
        teamId: team.id,
        role: 'member',
      });
      expect(user.teamId).toBe(team.id);
      await new SqliteUsageStore(db).insertMany([makeUsageRow({ teamId: team.id })]);
      expect(await new SqliteUsageStore(db).count({ teamId: team.id })).toBe(1);
    } finally {
      db.close();
    }
  });

  it('refuses a corrupt policy column instead of reading a wrong policy', async () => {
    const db = openSqliteDatabase(':memory:');
    try {
      const keys = new SqliteKeyStore(db);
      const key = await keys.insert({ name: 'ci', hash: 'd'.repeat(64), prefix: 'p', source: 'issued' });
      db.prepare(`UPDATE virtual_keys SET limits = '{"rpm":"many"}' WHERE id = ?`).run(key.id);
      await expect(keys.findById(key.id)).rejects.toThrow(/corrupt limits/);
      const teams = new SqliteTeamStore(db);
      const team = await teams.insert({ name: 'search' });
      db.prepare(`UPDATE teams SET tags = '[1]' WHERE id = ?`).run(team.id);
      await expect(teams.findById(team.id)).rejects.toThrow(/corrupt tags/);
    } finally {
      db.close();
    }
  });
});

import { afterAll, describe, expect, it } from 'vitest';
import { makeUsageRow } from '../make-usage-row.js';
import { openPostgresStorage } from './open-postgres-storage.js';
import { assertSchemaName, PostgresDatabase } from './postgres-database.js';
import { type PostgresMigration, postgresMigrations } from './postgres-migrations.js';
import { runPostgresMigrations } from './run-postgres-migrations.js';
import { createTestPostgresSchema, type TestPostgresSchema } from './test-postgres.js';

const targets: TestPostgresSchema[] = [];
const databases: PostgresDatabase[] = [];
afterAll(async () => {
  await Promise.all(databases.map((database) => database.close()));
  await Promise.all(targets.map((target) => target.drop()));
});

function newTarget(): TestPostgresSchema {
  const target = createTestPostgresSchema();
  targets.push(target);
  return target;
}

function connect(target: TestPostgresSchema): PostgresDatabase {
  const database = new PostgresDatabase({ url: target.url, schema: target.schema, poolSize: 2 });
  databases.push(database);
  return database;
}

const appliedVersions = async (database: PostgresDatabase) =>
  (await database.query<{ version: number }>('SELECT version FROM schema_migrations ORDER BY version')).map(
    (row) => row.version,
  );

const tableNames = async (database: PostgresDatabase) =>
  (
    await database.query<{ name: string }>(
      'SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename',
    )
  ).map((row) => row.name);

describe('openPostgresStorage', () => {
  it('creates the schema, migrates once, and keeps data across a re-open', async () => {
    const target = newTarget();
    const first = await openPostgresStorage({ url: target.url, schema: target.schema });
    const team = await first.teams.insert({ name: 'search' });
    const key = await first.keys.insert({
      name: 'ci',
      hash: 'a'.repeat(64),
      prefix: 'sk-cvg-ci',
      source: 'issued',
    });
    await first.usage.insertMany([makeUsageRow({ keyId: key.id, teamId: team.id })]);
    await first.close();
    await first.close(); // idempotent
    await expect(first.keys.list()).rejects.toThrow(/not open/);

    const second = await openPostgresStorage({ url: target.url, schema: target.schema });
    try {
      expect(await second.keys.findById(key.id)).toEqual(key);
      expect(await second.teams.findByName('search')).toEqual(team);
      expect(await second.usage.count({ teamId: team.id })).toBe(1);
    } finally {
      await second.close();
    }
    const database = connect(target);
    expect(await appliedVersions(database)).toEqual(postgresMigrations.map((migration) => migration.version));
    expect(await runPostgresMigrations(database)).toEqual([]);
  });

  it('migrates once when several processes open the same new schema at the same time', async () => {
    const target = newTarget();
    const pools = [connect(target), connect(target), connect(target)];
    const applied = await Promise.all(pools.map((database) => runPostgresMigrations(database)));
    expect(applied.flat().sort()).toEqual(postgresMigrations.map((migration) => migration.version));
    expect(await appliedVersions(pools[0] as PostgresDatabase)).toEqual([1]);
    const storages = await Promise.all(
      [1, 2].map(() => openPostgresStorage({ url: target.url, schema: target.schema })),
    );
    await storages[0]?.teams.insert({ name: 'shared' });
    expect((await storages[1]?.teams.list())?.map((team) => team.name)).toEqual(['shared']);
    await Promise.all(storages.map((storage) => storage.close()));
  });

  it('keeps schemas apart', async () => {
    const [one, two] = [newTarget(), newTarget()];
    const first = await openPostgresStorage({ url: one.url, schema: one.schema });
    const second = await openPostgresStorage({ url: two.url, schema: two.schema });
    await first.usage.insertMany([makeUsageRow()]);
    expect(await first.usage.count()).toBe(1);
    expect(await second.usage.count()).toBe(0);
    await first.close();
    await second.close();
  });

  it('refuses a schema name that is not a plain identifier, before connecting', async () => {
    expect(() => assertSchemaName('converge_1')).not.toThrow();
    for (const schema of ['Upper', '1st', 'a-b', 'x"; DROP SCHEMA public; --', '']) {
      await expect(openPostgresStorage({ url: 'postgres://nobody@127.0.0.1:1/x', schema })).rejects.toThrow(
        /schema name/,
      );
    }
  });

  it('tunes every connection: schema, timeouts and application name', async () => {
    const target = newTarget();
    const database = new PostgresDatabase({
      url: target.url,
      schema: target.schema,
      statementTimeoutMs: 1234,
    });
    databases.push(database);
    const [settings] = await database.query<Record<string, string>>(
      `SELECT current_setting('search_path') AS search_path,
         current_setting('statement_timeout') AS statement_timeout,
         current_setting('idle_in_transaction_session_timeout') AS idle_in_transaction,
         current_setting('application_name') AS application_name`,
    );
    expect(settings).toEqual({
      search_path: target.schema,
      statement_timeout: '1234ms',
      idle_in_transaction: '10s',
      application_name: 'converge',
    });
  });

  it('reads BIGINTs as numbers and refuses one a JS number cannot hold exactly', async () => {
    const database = connect(newTarget());
    expect(await database.query('SELECT 9007199254740991::int8 AS big')).toEqual([{ big: 9007199254740991 }]);
    await expect(database.query('SELECT 9007199254740993::int8 AS big')).rejects.toThrow(RangeError);
    expect(await database.query('SELECT 1 AS still_works')).toEqual([{ still_works: 1 }]);
  });
});

describe('runPostgresMigrations', () => {
  const one: PostgresMigration = { version: 1, name: 'one', sql: 'CREATE TABLE one (a INTEGER)' };
  const two: PostgresMigration = { version: 2, name: 'two', sql: 'CREATE TABLE two (b INTEGER)' };

  it('applies pending migrations in order, once', async () => {
    const database = connect(newTarget());
    expect(await runPostgresMigrations(database, [one])).toEqual([1]);
    expect(await runPostgresMigrations(database, [one, two])).toEqual([2]);
    expect(await runPostgresMigrations(database, [one, two])).toEqual([]);
    expect(await tableNames(database)).toEqual(['one', 'schema_migrations', 'two']);
  });

  it('rolls a failing migration back completely and keeps the ones before it', async () => {
    const database = connect(newTarget());
    const bad = { version: 2, name: 'bad', sql: 'CREATE TABLE half (a INTEGER); SELECT no_such_function();' };
    await expect(runPostgresMigrations(database, [one, bad])).rejects.toThrow(/no_such_function/);
    expect(await tableNames(database)).toEqual(['one', 'schema_migrations']);
    expect(await appliedVersions(database)).toEqual([1]);
    // The connection that failed is still usable (rolled back, not left in an aborted transaction).
    expect(await runPostgresMigrations(database, [one, two])).toEqual([2]);
  });

  it('refuses a schema migrated by a newer Converge, and versions that skip', async () => {
    const database = connect(newTarget());
    await runPostgresMigrations(database, [one, two]);
    await expect(runPostgresMigrations(database, [one])).rejects.toThrow(/newer than this Converge knows/);
    await expect(runPostgresMigrations(database, [two])).rejects.toThrow(/expected 1/);
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeUsageRow } from '../make-usage-row.js';
import { describeUsageStoreConformance } from '../usage-store.conformance.js';
import { openSqliteDatabase } from './open-sqlite-database.js';
import { SqliteUsageStore } from './sqlite-usage-store.js';
import { SqliteUsageWriter } from './sqlite-usage-writer.js';

const tempRoot = mkdtempSync(join(tmpdir(), 'converge-usage-writer-'));
let counter = 0;
afterAll(() => rmSync(tempRoot, { recursive: true, force: true }));

function newPath(): string {
  counter++;
  return join(tempRoot, `run-${counter}`, 'converge.db');
}

function openThreaded(path = newPath()) {
  const db = openSqliteDatabase(path);
  const writer = new SqliteUsageWriter(path);
  const store = new SqliteUsageStore(db, writer);
  return {
    db,
    writer,
    store,
    close: async () => {
      await writer.close();
      db.close();
    },
  };
}

// Every UsageStore promise holds when the batches are written by the thread and read on the main connection.
describeUsageStoreConformance('SqliteUsageStore (writer thread)', async () => {
  const { store, close } = openThreaded();
  return { store, close };
});

describe('SqliteUsageWriter', () => {
  it('commits each batch before its promise resolves, readable at once on the main connection', async () => {
    const { store, close } = openThreaded();
    const rows = [makeUsageRow(), makeUsageRow(), makeUsageRow()];
    await store.insertMany(rows);
    expect(await store.count()).toBe(3);
    // A retried batch (its reply lost with a crashed thread) never counts twice.
    await store.insertMany(rows);
    await store.insertMany([makeUsageRow()]);
    expect(await store.count()).toBe(4);
    await close();
  });

  it('close() waits for the batches in flight, is idempotent, and refuses later batches', async () => {
    const { db, writer, store } = openThreaded();
    const inFlight = [store.insertMany([makeUsageRow()]), store.insertMany([makeUsageRow(), makeUsageRow()])];
    const closing = writer.close();
    expect(writer.close()).toBe(closing);
    await closing;
    await Promise.all(inFlight);
    expect(await store.count()).toBe(3);
    await expect(writer.insertMany([makeUsageRow()])).rejects.toThrow(/closed/);
    db.close();
  });

  it("rejects a batch with SQLite's own error when its transaction fails", async () => {
    const { db, writer, close } = openThreaded();
    await writer.insertMany([makeUsageRow()]); // the thread is up, its insert prepared
    db.exec('DROP TABLE usage');
    const error: unknown = await writer.insertMany([makeUsageRow()]).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(/no such table: usage/);
    expect((error as { code?: string }).code).toBe('SQLITE_ERROR');
    // The thread survives a failed batch.
    db.exec('CREATE TABLE usage (request_id TEXT PRIMARY KEY)');
    await expect(writer.insertMany([makeUsageRow()])).rejects.toThrow(/has no column named/);
    await close();
  });

  it('fails the batches of a thread that cannot start, and starts a new thread for the next batch', async () => {
    const directory = join(tempRoot, `blocked-${++counter}`);
    // A file where the database's directory should be: the thread cannot open the database.
    writeFileSync(directory, 'not a directory');
    const writer = new SqliteUsageWriter(join(directory, 'converge.db'));
    await expect(writer.insertMany([makeUsageRow()])).rejects.toThrow(/EEXIST|ENOTDIR/);

    rmSync(directory);
    mkdirSync(directory);
    const row = makeUsageRow();
    await writer.insertMany([row]);
    await writer.close();
    const db = openSqliteDatabase(join(directory, 'converge.db'));
    expect((await new SqliteUsageStore(db).query()).map((stored) => stored.requestId)).toEqual([
      row.requestId,
    ]);
    db.close();
  });
});

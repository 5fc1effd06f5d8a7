import { afterAll, describe, expect, it } from 'vitest';
import { describeAwsKeyPairStoreConformance } from '../aws-key-pair-store.conformance.js';
import { describeKeyStoreConformance } from '../key-store.conformance.js';
import { makeUsageRow } from '../make-usage-row.js';
import type { Storage } from '../open-storage.js';
import { describeTeamStoreConformance } from '../team-store.conformance.js';
import { describeUsageStoreConformance } from '../usage-store.conformance.js';
import { describeUserStoreConformance } from '../user-store.conformance.js';
import { openPostgresStorage } from './open-postgres-storage.js';
import { PostgresDatabase, type PostgresQueryable } from './postgres-database.js';
import { PostgresUsageStore } from './postgres-usage-store.js';
import { createTestPostgresSchema } from './test-postgres.js';

// One schema for this file, emptied before each test: migrating a new schema per test costs more
// than every test here together. Tests in a file run one after another, so they never share rows.
const target = createTestPostgresSchema();
let opened: Promise<{ storage: Storage; admin: PostgresDatabase }> | undefined;

afterAll(async () => {
  if (opened !== undefined) {
    const { storage, admin } = await opened;
    await storage.close();
    await admin.close();
  }
  await target.drop();
});

/** The shared storage, every table emptied. */
async function emptyStorage(): Promise<Storage> {
  opened ??= (async () => ({
    storage: await openPostgresStorage({ url: target.url, schema: target.schema, poolSize: 4 }),
    admin: new PostgresDatabase({ url: target.url, schema: target.schema, poolSize: 1 }),
  }))();
  const { storage, admin } = await opened;
  await admin.query(
    'DELETE FROM aws_key_pairs; DELETE FROM virtual_keys; DELETE FROM users; DELETE FROM teams; DELETE FROM usage',
  );
  return storage;
}

describeTeamStoreConformance('PostgresTeamStore', async () => ({ store: (await emptyStorage()).teams }));
describeUserStoreConformance('PostgresUserStore', async () => {
  const storage = await emptyStorage();
  return { teams: storage.teams, users: storage.users };
});
describeKeyStoreConformance('PostgresKeyStore', async () => ({ store: (await emptyStorage()).keys }));
describeAwsKeyPairStoreConformance('PostgresAwsKeyPairStore', async () => {
  const storage = await emptyStorage();
  return { keys: storage.keys, pairs: storage.awsKeyPairs };
});
describeUsageStoreConformance('PostgresUsageStore', async () => ({ store: (await emptyStorage()).usage }));

describe('PostgresUsageStore', () => {
  it('sends a 1,000-row batch as a single statement', async () => {
    const storage = await emptyStorage();
    const database = (await opened)?.admin as PostgresDatabase;
    const statements: string[] = [];
    const counting = {
      query: (text: string, values?: readonly unknown[]) => {
        statements.push(text);
        return database.query(text, values);
      },
    } as PostgresQueryable;
    const batch = Array.from({ length: 1000 }, () => makeUsageRow());
    await new PostgresUsageStore(counting).insertMany(batch);
    expect(statements).toHaveLength(1);
    expect(await storage.usage.count()).toBe(1000);
  });

  it('writes a 10,000-row batch in one statement and keeps its order among equal times', async () => {
    const storage = await emptyStorage();
    const batch = Array.from({ length: 10_000 }, () => makeUsageRow({ createdAt: 5 }));
    await storage.usage.insertMany(batch);
    expect(await storage.usage.count()).toBe(10_000);
    const newest = await storage.usage.query({ limit: 2, offset: 1 });
    expect(newest.map((row) => row.requestId)).toEqual([batch[9998]?.requestId, batch[9997]?.requestId]);
  });
});

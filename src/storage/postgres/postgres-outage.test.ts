import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeUsageRow } from '../make-usage-row.js';
import type { Storage } from '../open-storage.js';
import { openPostgresStorage } from './open-postgres-storage.js';
import { createTestPostgresSchema } from './test-postgres.js';
import { startTestTcpProxy } from './test-tcp-proxy.js';

const target = createTestPostgresSchema();
const toClose: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(toClose.splice(0).map((item) => item.close()));
});
afterAll(() => target.drop());

/** A storage reaching PostgreSQL through a proxy the test can cut, and the errors its pool reported. */
async function openBehindProxy(timeouts: { statementTimeoutMs?: number; connectionTimeoutMs?: number } = {}) {
  const proxy = await startTestTcpProxy(target.url);
  toClose.push({ close: () => proxy.stop() });
  const poolErrors: Error[] = [];
  let reportPoolError: (error: Error) => void = () => {};
  const firstPoolError = new Promise<Error>((resolve) => {
    reportPoolError = resolve;
  });
  const storage = await openPostgresStorage({
    url: proxy.url,
    schema: target.schema,
    ...timeouts,
    onError: (error) => {
      poolErrors.push(error);
      reportPoolError(error);
    },
  });
  toClose.unshift(storage);
  return { proxy, storage, poolErrors, firstPoolError };
}

const newKey = (name: string) => ({
  name,
  hash: name.padEnd(64, '0'),
  prefix: 'sk-cvg-x',
  source: 'issued' as const,
});

async function expectEveryStoreToReject(storage: Storage, keyId: string): Promise<void> {
  await expect(storage.keys.list()).rejects.toThrow();
  await expect(storage.keys.findById(keyId)).rejects.toThrow();
  await expect(storage.keys.rotate(keyId, { hash: 'r'.repeat(64), prefix: 'p' }, 1)).rejects.toThrow();
  await expect(storage.teams.list()).rejects.toThrow();
  await expect(storage.users.list()).rejects.toThrow();
  await expect(storage.awsKeyPairs.list()).rejects.toThrow();
  await expect(storage.usage.insertMany([makeUsageRow()])).rejects.toThrow();
  await expect(storage.usage.summarize({ by: 'team' })).rejects.toThrow();
}

describe('PostgreSQL outages', () => {
  it('rejects every call while the server is down, and the same storage works again once it is back', async () => {
    const { proxy, storage, firstPoolError } = await openBehindProxy();
    const key = await storage.keys.insert(newKey(`down-${proxy.port}`));
    expect(await storage.keys.findById(key.id)).toEqual(key); // leaves an idle pooled connection

    await proxy.stop();
    // The idle connection died: reported through onError, and the process is still here.
    expect((await firstPoolError).message).toMatch(/terminated|ECONNRESET|closed/i);
    await expectEveryStoreToReject(storage, key.id);

    await proxy.start();
    expect(await storage.keys.findById(key.id)).toEqual(key);
    const row = makeUsageRow();
    await storage.usage.insertMany([row]);
    expect(await storage.usage.query({ keyId: row.keyId ?? '', since: row.createdAt })).toEqual([row]);
    const rotated = await storage.keys.rotate(
      key.id,
      { hash: `r-${proxy.port}`.padEnd(64, '0'), prefix: 'p' },
      1,
    );
    expect(rotated?.old.replacedBy).toBe(rotated?.created.id);
  });

  it('rejects instead of hanging when the server stops answering, then recovers', async () => {
    const { proxy, storage } = await openBehindProxy({ statementTimeoutMs: 200, connectionTimeoutMs: 200 });
    const key = await storage.keys.insert(newKey(`silent-${proxy.port}`));

    proxy.setSilent(true);
    // A pooled connection: the query is sent and never answered; the client-side timeout fires.
    await expect(storage.keys.findById(key.id)).rejects.toThrow(/timeout/i);
    // A transaction on a hung connection, and new connections that never complete their handshake.
    await expect(storage.keys.rotate(key.id, { hash: 'r'.repeat(64), prefix: 'p' }, 1)).rejects.toThrow(
      /timeout/i,
    );
    await expect(storage.usage.insertMany([makeUsageRow()])).rejects.toThrow(/timeout/i);

    proxy.setSilent(false);
    expect(await storage.keys.findById(key.id)).toEqual(key);
    expect(
      await storage.keys.rotate(key.id, { hash: `s-${proxy.port}`.padEnd(64, '0'), prefix: 'p' }, 1),
    ).toBeDefined();
  });

  it('fails to open, without hanging, when the server is unreachable', async () => {
    const proxy = await startTestTcpProxy(target.url);
    await proxy.stop();
    await expect(openPostgresStorage({ url: proxy.url, schema: target.schema })).rejects.toThrow(
      /ECONNREFUSED/,
    );
  });
});

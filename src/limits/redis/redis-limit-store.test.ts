import { randomUUID } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeLimitStoreConformance } from '../limit-store.conformance.js';
import type { LimitScope } from '../limit-store.js';
import { RedisLimitStore } from './redis-limit-store.js';

const REDIS_URL = process.env['REDIS_URL'] ?? 'redis://127.0.0.1:6379';
const NOON = Date.UTC(2030, 0, 15, 12, 0, 0);

/** Deletes every key under `prefix` (each test run uses its own prefix on the shared Redis). */
async function deleteKeys(redis: Redis, prefix: string): Promise<void> {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
}

/**
 * A Redis that completes the connection handshake but never answers a script: a hung server, without
 * pausing the real Redis other test files share.
 */
async function startStalledRedis(): Promise<{
  port: number;
  scriptsReceived: () => number;
  close: () => Promise<void>;
}> {
  const INFO = '# Server\r\nredis_version:7.0.0\r\nloading:0\r\n';
  let scripts = 0;
  const sockets = new Set<Socket>();
  const server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('data', (chunk: Buffer) => {
      // Enough RESP for a handshake: each command is an array whose first bulk string is its name.
      for (const match of chunk.toString('latin1').matchAll(/\*\d+\r\n\$\d+\r\n([A-Za-z]+)\r\n/g)) {
        const command = match[1]?.toLowerCase();
        if (command === 'evalsha' || command === 'eval') scripts++;
        else if (command === 'info') socket.write(`$${INFO.length}\r\n${INFO}\r\n`);
        else socket.write('+OK\r\n');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    scriptsReceived: () => scripts,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

let admin: Redis;

beforeAll(() => {
  admin = new Redis(REDIS_URL);
});

afterAll(() => {
  admin.disconnect();
});

describeLimitStoreConformance('RedisLimitStore', async ({ leaseMs }) => {
  const keyPrefix = `converge-test:${randomUUID()}:`;
  const store = await RedisLimitStore.open({ url: REDIS_URL, keyPrefix, leaseMs });
  return {
    store,
    close: async () => {
      await store.close();
      await deleteKeys(admin, keyPrefix);
    },
  };
});

describe('RedisLimitStore on a real Redis', () => {
  const keyPrefix = `converge-test:${randomUUID()}:`;
  let store: RedisLimitStore;

  beforeAll(async () => {
    store = await RedisLimitStore.open({ url: REDIS_URL, keyPrefix, leaseMs: 30_000 });
  });

  afterAll(async () => {
    await store.close();
    await deleteKeys(admin, keyPrefix);
  });

  const everything: LimitScope = {
    id: 'key:ttl',
    limits: {
      rpm: 5,
      tpm: 500,
      concurrency: 2,
      budgets: [
        { period: 'day', limitMicros: 9, hard: true },
        { period: 'month', limitMicros: 99, hard: false },
      ],
    },
  };

  it('gives every key it writes a TTL, so idle scopes cost nothing', async () => {
    await store.acquire({ reservationId: 'r1', scopes: [everything], tokens: 10, costMicros: 3, now: NOON });
    const keys = await admin.keys(`${keyPrefix}*`);
    expect(keys.length).toBe(5);
    for (const key of keys) expect(await admin.pttl(key)).toBeGreaterThan(0);
  });

  it('reloads its scripts after Redis forgot them (SCRIPT FLUSH, a restart, a failover)', async () => {
    await admin.script('FLUSH');
    const scope: LimitScope = { id: 'key:flushed', limits: { rpm: 1 } };
    const first = await store.acquire({
      reservationId: 'a',
      scopes: [scope],
      tokens: 0,
      costMicros: 0,
      now: NOON,
    });
    await admin.script('FLUSH');
    await store.reconcile(first.reservation!, { tokens: 0, costMicros: 0 });
    const second = await store.acquire({
      reservationId: 'b',
      scopes: [scope],
      tokens: 0,
      costMicros: 0,
      now: NOON,
    });
    expect([first.allowed, second.allowed]).toEqual([true, false]);
  });

  it('shares limits between stores on separate connections (replicas)', async () => {
    const other = await RedisLimitStore.open({ url: REDIS_URL, keyPrefix });
    const scope: LimitScope = { id: 'key:shared', limits: { rpm: 10 } };
    const decisions = await Promise.all(
      Array.from({ length: 30 }, (_, index) =>
        (index % 2 === 0 ? store : other).acquire({
          reservationId: `s${index}`,
          scopes: [scope],
          tokens: 0,
          costMicros: 0,
          now: NOON,
        }),
      ),
    );
    expect(decisions.filter((decision) => decision.allowed).length).toBe(10);
    await other.close();
  });
});

describe('RedisLimitStore when Redis is unreachable', () => {
  let blackHole: Server;
  let port: number;
  const sockets = new Set<Socket>();

  beforeAll(async () => {
    // Accepts connections and never answers: a hung Redis.
    blackHole = createServer((socket) => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>((resolve) => blackHole.listen(0, '127.0.0.1', resolve));
    port = (blackHole.address() as { port: number }).port;
  });

  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackHole.close(resolve));
  });

  const request = {
    reservationId: 'x',
    scopes: [{ id: 'key:x', limits: { rpm: 1 } }],
    tokens: 0,
    costMicros: 0,
    now: NOON,
  };

  it('fails a call against a closed port instead of queueing it', async () => {
    const errors: unknown[] = [];
    const store = await RedisLimitStore.open({ url: 'redis://127.0.0.1:1', commandTimeoutMs: 200 }, (error) =>
      errors.push(error),
    );
    await expect(store.acquire(request)).rejects.toThrow();
    expect(errors.length).toBeGreaterThan(0);
    await store.close();
  });

  it('gives up connecting to a server that never answers, and then fails calls at once', async () => {
    const errors: unknown[] = [];
    const store = await RedisLimitStore.open(
      { url: `redis://127.0.0.1:${port}`, connectTimeoutMs: 100 },
      (error) => errors.push(error),
    );
    expect(errors.length).toBeGreaterThan(0);
    await expect(store.acquire(request)).rejects.toThrow();
    await store.close();
  });

  it('fails a call that Redis does not answer within the command timeout', async () => {
    const stalled = await startStalledRedis();
    try {
      const store = await RedisLimitStore.open({
        url: `redis://127.0.0.1:${stalled.port}`,
        commandTimeoutMs: 50,
      });
      await expect(store.acquire(request)).rejects.toThrow(/timed out/i);
      expect(stalled.scriptsReceived()).toBe(1);
      await store.close();
    } finally {
      await stalled.close();
    }
  });
});

import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeLimitStoreConformance } from '../limit-store.conformance.js';
import type { LimitScope } from '../limit-store.js';
import { createJsonSpendFile } from './json-spend-file.js';
import { MemoryLimitStore } from './memory-limit-store.js';

describeLimitStoreConformance('MemoryLimitStore', async ({ leaseMs }) => ({
  store: await MemoryLimitStore.open({ leaseMs }),
}));

const NOON = Date.UTC(2030, 0, 15, 12, 0, 0);
const budgetScope: LimitScope = {
  id: 'key:persisted',
  limits: {
    budgets: [
      { period: 'day', limitMicros: 1_000, hard: true },
      { period: 'month', limitMicros: 5_000, hard: true },
    ],
  },
};

describe('MemoryLimitStore spend persistence', () => {
  let directory: string;
  let path: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'converge-limits-'));
    path = join(directory, 'limit-spend.json');
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  const spend = (store: MemoryLimitStore, costMicros: number, now = NOON) =>
    store.acquire({ reservationId: crypto.randomUUID(), scopes: [budgetScope], tokens: 0, costMicros, now });

  it('keeps the day and month spent across a restart (saved on close, loaded on open)', async () => {
    const first = await MemoryLimitStore.open({ persistence: createJsonSpendFile(path) });
    const decision = await spend(first, 700);
    await first.reconcile(decision.reservation!, { tokens: 0, costMicros: 900 });
    await first.close();

    const second = await MemoryLimitStore.open({ persistence: createJsonSpendFile(path) });
    const next = await spend(second, 50);
    expect(next.counters[0]?.spentMicros).toEqual({ day: 950, month: 950 });
    expect((await spend(second, 60)).allowed).toBe(true);
    expect((await spend(second, 1)).rejection?.dimension).toBe('budget-day');
    // The next day starts from zero; the month carries on.
    const tomorrow = await spend(second, 10, NOON + 86_400_000);
    expect(tomorrow.counters[0]?.spentMicros).toEqual({ day: 10, month: 1_020 });
    await second.close();
  });

  it('saves periodically without waiting for close', async () => {
    const store = await MemoryLimitStore.open({
      persistence: createJsonSpendFile(path),
      persistIntervalMs: 5,
    });
    await spend(store, 123);
    // Wait for the condition (the file appears with the spend), not for a fixed time.
    let saved = '';
    for (let attempt = 0; attempt < 4_000 && !saved.includes('123'); attempt++) {
      saved = await readFile(path, 'utf8').catch(() => '');
      if (!saved.includes('123')) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    expect(JSON.parse(saved)).toEqual({
      version: 1,
      scopes: {
        'key:persisted': {
          day: { period: '2030-01-15', micros: 123 },
          month: { period: '2030-01', micros: 123 },
        },
      },
    });
    await store.close();
  });

  it('refuses to start from a corrupt spend file instead of silently resetting budgets', async () => {
    await writeFile(path, '{"version":1,"scopes":{"k":{"day":{"period":"x","micros":-5}}}}');
    await expect(MemoryLimitStore.open({ persistence: createJsonSpendFile(path) })).rejects.toThrow(
      /not a valid limit spend snapshot/,
    );
    await writeFile(path, 'not json');
    await expect(MemoryLimitStore.open({ persistence: createJsonSpendFile(path) })).rejects.toThrow(
      /not a valid limit spend snapshot/,
    );
  });

  it('starts empty when no file exists yet', async () => {
    const store = await MemoryLimitStore.open({ persistence: createJsonSpendFile(path) });
    expect(store.snapshot()).toEqual({ version: 1, scopes: {} });
    await store.close();
    expect(JSON.parse(await readFile(path, 'utf8'))).toEqual({ version: 1, scopes: {} });
  });
});

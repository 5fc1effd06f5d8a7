import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUsageRow } from './make-usage-row.js';
import type { UsageRow, UsageStore } from './types.js';
import { describeUsageSummaryConformance } from './usage-store-summary.conformance.js';

export { makeUsageRow } from './make-usage-row.js';

/** Opens a fresh, empty store for one test; `close` releases it afterwards. */
export type UsageStoreFactory = () => Promise<{ store: UsageStore; close?: () => Promise<void> | void }>;

const requestIds = (rows: UsageRow[]) => rows.map((row) => row.requestId);

/**
 * The behaviour every `UsageStore` backend must share: `since` inclusive, `until` exclusive, newest
 * first (equal times: last inserted first), `count` ignores `limit` and `offset`, an already stored
 * `requestId` is skipped, and a bad `limit` or `offset` is a RangeError. `summarize` is in
 * `usage-store-summary.conformance.ts`, run from here.
 *
 * @example
 * describeUsageStoreConformance('MemoryUsageStore', async () => ({ store: new MemoryUsageStore() }));
 */
export function describeUsageStoreConformance(name: string, factory: UsageStoreFactory): void {
  describe(`${name} (UsageStore conformance)`, () => {
    let store: UsageStore;
    let close: (() => Promise<void> | void) | undefined;

    beforeEach(async () => {
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      await close?.();
    });

    it('round-trips a row with every field set, attempts included', async () => {
      const row = makeUsageRow();
      await store.insertMany([row]);
      expect(await store.query()).toEqual([row]);
    });

    it('round-trips nulls, false booleans, an error row and empty attempts', async () => {
      const row = makeUsageRow({
        keyId: null,
        keyName: null,
        teamId: null,
        stream: false,
        modelRequested: null,
        modelServed: null,
        deployment: null,
        provider: null,
        status: 'rejected',
        httpStatus: 401,
        errorCode: 'invalid_api_key',
        inputTokens: 0,
        outputTokens: 0,
        cacheReadTokens: 0,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        costUsd: null,
        usageEstimated: false,
        latencyMs: 3,
        ttftMs: null,
        attempts: [],
      });
      await store.insertMany([row]);
      expect(await store.query()).toEqual([row]);
    });

    it('stores costs exactly: a zero cost stays 0 (not null) and nano-dollar sums are exact', async () => {
      const costs = [0, 0.000000001, 0.1, 0.2, 1234.567890123];
      await store.insertMany(costs.map((costUsd) => makeUsageRow({ costUsd })));
      const stored = (await store.query()).map((row) => row.costUsd);
      expect(stored.sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(costs);
      const nanoSum = stored.reduce<number>((sum, cost) => sum + Math.round((cost ?? 0) * 1e9), 0);
      expect(nanoSum).toBe(1_234_867_890_124);
    });

    it('answers an empty store and accepts an empty batch', async () => {
      await store.insertMany([]);
      expect(await store.query()).toEqual([]);
      expect(await store.count()).toBe(0);
    });

    it('returns rows newest first, and the last inserted first among equal times', async () => {
      const old = makeUsageRow({ createdAt: 100 });
      const newest = makeUsageRow({ createdAt: 300 });
      const tieFirst = makeUsageRow({ createdAt: 200 });
      const tieSecond = makeUsageRow({ createdAt: 200 });
      await store.insertMany([old, newest]);
      await store.insertMany([tieFirst, tieSecond]);
      expect(requestIds(await store.query())).toEqual(requestIds([newest, tieSecond, tieFirst, old]));
    });

    it('filters by time: since inclusive, until exclusive', async () => {
      const rows = [100, 200, 300, 400].map((createdAt) => makeUsageRow({ createdAt }));
      await store.insertMany(rows);
      const [at100, at200, at300, at400] = rows;
      expect(requestIds(await store.query({ since: 200 }))).toEqual(requestIds([at400!, at300!, at200!]));
      expect(requestIds(await store.query({ until: 300 }))).toEqual(requestIds([at200!, at100!]));
      expect(requestIds(await store.query({ since: 200, until: 400 }))).toEqual(requestIds([at300!, at200!]));
      expect(await store.count({ since: 200, until: 400 })).toBe(2);
      expect(await store.count({ since: 401 })).toBe(0);
      expect(await store.count({ until: 100 })).toBe(0);
    });

    it('filters by key id, never matching rows without a key', async () => {
      await store.insertMany([
        makeUsageRow({ keyId: 'key_a' }),
        makeUsageRow({ keyId: 'key_b' }),
        makeUsageRow({ keyId: null, keyName: null }),
        makeUsageRow({ keyId: 'key_a' }),
      ]);
      const rows = await store.query({ keyId: 'key_a' });
      expect(rows.map((row) => row.keyId)).toEqual(['key_a', 'key_a']);
      expect(await store.count({ keyId: 'key_b' })).toBe(1);
      expect(await store.count({ keyId: 'key_none' })).toBe(0);
    });

    it('filters by team id, requested model and provider, never matching rows without one', async () => {
      await store.insertMany([
        makeUsageRow({
          teamId: 'team_a',
          modelRequested: 'gpt-4o',
          modelServed: 'gpt-4o',
          provider: 'openai',
        }),
        makeUsageRow({
          teamId: 'team_b',
          modelRequested: 'claude',
          modelServed: 'gpt-4o',
          provider: 'bedrock',
        }),
        makeUsageRow({ teamId: null, modelRequested: null, modelServed: null, provider: null }),
        makeUsageRow({
          teamId: 'team_a',
          modelRequested: 'claude',
          modelServed: 'claude',
          provider: 'bedrock',
        }),
      ]);
      const teamRows = await store.query({ teamId: 'team_a' });
      expect(teamRows.map((row) => row.teamId)).toEqual(['team_a', 'team_a']);
      expect(await store.count({ teamId: 'team_b' })).toBe(1);
      expect(await store.count({ teamId: 'team_none' })).toBe(0);
      // `model` matches the model asked for, not the one that served.
      const modelRows = await store.query({ model: 'gpt-4o' });
      expect(modelRows.map((row) => row.modelRequested)).toEqual(['gpt-4o']);
      expect(await store.count({ model: 'claude' })).toBe(2);
      expect(await store.count({ provider: 'bedrock' })).toBe(2);
      expect(await store.count({ provider: 'openai' })).toBe(1);
      expect(await store.count({ teamId: 'team_a', model: 'claude', provider: 'bedrock' })).toBe(1);
    });

    it('filters by status', async () => {
      const statuses = ['ok', 'error', 'rejected', 'cancelled', 'ok'] as const;
      await store.insertMany(statuses.map((status) => makeUsageRow({ status })));
      expect(await store.count({ status: 'ok' })).toBe(2);
      for (const status of ['error', 'rejected', 'cancelled'] as const) {
        const rows = await store.query({ status });
        expect(rows.map((row) => row.status)).toEqual([status]);
      }
    });

    it('combines every filter with AND', async () => {
      const match = makeUsageRow({ createdAt: 250, keyId: 'key_a', status: 'error' });
      await store.insertMany([
        match,
        makeUsageRow({ createdAt: 250, keyId: 'key_b', status: 'error' }),
        makeUsageRow({ createdAt: 250, keyId: 'key_a', status: 'ok' }),
        makeUsageRow({ createdAt: 150, keyId: 'key_a', status: 'error' }),
        makeUsageRow({ createdAt: 350, keyId: 'key_a', status: 'error' }),
      ]);
      const query = { since: 200, until: 300, keyId: 'key_a', status: 'error' } as const;
      expect(await store.query(query)).toEqual([match]);
      expect(await store.count(query)).toBe(1);
    });

    it('limits the newest rows returned; count ignores the limit', async () => {
      const rows = [1, 2, 3, 4, 5].map((createdAt) => makeUsageRow({ createdAt }));
      await store.insertMany(rows);
      expect((await store.query({ limit: 2 })).map((row) => row.createdAt)).toEqual([5, 4]);
      expect((await store.query({ limit: 2, until: 4 })).map((row) => row.createdAt)).toEqual([3, 2]);
      expect(await store.query({ limit: 0 })).toEqual([]);
      expect(await store.query({ limit: 50 })).toHaveLength(5);
      expect(await store.count({ limit: 2 })).toBe(5);
    });

    it('pages with offset: skips the newest rows first; count ignores it', async () => {
      const rows = [1, 2, 3, 4, 5].map((createdAt) => makeUsageRow({ createdAt, keyId: 'key_a' }));
      await store.insertMany([...rows, makeUsageRow({ createdAt: 6, keyId: 'key_b' })]);
      const times = async (query: Parameters<UsageStore['query']>[0]) =>
        (await store.query(query)).map((row) => row.createdAt);
      expect(await times({ keyId: 'key_a', limit: 2, offset: 0 })).toEqual([5, 4]);
      expect(await times({ keyId: 'key_a', limit: 2, offset: 2 })).toEqual([3, 2]);
      expect(await times({ keyId: 'key_a', limit: 2, offset: 4 })).toEqual([1]);
      expect(await times({ keyId: 'key_a', limit: 2, offset: 5 })).toEqual([]);
      expect(await times({ offset: 3 })).toEqual([3, 2, 1]);
      expect(await times({ offset: 3, limit: 0 })).toEqual([]);
      expect(await times({ offset: 99 })).toEqual([]);
      expect(await store.count({ keyId: 'key_a', limit: 2, offset: 4 })).toBe(5);
    });

    it('rejects a limit or offset that is negative or not an integer, and a time that is not finite', async () => {
      await expect(store.query({ limit: -1 })).rejects.toThrow(RangeError);
      await expect(store.query({ limit: 1.5 })).rejects.toThrow(RangeError);
      await expect(store.query({ offset: -1 })).rejects.toThrow(RangeError);
      await expect(store.query({ offset: 2.5, limit: 1 })).rejects.toThrow(RangeError);
      await expect(store.query({ offset: Number.NaN })).rejects.toThrow(RangeError);
      await expect(store.count({ offset: -1 })).rejects.toThrow(RangeError);
      await expect(store.count({ since: Number.NaN })).rejects.toThrow(RangeError);
      await expect(store.query({ until: Number.POSITIVE_INFINITY })).rejects.toThrow(RangeError);
    });

    it('skips rows whose requestId is already stored, so a retried batch never counts twice', async () => {
      const first = makeUsageRow({ outputTokens: 1 });
      const second = makeUsageRow();
      await store.insertMany([first, second]);
      await store.insertMany([{ ...first, outputTokens: 999 }, second, makeUsageRow()]);
      expect(await store.count()).toBe(3);
      const stored = await store.query();
      expect(stored.find((row) => row.requestId === first.requestId)?.outputTokens).toBe(1);
    });

    it('hands out copies: changing a returned row does not change the store', async () => {
      const row = makeUsageRow();
      await store.insertMany([row]);
      row.attempts.push({ deployment: 'x', provider: 'y', status: 'ok', durationMs: 1 });
      const [returned] = await store.query();
      returned!.attempts.length = 0;
      returned!.inputTokens = -1;
      const [again] = await store.query();
      expect(again?.attempts).toHaveLength(2);
      expect(again?.inputTokens).toBe(1200);
    });

    it('writes a 1,000-row batch and accumulates batches', async () => {
      const batch = Array.from({ length: 1000 }, (_, index) =>
        makeUsageRow({ createdAt: 10_000 + index, keyId: index % 2 === 0 ? 'key_even' : 'key_odd' }),
      );
      await store.insertMany(batch);
      await store.insertMany([makeUsageRow({ createdAt: 50_000 })]);
      expect(await store.count()).toBe(1001);
      expect(await store.count({ keyId: 'key_even' })).toBe(500);
      const newest = await store.query({ limit: 3, keyId: 'key_odd' });
      expect(newest.map((row) => row.createdAt)).toEqual([10_999, 10_997, 10_995]);
      expect(newest[0]).toEqual(batch[999]);
    });
  });
  describeUsageSummaryConformance(name, factory);
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeUsageRow } from './make-usage-row.js';
import type { UsageGroupBy, UsageRow, UsageStore, UsageSummaryRow } from './types.js';
import type { UsageStoreFactory } from './usage-store.conformance.js';

/** A row with small, distinct token counts, status ok and a 0.1 USD cost unless overridden. */
function row(overrides: Partial<UsageRow> = {}): UsageRow {
  return makeUsageRow({
    inputTokens: 1,
    outputTokens: 2,
    cacheReadTokens: 3,
    cacheWriteTokens: 4,
    reasoningTokens: 5,
    status: 'ok',
    costUsd: 0.1,
    ...overrides,
  });
}

/** The totals of `requests` rows made by `row()`, `succeeded` of them ok. */
function totals(
  group: string | null,
  requests: number,
  overrides: Partial<UsageSummaryRow> = {},
): UsageSummaryRow {
  return {
    group,
    label: null,
    requests,
    succeeded: requests,
    inputTokens: requests,
    outputTokens: 2 * requests,
    cacheReadTokens: 3 * requests,
    cacheWriteTokens: 4 * requests,
    reasoningTokens: 5 * requests,
    costUsd: 0,
    ...overrides,
  };
}

/**
 * `UsageStore.summarize` (called by `describeUsageStoreConformance`): groups, labels, exact sums,
 * filters and ordering.
 *
 * @example
 * describeUsageSummaryConformance('MemoryUsageStore', async () => ({ store: new MemoryUsageStore() }));
 */
export function describeUsageSummaryConformance(name: string, factory: UsageStoreFactory): void {
  describe(`${name} (UsageStore conformance: summarize)`, () => {
    let store: UsageStore;
    let close: (() => Promise<void> | void) | undefined;
    const groupsOf = async (by: UsageGroupBy) => (await store.summarize({ by })).map((entry) => entry.group);

    beforeEach(async () => {
      ({ store, close } = await factory());
    });
    afterEach(async () => {
      await close?.();
    });

    it('sums per team, largest cost first, rows without a team as the null group', async () => {
      await store.insertMany([
        row({ teamId: 'team_a' }),
        row({ teamId: 'team_a', status: 'error' }),
        row({ teamId: 'team_a', costUsd: 0.1 }),
        row({ teamId: 'team_b', costUsd: 0.5 }),
        row({ teamId: null, costUsd: null }),
        row({ teamId: null, costUsd: 0.2, status: 'cancelled' }),
      ]);
      const summary = await store.summarize({ by: 'team' });
      expect(summary).toEqual([
        totals('team_b', 1, { costUsd: 0.5 }),
        totals('team_a', 3, { succeeded: 2, costUsd: 0.3 }),
        totals(null, 2, { succeeded: 1, costUsd: 0.2 }),
      ]);
      expect(summary[1]?.costUsd).toBe(0.3);
    });

    it('sums costs exactly, in nano-dollars', async () => {
      await store.insertMany([
        ...[0.1, 0.2].map((costUsd) => row({ modelRequested: 'tenths', costUsd })),
        ...Array.from({ length: 1000 }, () => row({ modelRequested: 'nanos', costUsd: 0.000000001 })),
        row({ modelRequested: 'big', costUsd: 1234.567890123 }),
        row({ modelRequested: 'big', costUsd: 0.000000001 }),
        ...Array.from({ length: 10 }, () => row({ modelRequested: 'ten', costUsd: 0.1 })),
      ]);
      const costs = Object.fromEntries(
        (await store.summarize({ by: 'model' })).map((entry) => [entry.group, entry.costUsd]),
      );
      expect(costs).toEqual({ big: 1234.567890124, ten: 1, tenths: 0.3, nanos: 0.000001 });
    });

    it('orders by exact cost, then group by code point, null last; unpriced rows count 0', async () => {
      await store.insertMany([
        row({ teamId: 'a', costUsd: 0.3 }),
        ...[1, 2, 3].map(() => row({ teamId: 'b', costUsd: 0.1 })),
        row({ teamId: 'z', costUsd: 0.5 }),
        row({ teamId: null, costUsd: 0 }),
        row({ teamId: 'ä', costUsd: null }),
        row({ teamId: 'b0', costUsd: 0 }),
        row({ teamId: 'B', costUsd: null }),
        row({ teamId: 'A0', costUsd: 0 }),
      ]);
      // 0.1 + 0.1 + 0.1 is more than 0.3 in floating point, but exactly 0.3 in nano-dollars: a tie.
      expect(await groupsOf('team')).toEqual(['z', 'a', 'b', 'A0', 'B', 'b0', 'ä', null]);
      expect((await store.summarize({ by: 'team' })).find((entry) => entry.group === 'ä')?.costUsd).toBe(0);
    });

    it("labels key groups with the key's name on its newest row, within the filters", async () => {
      await store.insertMany([
        row({ keyId: 'key_a', keyName: 'new-name', createdAt: 200 }),
        row({ keyId: 'key_a', keyName: 'old-name', createdAt: 100 }),
        row({ keyId: 'key_b', keyName: 'b-first', createdAt: 300, costUsd: 0.2 }),
        row({ keyId: 'key_b', keyName: 'b-second', createdAt: 300, costUsd: 0 }),
        row({ keyId: null, keyName: null, createdAt: 400, costUsd: null }),
      ]);
      expect(await store.summarize({ by: 'key' })).toEqual([
        totals('key_a', 2, { label: 'new-name', costUsd: 0.2 }),
        totals('key_b', 2, { label: 'b-second', costUsd: 0.2 }),
        totals(null, 1),
      ]);
      expect(await store.summarize({ by: 'key', until: 150 })).toEqual([
        totals('key_a', 1, { label: 'old-name', costUsd: 0.1 }),
      ]);
    });

    it('groups by requested model and by provider, with null groups; labels only keys', async () => {
      await store.insertMany([
        row({ modelRequested: 'gpt-4o', modelServed: 'claude', provider: 'bedrock', costUsd: 0.3 }),
        row({ modelRequested: 'claude', modelServed: 'claude', provider: 'bedrock', costUsd: 0.2 }),
        row({ modelRequested: null, modelServed: null, provider: null, costUsd: null, status: 'rejected' }),
        row({ modelRequested: 'claude', modelServed: 'claude', provider: 'vertex', costUsd: 0.05 }),
      ]);
      expect(await store.summarize({ by: 'model' })).toEqual([
        totals('gpt-4o', 1, { costUsd: 0.3 }),
        totals('claude', 2, { costUsd: 0.25 }),
        totals(null, 1, { succeeded: 0 }),
      ]);
      expect(await store.summarize({ by: 'provider' })).toEqual([
        totals('bedrock', 2, { costUsd: 0.5 }),
        totals('vertex', 1, { costUsd: 0.05 }),
        totals(null, 1, { succeeded: 0 }),
      ]);
    });

    it('groups by UTC day', async () => {
      await store.insertMany([
        row({ createdAt: Date.UTC(2024, 2, 9, 23, 59, 59, 999), costUsd: 0.5 }),
        row({ createdAt: Date.UTC(2024, 2, 10, 0, 0, 0, 0) }),
        row({ createdAt: Date.UTC(2024, 2, 10, 23, 0, 0, 0) }),
        row({ createdAt: Date.UTC(2023, 11, 31, 12), costUsd: null }),
        row({ createdAt: Date.UTC(2024, 0, 1, 12), costUsd: null }),
      ]);
      expect(await store.summarize({ by: 'day' })).toEqual([
        totals('2024-03-09', 1, { costUsd: 0.5 }),
        totals('2024-03-10', 2, { costUsd: 0.2 }),
        totals('2023-12-31', 1),
        totals('2024-01-01', 1),
      ]);
    });

    it('summarizes only the rows every filter matches', async () => {
      const base = { createdAt: 250, keyId: 'key_a', teamId: 'team_a', modelRequested: 'm', provider: 'p' };
      await store.insertMany([
        row({ ...base, inputTokens: 1000 }),
        row({ ...base, status: 'error' }),
        row({ ...base, createdAt: 150 }),
        row({ ...base, createdAt: 300 }),
        row({ ...base, keyId: 'key_b' }),
        row({ ...base, teamId: 'team_b' }),
        row({ ...base, modelRequested: 'other' }),
        row({ ...base, provider: 'other' }),
      ]);
      const filters = {
        since: 200,
        until: 300,
        keyId: 'key_a',
        teamId: 'team_a',
        model: 'm',
        provider: 'p',
        status: 'ok',
      } as const;
      for (const by of ['team', 'provider'] as const) {
        const [only, ...rest] = await store.summarize({ by, ...filters });
        expect(rest).toEqual([]);
        expect(only).toMatchObject({ requests: 1, succeeded: 1, inputTokens: 1000, costUsd: 0.1 });
      }
      expect(await store.summarize({ by: 'team', ...filters, status: 'error' })).toEqual([
        totals('team_a', 1, { succeeded: 0, costUsd: 0.1 }),
      ]);
      expect(await store.summarize({ by: 'key', since: 1000 })).toEqual([]);
    });

    it('answers an empty store with no groups', async () => {
      for (const by of ['team', 'key', 'model', 'provider', 'day'] as const) {
        expect(await store.summarize({ by })).toEqual([]);
      }
    });

    it('rejects an unknown grouping and a time that is not finite', async () => {
      await store.insertMany([row()]);
      await expect(store.summarize({ by: 'week' as UsageGroupBy })).rejects.toThrow(RangeError);
      await expect(store.summarize({ by: 'team', since: Number.NaN })).rejects.toThrow(RangeError);
    });
  });
}

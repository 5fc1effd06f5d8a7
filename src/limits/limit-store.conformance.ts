import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AcquireRequest, LimitDecision, LimitScope, LimitStore, ScopeLimits } from './limit-store.js';

/** Opens a store whose concurrency leases last `leaseMs`; `close` releases it (and its data). */
export type LimitStoreFactory = (options: {
  leaseMs: number;
}) => Promise<{ store: LimitStore; close?: () => Promise<void> }>;

const LEASE_MS = 1_000;
/** A minute boundary (12:00:00 UTC), so window positions in the tests are exact. */
const T0 = Date.UTC(2030, 0, 15, 12, 0, 0);
const MINUTE = 60_000;

/**
 * The behaviour every LimitStore backend must share, with an injected clock (no sleeping): the
 * two-window RPM/TPM estimate, reservation and reconciliation of tokens and cost, concurrency
 * leases that expire unless renewed, hard and alert budgets per UTC day and month, all-or-nothing
 * reservation across scopes, and exact limits under parallel acquires.
 *
 * @example
 * describeLimitStoreConformance('MemoryLimitStore', async ({ leaseMs }) => ({ store: new MemoryLimitStore({ leaseMs }) }));
 */
export function describeLimitStoreConformance(name: string, factory: LimitStoreFactory): void {
  describe(`${name} (LimitStore conformance)`, () => {
    let store: LimitStore;
    let close: (() => Promise<void>) | undefined;
    let scopeId: string;

    beforeEach(async () => {
      const opened = await factory({ leaseMs: LEASE_MS });
      store = opened.store;
      close = opened.close;
      scopeId = `key:test-${randomUUID()}`;
    });

    afterEach(async () => {
      await close?.();
    });

    const scope = (limits: ScopeLimits, id = scopeId): LimitScope => ({ id, limits });
    const acquire = (
      scopes: LimitScope[],
      now: number,
      cost: Partial<Pick<AcquireRequest, 'tokens' | 'costMicros'>> = {},
    ): Promise<LimitDecision> =>
      store.acquire({
        reservationId: randomUUID(),
        scopes,
        tokens: cost.tokens ?? 0,
        costMicros: cost.costMicros ?? 0,
        now,
      });
    const allowedCount = (decisions: LimitDecision[]) => decisions.filter((d) => d.allowed).length;

    it('admits `rpm` requests in a minute and refuses the next with the counters it saw', async () => {
      const limits = scope({ rpm: 3 });
      const decisions = [];
      for (let index = 0; index < 4; index++) decisions.push(await acquire([limits], T0 + index));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, true, false]);
      expect(decisions[3]?.rejection).toEqual({ scopeIndex: 0, dimension: 'requests' });
      expect(decisions[3]?.counters[0]?.requests).toEqual({ current: 3, previous: 0 });
      expect(decisions[2]?.counters[0]?.requests).toEqual({ current: 3, previous: 0 });
    });

    it('weighs the previous minute by the part of it still inside the sliding window', async () => {
      const limits = scope({ rpm: 4 });
      for (let index = 0; index < 4; index++) expect((await acquire([limits], T0)).allowed).toBe(true);
      // Start of the next minute: the previous 4 still weigh 4.
      expect((await acquire([limits], T0 + MINUTE)).allowed).toBe(false);
      // Half way: they weigh 2, so 2 more fit.
      const half = T0 + MINUTE + MINUTE / 2;
      const decisions = [
        await acquire([limits], half),
        await acquire([limits], half),
        await acquire([limits], half),
      ];
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false]);
      expect(decisions[2]?.counters[0]?.requests).toEqual({ current: 2, previous: 4 });
      // Two minutes on, nothing weighs any more.
      const later = await acquire([limits], T0 + 3 * MINUTE);
      expect(later.allowed).toBe(true);
      expect(later.counters[0]?.requests).toEqual({ current: 1, previous: 0 });
    });

    it('reserves TPM up front and gives back the difference when reconciled', async () => {
      const limits = scope({ tpm: 1_000 });
      const first = await acquire([limits], T0, { tokens: 600 });
      expect(first.allowed).toBe(true);
      const refused = await acquire([limits], T0 + 1, { tokens: 500 });
      expect(refused.rejection?.dimension).toBe('tokens');
      await store.reconcile(first.reservation!, { tokens: 100, costMicros: 0 });
      const second = await acquire([limits], T0 + 2, { tokens: 500 });
      expect(second.allowed).toBe(true);
      expect(second.counters[0]?.tokens).toEqual({ current: 600, previous: 0 });
    });

    it('reconciles tokens into the minute they were reserved in, after the clock moved on', async () => {
      const limits = scope({ tpm: 1_000 });
      const first = await acquire([limits], T0, { tokens: 900 });
      const next = await acquire([limits], T0 + MINUTE, { tokens: 50 });
      expect(next.counters[0]?.tokens).toEqual({ current: 50, previous: 900 });
      await store.reconcile(first.reservation!, { tokens: 300, costMicros: 0 });
      const after = await acquire([limits], T0 + MINUTE + 1, { tokens: 10 });
      expect(after.counters[0]?.tokens).toEqual({ current: 60, previous: 300 });
    });

    it('holds concurrency slots until released; releasing twice frees only one', async () => {
      const limits = scope({ concurrency: 2 });
      const a = await acquire([limits], T0);
      const b = await acquire([limits], T0);
      const c = await acquire([limits], T0);
      expect([a.allowed, b.allowed, c.allowed]).toEqual([true, true, false]);
      expect(c.rejection?.dimension).toBe('concurrency');
      await store.release(a.reservation!);
      await store.release(a.reservation!);
      const d = await acquire([limits], T0);
      expect(d.allowed).toBe(true);
      expect(d.counters[0]?.concurrent).toBe(2);
      expect((await acquire([limits], T0)).allowed).toBe(false);
    });

    it('frees a slot whose lease expired (a replica died) unless it was renewed', async () => {
      const limits = scope({ concurrency: 1 });
      const held = await acquire([limits], T0);
      expect(held.allowed).toBe(true);
      await store.renew([held.reservation!], T0 + LEASE_MS - 100);
      expect((await acquire([limits], T0 + LEASE_MS + 50)).allowed).toBe(false);
      const after = await acquire([limits], T0 + 2 * LEASE_MS);
      expect(after.allowed).toBe(true);
      expect(after.counters[0]?.concurrent).toBe(1);
    });

    it('admits a hard budget while anything is left, so the overshoot is at most one reservation', async () => {
      const limits = scope({ budgets: [{ period: 'day', limitMicros: 1_000, hard: true }] });
      const decisions = [];
      for (let index = 0; index < 5; index++)
        decisions.push(await acquire([limits], T0, { costMicros: 600 }));
      expect(decisions.map((d) => d.allowed)).toEqual([true, true, false, false, false]);
      expect(decisions[2]?.rejection?.dimension).toBe('budget-day');
      expect(decisions[2]?.counters[0]?.spentMicros.day).toBe(1_200);
      for (const decision of decisions.slice(0, 2)) {
        await store.reconcile(decision.reservation!, { tokens: 0, costMicros: 250 });
      }
      const after = await acquire([limits], T0, { costMicros: 600 });
      expect(after.allowed).toBe(true);
      expect(after.counters[0]?.spentMicros.day).toBe(1_100);
    });

    it('starts a new UTC day at midnight while the month keeps counting', async () => {
      const limits = scope({
        budgets: [
          { period: 'day', limitMicros: 1_000, hard: true },
          { period: 'month', limitMicros: 10_000, hard: true },
        ],
      });
      expect((await acquire([limits], T0, { costMicros: 1_000 })).allowed).toBe(true);
      expect((await acquire([limits], T0, { costMicros: 1 })).rejection?.dimension).toBe('budget-day');
      const nextDay = Date.UTC(2030, 0, 16, 0, 0, 0);
      const decision = await acquire([limits], nextDay, { costMicros: 500 });
      expect(decision.allowed).toBe(true);
      expect(decision.counters[0]?.spentMicros).toEqual({ day: 500, month: 1_500 });
    });

    it('refuses on a spent monthly budget even when the day has room', async () => {
      const limits = scope({
        budgets: [
          { period: 'day', limitMicros: 5_000, hard: true },
          { period: 'month', limitMicros: 1_000, hard: true },
        ],
      });
      await acquire([limits], T0, { costMicros: 1_000 });
      expect((await acquire([limits], T0, { costMicros: 1 })).rejection?.dimension).toBe('budget-month');
    });

    it('counts an alert-only budget but never refuses on it', async () => {
      const limits = scope({ budgets: [{ period: 'day', limitMicros: 100, hard: false }] });
      const decisions = [];
      for (let index = 0; index < 3; index++) decisions.push(await acquire([limits], T0, { costMicros: 80 }));
      expect(allowedCount(decisions)).toBe(3);
      expect(decisions[2]?.counters[0]?.spentMicros.day).toBe(240);
    });

    it('reserves in every scope or in none', async () => {
      const key = scope({ rpm: 10, tpm: 1_000, concurrency: 5 });
      const team = scope({ rpm: 1 }, `team:test-${randomUUID()}`);
      expect((await acquire([key, team], T0, { tokens: 100 })).allowed).toBe(true);
      const refused = await acquire([key, team], T0, { tokens: 100 });
      expect(refused.rejection).toEqual({ scopeIndex: 1, dimension: 'requests' });
      const keyOnly = await acquire([key], T0, { tokens: 100 });
      expect(keyOnly.counters[0]).toMatchObject({
        requests: { current: 2 },
        tokens: { current: 200 },
        concurrent: 2,
      });
    });

    it('admits exactly the limit under parallel acquires', async () => {
      const limits = scope({ rpm: 20, concurrency: 15 });
      const decisions = await Promise.all(Array.from({ length: 60 }, () => acquire([limits], T0)));
      expect(allowedCount(decisions)).toBe(15);
      const budget = scope(
        { budgets: [{ period: 'day', limitMicros: 1_000, hard: true }] },
        `key:b-${randomUUID()}`,
      );
      const spends = await Promise.all(
        Array.from({ length: 30 }, () => acquire([budget], T0, { costMicros: 300 })),
      );
      expect(allowedCount(spends)).toBe(4);
    });

    it('does not count dimensions the scope has no limit for', async () => {
      const limits = scope({ rpm: 5 });
      const decision = await acquire([limits], T0, { tokens: 700, costMicros: 900 });
      expect(decision.counters[0]).toEqual({
        requests: { current: 1, previous: 0 },
        tokens: { current: 0, previous: 0 },
        concurrent: 0,
        spentMicros: { day: 0, month: 0 },
      });
    });
  });
}

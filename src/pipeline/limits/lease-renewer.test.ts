import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { LimitStore, Reservation } from '../../limits/limit-store.js';
import { createLeaseRenewer } from './lease-renewer.js';

const reservation = (id: string): Reservation => ({
  id,
  scopes: [{ id: 'key:k', limits: { concurrency: 1 } }],
  tokens: 0,
  costMicros: 0,
  windowIndex: 0,
  day: '2030-01-01',
  month: '2030-01',
});

describe('createLeaseRenewer', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });

  afterEach(() => {
    vi.useRealTimers();
  });

  it('renews every held lease each third of the lease, and stops when nothing is held', async () => {
    const renewed: string[][] = [];
    const store = {
      renew: async (reservations: readonly Reservation[], now: number) => {
        renewed.push([...reservations.map((held) => held.id), String(now)]);
      },
    } as unknown as LimitStore;
    const renewer = createLeaseRenewer(store, {
      leaseMs: 3_000,
      clock: () => 42,
      log: pino({ level: 'silent' }),
    });
    const a = reservation('a');
    const b = reservation('b');
    renewer.hold(a);
    renewer.hold(b);
    await vi.advanceTimersByTimeAsync(1_000);
    renewer.drop(a);
    await vi.advanceTimersByTimeAsync(1_000);
    renewer.drop(b);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(renewed).toEqual([
      ['a', 'b', '42'],
      ['b', '42'],
    ]);
    expect(vi.getTimerCount()).toBe(0);
  });
});

import type {
  AcquireRequest,
  ActualUsage,
  LimitDecision,
  LimitStore,
  Reservation,
} from '../../../src/limits/limit-store.js';

/**
 * Wraps a LimitStore and records every call, so tests can await "the reservation was released"
 * instead of sleeping.
 */
export class ObservedLimitStore implements LimitStore {
  readonly released: Reservation[] = [];
  readonly reconciled: Array<{ reservation: Reservation; actual: ActualUsage }> = [];
  private waiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(readonly inner: LimitStore) {}

  acquire(request: AcquireRequest): Promise<LimitDecision> {
    return this.inner.acquire(request);
  }

  async reconcile(reservation: Reservation, actual: ActualUsage): Promise<void> {
    await this.inner.reconcile(reservation, actual);
    this.reconciled.push({ reservation, actual });
  }

  async release(reservation: Reservation): Promise<void> {
    await this.inner.release(reservation);
    this.released.push(reservation);
    const ready = this.waiters.filter((waiter) => this.released.length >= waiter.count);
    this.waiters = this.waiters.filter((waiter) => !ready.includes(waiter));
    for (const waiter of ready) waiter.resolve();
  }

  renew(reservations: readonly Reservation[], now: number): Promise<void> {
    return this.inner.renew(reservations, now);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  /** Resolves once `count` releases happened in total. */
  waitForReleases(count: number): Promise<void> {
    if (this.released.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ count, resolve }));
  }
}

import type { Logger } from 'pino';
import type { LimitStore, Reservation } from '../../limits/limit-store.js';

export interface LeaseRenewer {
  hold(reservation: Reservation): void;
  drop(reservation: Reservation): void;
}

/**
 * Keeps the concurrency leases of running exchanges alive: every third of a lease, one `renew` call
 * for all of them. Leases exist so a replica that dies frees its slots; a live replica must renew
 * them, or a stream longer than the lease would lose its slot. The timer only runs while something is
 * held, and never keeps the process alive.
 *
 * @example
 * const renewer = createLeaseRenewer(store, { leaseMs: 60_000, clock: Date.now, log });
 */
export function createLeaseRenewer(
  store: LimitStore,
  options: { leaseMs: number; clock: () => number; log: Logger },
): LeaseRenewer {
  const held = new Set<Reservation>();
  let timer: NodeJS.Timeout | undefined;
  function renewAll(): void {
    store.renew([...held], options.clock()).catch((error: unknown) => {
      options.log.warn({ err: error }, 'could not renew concurrency leases');
    });
  }
  return {
    hold(reservation) {
      held.add(reservation);
      if (timer !== undefined) return;
      timer = setInterval(renewAll, Math.max(1, Math.floor(options.leaseMs / 3)));
      timer.unref();
    },
    drop(reservation) {
      held.delete(reservation);
      if (held.size > 0 || timer === undefined) return;
      clearInterval(timer);
      timer = undefined;
    },
  };
}

/**
 * The narrow interface every limit backend implements (memory for one node, Redis for a cluster).
 * One `acquire` checks every limit of every scope and reserves them all, or reserves nothing — in
 * one atomic step (one JS turn in memory, one Lua script in Redis), so concurrent requests on any
 * number of replicas cannot slip between a check and its reservation.
 *
 * The conformance suite (`limit-store.conformance.ts`) pins the behaviour both backends share.
 */

/** A USD budget over a calendar period (UTC), in integer micro-dollars (1 USD = 1,000,000). */
export interface BudgetLimit {
  period: 'day' | 'month';
  limitMicros: number;
  /** Hard budgets reject once spent; alert-only ones are tracked but never reject. */
  hard: boolean;
}

/** The limits of one scope (a key today; a team later). An omitted limit is not enforced or counted. */
export interface ScopeLimits {
  /** Requests per minute (two-window sliding estimate, see sliding-window.ts). */
  rpm?: number;
  /** Tokens per minute: estimated prompt + max output reserved up front, reconciled after. */
  tpm?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  budgets?: readonly BudgetLimit[];
}

export interface LimitScope {
  /** Stable identity of what is limited, e.g. `key:key_3q2-7wEAAAAbQk1z`. */
  id: string;
  limits: ScopeLimits;
}

export interface AcquireRequest {
  /** Unique per request; names the concurrency lease and the reservation. */
  reservationId: string;
  scopes: readonly LimitScope[];
  /** Tokens to reserve against TPM (estimated prompt + max output). */
  tokens: number;
  /** Micro-dollars to reserve against budgets (the request's maximum cost). */
  costMicros: number;
  /** Epoch milliseconds; injected so algorithms are testable without sleeping. */
  now: number;
}

export type LimitDimension = 'requests' | 'tokens' | 'concurrency' | 'budget-day' | 'budget-month';

/** The counters of one scope as the decision saw them — after the reservation when it was allowed. */
export interface ScopeCounters {
  requests: { current: number; previous: number };
  tokens: { current: number; previous: number };
  concurrent: number;
  spentMicros: { day: number; month: number };
}

/** What `acquire` reserved; hand it back to `reconcile`/`release`/`renew`. */
export interface Reservation {
  id: string;
  scopes: readonly LimitScope[];
  tokens: number;
  costMicros: number;
  /** The minute window the tokens were added to (epoch ms / 60,000, floored). */
  windowIndex: number;
  /** The budget periods the cost was added to: `YYYY-MM-DD` and `YYYY-MM` (UTC). */
  day: string;
  month: string;
}

export interface LimitDecision {
  allowed: boolean;
  /** Present when allowed. */
  reservation?: Reservation;
  /** Present when refused: the first scope and limit that did not fit. */
  rejection?: { scopeIndex: number; dimension: LimitDimension };
  /** One entry per scope, in the order given, for the `x-ratelimit-*` headers and `retry-after`. */
  counters: ScopeCounters[];
  /** Window position the decision used, so callers compute resets from the same clock. */
  now: number;
}

/** What the request really consumed, known once the exchange ended. */
export interface ActualUsage {
  tokens: number;
  costMicros: number;
}

export interface LimitStore {
  /** Checks every limit of every scope and, only if all fit, reserves them all. */
  acquire(request: AcquireRequest): Promise<LimitDecision>;
  /**
   * Replaces the reservation's estimates with the actual usage (tokens in the reservation's own
   * minute window, cost in its own budget periods). Call once, at the end of the exchange.
   */
  reconcile(reservation: Reservation, actual: ActualUsage): Promise<void>;
  /** Frees the reservation's concurrency slots. Idempotent. */
  release(reservation: Reservation): Promise<void>;
  /** Extends the concurrency leases of reservations still running, so long streams keep their slot. */
  renew(reservations: readonly Reservation[], now: number): Promise<void>;
  close(): Promise<void>;
}

/** @example const counters = { ...emptyCounters(), concurrent: 2 }; */
export function emptyCounters(): ScopeCounters {
  return {
    requests: { current: 0, previous: 0 },
    tokens: { current: 0, previous: 0 },
    concurrent: 0,
    spentMicros: { day: 0, month: 0 },
  };
}

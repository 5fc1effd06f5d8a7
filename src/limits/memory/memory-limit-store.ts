import { dayPeriod, monthPeriod } from '../budget-periods.js';
import { budgetFor, checkScope } from '../check-scope.js';
import type {
  AcquireRequest,
  ActualUsage,
  LimitDecision,
  LimitScope,
  LimitStore,
  Reservation,
  ScopeCounters,
} from '../limit-store.js';
import { type WindowCounts, windowPosition } from '../sliding-window.js';
import type { SpendPersistence, SpendSnapshot } from './json-spend-file.js';

interface WindowState extends WindowCounts {
  index: number;
}

interface PeriodSpend {
  period: string;
  micros: number;
}

interface ScopeState {
  requests: WindowState;
  tokens: WindowState;
  /** Reservation id → lease expiry (epoch ms). */
  leases: Map<string, number>;
  day: PeriodSpend;
  month: PeriodSpend;
}

export interface MemoryLimitStoreOptions {
  /** How long a concurrency slot is held without `renew` (default 60 s). */
  leaseMs?: number;
  /** Saves budget spend so a restart keeps the day's and month's totals. */
  persistence?: SpendPersistence;
  /** How often spend is saved (default 10 s); it is also saved on `close`. */
  persistIntervalMs?: number;
  /** Called when a periodic save fails (the store keeps working). */
  onPersistError?: (error: unknown) => void;
}

/** Moves a window's counters forward to minute `index` (never backwards). */
function rollWindow(state: WindowState, index: number): void {
  if (index <= state.index) return;
  state.previous = index === state.index + 1 ? state.current : 0;
  state.current = 0;
  state.index = index;
}

function rollPeriod(spend: PeriodSpend, period: string): void {
  if (spend.period === period) return;
  spend.period = period;
  spend.micros = 0;
}

function countersOf(state: ScopeState): ScopeCounters {
  return {
    requests: { current: state.requests.current, previous: state.requests.previous },
    tokens: { current: state.tokens.current, previous: state.tokens.previous },
    concurrent: state.leases.size,
    spentMicros: { day: state.day.micros, month: state.month.micros },
  };
}

function refreshCounters(counters: ScopeCounters, state: ScopeState): void {
  counters.requests.current = state.requests.current;
  counters.requests.previous = state.requests.previous;
  counters.tokens.current = state.tokens.current;
  counters.tokens.previous = state.tokens.previous;
  counters.concurrent = state.leases.size;
  counters.spentMicros.day = state.day.micros;
  counters.spentMicros.month = state.month.micros;
}

/** Drops the leases that ran out (a holder that died without releasing). */
function expireLeases(leases: Map<string, number>, now: number): void {
  if (leases.size === 0) return;
  for (const [id, expiresAt] of leases) if (expiresAt <= now) leases.delete(id);
}

/**
 * The single-node LimitStore: counters in a Map, checked and reserved in one synchronous turn (so
 * atomic), with budget spend saved through `persistence` every `persistIntervalMs` and on close.
 *
 * @example
 * const store = await MemoryLimitStore.open({ persistence: createJsonSpendFile(path) });
 * const decision = await store.acquire({ reservationId, scopes, tokens: 1200, costMicros: 900, now: Date.now() });
 */
export class MemoryLimitStore implements LimitStore {
  private readonly scopes = new Map<string, ScopeState>();
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: MemoryLimitStoreOptions = {}) {
    this.leaseMs = options.leaseMs ?? 60_000;
  }

  /** Creates the store, restores the saved spend and starts the periodic save. */
  static async open(options: MemoryLimitStoreOptions = {}): Promise<MemoryLimitStore> {
    const store = new MemoryLimitStore(options);
    const snapshot = await options.persistence?.load();
    if (snapshot !== undefined) store.restore(snapshot);
    if (options.persistence !== undefined) {
      store.timer = setInterval(() => {
        store.persist().catch((error: unknown) => options.onPersistError?.(error));
      }, options.persistIntervalMs ?? 10_000);
      store.timer.unref();
    }
    return store;
  }

  async acquire(request: AcquireRequest): Promise<LimitDecision> {
    const { now, scopes } = request;
    const position = windowPosition(now);
    const day = dayPeriod(now);
    const month = monthPeriod(now);
    const states: ScopeState[] = [];
    for (const scope of scopes) {
      const state = this.stateOf(scope.id, position.index, day, month);
      expireLeases(state.leases, now);
      states.push(state);
    }
    const counters = states.map(countersOf);
    for (let scopeIndex = 0; scopeIndex < scopes.length; scopeIndex++) {
      const limits = (scopes[scopeIndex] as LimitScope).limits;
      const dimension = checkScope(
        limits,
        counters[scopeIndex] as ScopeCounters,
        position.elapsedFraction,
        request,
      );
      if (dimension !== undefined) {
        return { allowed: false, rejection: { scopeIndex, dimension }, counters, now };
      }
    }
    for (let scopeIndex = 0; scopeIndex < scopes.length; scopeIndex++) {
      const state = states[scopeIndex] as ScopeState;
      const limits = (scopes[scopeIndex] as LimitScope).limits;
      if (limits.rpm !== undefined) state.requests.current += 1;
      if (limits.tpm !== undefined) state.tokens.current += request.tokens;
      if (limits.concurrency !== undefined) state.leases.set(request.reservationId, now + this.leaseMs);
      if (budgetFor(limits, 'day') !== undefined) state.day.micros += request.costMicros;
      if (budgetFor(limits, 'month') !== undefined) state.month.micros += request.costMicros;
    }
    // The counters were read before the reservation: bring them up to date (same values as fresh ones).
    for (let scopeIndex = 0; scopeIndex < states.length; scopeIndex++) {
      refreshCounters(counters[scopeIndex] as ScopeCounters, states[scopeIndex] as ScopeState);
    }
    const reservation: Reservation = {
      id: request.reservationId,
      scopes,
      tokens: request.tokens,
      costMicros: request.costMicros,
      windowIndex: position.index,
      day,
      month,
    };
    return { allowed: true, reservation, counters, now };
  }

  async reconcile(reservation: Reservation, actual: ActualUsage): Promise<void> {
    const tokenDelta = actual.tokens - reservation.tokens;
    const costDelta = actual.costMicros - reservation.costMicros;
    for (const scope of reservation.scopes) {
      const state = this.scopes.get(scope.id);
      if (state === undefined) continue;
      if (scope.limits.tpm !== undefined) {
        // Only the two live minutes matter; an adjustment to an older one would change nothing.
        const tokens = state.tokens;
        if (tokens.index === reservation.windowIndex)
          tokens.current = Math.max(0, tokens.current + tokenDelta);
        else if (tokens.index === reservation.windowIndex + 1) {
          tokens.previous = Math.max(0, tokens.previous + tokenDelta);
        }
      }
      if (budgetFor(scope.limits, 'day') !== undefined && state.day.period === reservation.day) {
        state.day.micros = Math.max(0, state.day.micros + costDelta);
      }
      if (budgetFor(scope.limits, 'month') !== undefined && state.month.period === reservation.month) {
        state.month.micros = Math.max(0, state.month.micros + costDelta);
      }
    }
  }

  async release(reservation: Reservation): Promise<void> {
    for (const scope of reservation.scopes) this.scopes.get(scope.id)?.leases.delete(reservation.id);
  }

  async renew(reservations: readonly Reservation[], now: number): Promise<void> {
    for (const reservation of reservations) {
      for (const scope of reservation.scopes) {
        const leases = this.scopes.get(scope.id)?.leases;
        if (leases?.has(reservation.id) === true) leases.set(reservation.id, now + this.leaseMs);
      }
    }
  }

  async close(): Promise<void> {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
    await this.persist();
  }

  /** Saves the current spend now (also runs on the timer and on close). */
  async persist(): Promise<void> {
    await this.options.persistence?.save(this.snapshot());
  }

  snapshot(): SpendSnapshot {
    const scopes: SpendSnapshot['scopes'] = {};
    for (const [id, state] of this.scopes) {
      if (state.day.micros === 0 && state.month.micros === 0) continue;
      scopes[id] = { day: { ...state.day }, month: { ...state.month } };
    }
    return { version: 1, scopes };
  }

  private restore(snapshot: SpendSnapshot): void {
    for (const [id, saved] of Object.entries(snapshot.scopes)) {
      const state = this.stateOf(id, 0, saved.day?.period ?? '', saved.month?.period ?? '');
      state.day.micros = saved.day?.micros ?? 0;
      state.month.micros = saved.month?.micros ?? 0;
    }
  }

  /** The scope's state with its windows and periods moved forward to now. */
  private stateOf(id: string, windowIndex: number, day: string, month: string): ScopeState {
    let state = this.scopes.get(id);
    if (state === undefined) {
      state = {
        requests: { index: windowIndex, current: 0, previous: 0 },
        tokens: { index: windowIndex, current: 0, previous: 0 },
        leases: new Map(),
        day: { period: day, micros: 0 },
        month: { period: month, micros: 0 },
      };
      this.scopes.set(id, state);
    }
    rollWindow(state.requests, windowIndex);
    rollWindow(state.tokens, windowIndex);
    rollPeriod(state.day, day);
    rollPeriod(state.month, month);
    return state;
  }
}

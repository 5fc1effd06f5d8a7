import type { Logger } from 'pino';
import { BREAKER_STATE_VALUES, type GatewayMetrics } from '../observability/metrics.js';
import {
  type BreakerPermit,
  type BreakerSettings,
  type BreakerState,
  type BreakerTransition,
  CircuitBreaker,
} from './circuit-breaker.js';

/** One deployment's breaker as `/readyz` and the admin API show it. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** When an open breaker starts letting probes through (ISO time). */
  reopensAt?: string;
  /** Why it last changed state. */
  reason?: string;
}

/**
 * The circuit breakers of every deployment, created on first use. Transitions are counted in
 * `converge_breaker_transitions_total`, mirrored in `converge_breaker_state`, and logged with the
 * logger of the request that caused them.
 *
 * @example
 * const permit = board.tryAcquire('gpt-4o-eu', context.log);
 * if (permit !== undefined) board.recordSuccess('gpt-4o-eu', permit, context.log);
 */
export class BreakerBoard {
  private readonly breakers = new Map<string, CircuitBreaker>();
  private readonly reasons = new Map<string, string>();
  private activeLog: Logger | undefined;

  constructor(
    private readonly settings: BreakerSettings,
    private readonly metrics: GatewayMetrics,
    private readonly clock: () => number,
  ) {}

  tryAcquire(deployment: string, log: Logger): BreakerPermit | undefined {
    return this.withLog(log, () => this.breaker(deployment).tryAcquire(this.clock()));
  }

  /** True when `tryAcquire` would let a call through now (the route stage's filter). */
  isAvailable(deployment: string): boolean {
    const breaker = this.breakers.get(deployment);
    return breaker === undefined || breaker.isAvailable(this.clock());
  }

  /** When the earliest of these open breakers lets probes through, ms from now (0 if one is not open). */
  msUntilAvailable(deployments: readonly string[]): number {
    const now = this.clock();
    let soonest = Number.POSITIVE_INFINITY;
    for (const deployment of deployments) {
      const reopensAt = this.breakers.get(deployment)?.reopensAt ?? 0;
      soonest = Math.min(soonest, Math.max(0, reopensAt - now));
    }
    return Number.isFinite(soonest) ? soonest : 0;
  }

  recordSuccess(deployment: string, permit: BreakerPermit, log: Logger): void {
    this.withLog(log, () => this.breaker(deployment).recordSuccess(permit, this.clock()));
  }

  recordFailure(deployment: string, permit: BreakerPermit, log: Logger): void {
    this.withLog(log, () => this.breaker(deployment).recordFailure(permit, this.clock()));
  }

  recordNeutral(deployment: string, permit: BreakerPermit): void {
    this.breaker(deployment).recordNeutral(permit);
  }

  state(deployment: string): BreakerState {
    return this.breakers.get(deployment)?.state ?? 'closed';
  }

  /** Every known deployment's breaker, closed ones included. */
  snapshot(deployments: readonly string[] = [...this.breakers.keys()]): Record<string, BreakerSnapshot> {
    const result: Record<string, BreakerSnapshot> = {};
    for (const deployment of deployments) {
      const breaker = this.breakers.get(deployment);
      const reason = this.reasons.get(deployment);
      result[deployment] = {
        state: breaker?.state ?? 'closed',
        ...(breaker?.state === 'open' && { reopensAt: new Date(breaker.reopensAt).toISOString() }),
        ...(reason !== undefined && { reason }),
      };
    }
    return result;
  }

  private breaker(deployment: string): CircuitBreaker {
    let breaker = this.breakers.get(deployment);
    if (breaker === undefined) {
      breaker = new CircuitBreaker(this.settings, (transition) => this.report(deployment, transition));
      this.breakers.set(deployment, breaker);
    }
    return breaker;
  }

  private report(deployment: string, transition: BreakerTransition): void {
    this.reasons.set(deployment, transition.reason);
    this.metrics.breakerTransitions.inc({ deployment, to: transition.to });
    this.metrics.breakerState.set({ deployment }, BREAKER_STATE_VALUES[transition.to]);
    const level = transition.to === 'open' ? 'warn' : 'info';
    this.activeLog?.[level]({ deployment, ...transition }, `circuit breaker ${transition.to}`);
  }

  private withLog<T>(log: Logger, run: () => T): T {
    // Transitions happen synchronously inside `run`, so the request's logger is the one in effect.
    this.activeLog = log;
    try {
      return run();
    } finally {
      this.activeLog = undefined;
    }
  }
}

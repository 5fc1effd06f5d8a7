import { Counter, Gauge, Registry } from 'prom-client';

/** Numeric value of a breaker state in `converge_breaker_state`. */
export const BREAKER_STATE_VALUES: Readonly<Record<'closed' | 'open' | 'half-open', number>> = {
  closed: 0,
  open: 1,
  'half-open': 2,
};

/**
 * The gateway's Prometheus metrics. Labels only take values from the config (model and deployment
 * names) or small fixed sets (reasons, states), so cardinality stays bounded.
 */
export interface GatewayMetrics {
  readonly registry: Registry;
  /** A request moved from one deployment to another (any reason). `to` is `none` when nothing was left. */
  readonly fallbacks: Counter<'model' | 'from' | 'to' | 'reason'>;
  /** A request left a deployment because it had no capacity: the gateway's own accounting, or a 429. */
  readonly spillovers: Counter<'model' | 'from' | 'to' | 'reason'>;
  readonly breakerTransitions: Counter<'deployment' | 'to'>;
  /** 0 closed, 1 open, 2 half-open. */
  readonly breakerState: Gauge<'deployment'>;
}

/**
 * Creates the metrics on `registry` (a fresh one by default, so tests and several gateways in one
 * process never collide on metric names).
 *
 * @example
 * const metrics = createMetrics();
 * metrics.fallbacks.inc({ model: 'gpt-4o', from: 'a', to: 'b', reason: 'server_error' });
 * const text = await metrics.registry.metrics(); // Prometheus text format
 */
export function createMetrics(registry: Registry = new Registry()): GatewayMetrics {
  const registers = [registry];
  return {
    registry,
    fallbacks: new Counter({
      name: 'converge_fallbacks_total',
      help: 'Requests moved from one deployment to the next, by reason.',
      labelNames: ['model', 'from', 'to', 'reason'] as const,
      registers,
    }),
    spillovers: new Counter({
      name: 'converge_spillovers_total',
      help: 'Requests that left a deployment for lack of capacity (own accounting or a 429).',
      labelNames: ['model', 'from', 'to', 'reason'] as const,
      registers,
    }),
    breakerTransitions: new Counter({
      name: 'converge_breaker_transitions_total',
      help: 'Circuit breaker state changes per deployment.',
      labelNames: ['deployment', 'to'] as const,
      registers,
    }),
    breakerState: new Gauge({
      name: 'converge_breaker_state',
      help: 'Circuit breaker state per deployment: 0 closed, 1 open, 2 half-open.',
      labelNames: ['deployment'] as const,
      registers,
    }),
  };
}

/**
 * The process-wide metrics the gateway records into by default; `GET /metrics` serves
 * `metrics.registry`.
 */
export const metrics: GatewayMetrics = createMetrics();

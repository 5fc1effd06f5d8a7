import { Counter, Gauge, Histogram, Registry } from 'prom-client';

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
  /** Time a request spent in the gateway itself: total minus time waiting on upstreams. */
  readonly overhead: Histogram<'dialect'>;
  /** Event-loop delay (p99 over the last sampling window), the signal load shedding acts on. */
  readonly eventLoopLag: Gauge;
  /** Requests refused with 503 `overloaded` instead of being queued. */
  readonly shed: Counter<'reason'>;
  /** Finished requests by dialect, outcome and stable error code. */
  readonly requests: Counter<'dialect' | 'status' | 'code'>;
  /** Tokens per request, OpenTelemetry GenAI `gen_ai.client.token.usage` (dots as underscores). */
  readonly tokenUsage: Histogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'gen_ai_token_type'>;
  /** Request duration, GenAI `gen_ai.server.request.duration`. */
  readonly requestDuration: Histogram<'gen_ai_operation_name' | 'gen_ai_request_model' | 'status'>;
  /** Time to first token, GenAI `gen_ai.server.time_to_first_token`. */
  readonly timeToFirstToken: Histogram<'gen_ai_request_model'>;
  /** Cost in USD of served requests, from the catalog. */
  readonly cost: Counter<'gen_ai_request_model' | 'deployment'>;
  /** Requests part of whose prompt the provider served from its prompt cache (cache-read tokens > 0). */
  readonly promptCacheHits: Counter<'gen_ai_request_model'>;
  /** Requests refused by a gateway rate limit or budget (429), by the limit that refused. */
  readonly limitRejections: Counter<'dimension'>;
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
    overhead: new Histogram({
      name: 'converge_overhead_seconds',
      help: 'Time spent in the gateway per request: total duration minus time waiting on upstreams.',
      labelNames: ['dialect'] as const,
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25],
      registers,
    }),
    eventLoopLag: new Gauge({
      name: 'converge_event_loop_lag_seconds',
      help: 'Event-loop delay, p99 over the last sampling window.',
      registers,
    }),
    shed: new Counter({
      name: 'converge_load_shed_total',
      help: 'Requests refused with 503 overloaded instead of queued, by reason (queue_delay, event_loop_lag, inflight).',
      labelNames: ['reason'] as const,
      registers,
    }),
    requests: new Counter({
      name: 'converge_requests_total',
      help: 'Finished inference requests by dialect, outcome and stable error code.',
      labelNames: ['dialect', 'status', 'code'] as const,
      registers,
    }),
    tokenUsage: new Histogram({
      name: 'gen_ai_client_token_usage',
      help: 'Tokens per request by type (input, output, cache_read, cache_write, reasoning).',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'gen_ai_token_type'] as const,
      buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576],
      registers,
    }),
    requestDuration: new Histogram({
      name: 'gen_ai_server_request_duration_seconds',
      help: 'Request duration from arrival to the last byte.',
      labelNames: ['gen_ai_operation_name', 'gen_ai_request_model', 'status'] as const,
      buckets: [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92],
      registers,
    }),
    timeToFirstToken: new Histogram({
      name: 'gen_ai_server_time_to_first_token_seconds',
      help: 'Time from arrival to the first generated token (streams).',
      labelNames: ['gen_ai_request_model'] as const,
      buckets: [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
      registers,
    }),
    cost: new Counter({
      name: 'converge_cost_usd_total',
      help: 'Cost in USD of served requests, priced from the catalog.',
      labelNames: ['gen_ai_request_model', 'deployment'] as const,
      registers,
    }),
    promptCacheHits: new Counter({
      name: 'converge_prompt_cache_hits_total',
      help: 'Requests part of whose prompt was read from the provider prompt cache.',
      labelNames: ['gen_ai_request_model'] as const,
      registers,
    }),
    limitRejections: new Counter({
      name: 'converge_limit_rejections_total',
      help: 'Requests refused with 429 by a gateway limit, by dimension (requests, tokens, concurrency, budget-day, budget-month).',
      labelNames: ['dimension'] as const,
      registers,
    }),
  };
}

/**
 * The process-wide metrics the gateway records into by default; `GET /metrics` serves
 * `metrics.registry`.
 */
export const metrics: GatewayMetrics = createMetrics();

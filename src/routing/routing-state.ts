import { type RoutingConfig, routingConfigSchema } from '../config/schema.js';
import { type GatewayMetrics, metrics as processMetrics } from '../observability/metrics.js';
import { BreakerBoard } from './breaker-board.js';
import type { CapacityTracker } from './capacity-tracker.js';
import { LatencyTracker } from './latency-tracker.js';
import { MemoryCapacityTracker } from './memory-capacity-tracker.js';

/** Swappable parts, mostly for tests (a clock to drive breakers) and clusters (a shared tracker). */
export interface RoutingStateOptions {
  /** Epoch milliseconds. */
  clock?: () => number;
  /** Uniform in [0, 1): backoff jitter and the `weighted` strategy. */
  random?: () => number;
  /** Waits between retries; resolves early (without error) when the signal aborts. */
  sleep?: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  capacity?: CapacityTracker;
  metrics?: GatewayMetrics;
}

function sleepUnlessAborted(milliseconds: number, signal: AbortSignal): Promise<void> {
  if (milliseconds <= 0 || signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, milliseconds);
    signal.addEventListener('abort', done, { once: true });
  });
}

/**
 * The live side of routing, shared by every request: settings, circuit breakers, capacity
 * accounting, latency averages and metrics. One per gateway (held by the ModelRegistry).
 *
 * @example
 * const routing = new RoutingState(config.routing, { clock: () => fakeNow });
 */
export class RoutingState {
  readonly settings: RoutingConfig;
  readonly clock: () => number;
  readonly random: () => number;
  readonly sleep: (milliseconds: number, signal: AbortSignal) => Promise<void>;
  readonly metrics: GatewayMetrics;
  readonly breakers: BreakerBoard;
  readonly capacity: CapacityTracker;
  readonly latency: LatencyTracker;

  constructor(settings: RoutingConfig | undefined, options: RoutingStateOptions = {}) {
    this.settings = settings ?? routingConfigSchema.parse({});
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleepUnlessAborted;
    this.metrics = options.metrics ?? processMetrics;
    this.breakers = new BreakerBoard(this.settings.breaker, this.metrics, this.clock);
    this.capacity = options.capacity ?? new MemoryCapacityTracker(this.clock);
    this.latency = new LatencyTracker(this.settings.latency, this.clock);
  }
}

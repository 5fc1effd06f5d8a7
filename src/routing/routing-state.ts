import { type RoutingConfig, routingConfigSchema, type StaticKeyConfig } from '../config/schema.js';
import { type GatewayMetrics, metrics as processMetrics } from '../observability/metrics.js';
import { BreakerBoard } from './breaker-board.js';
import type { CapacityTracker } from './capacity-tracker.js';
import { LatencyTracker } from './latency-tracker.js';
import { MemoryCapacityTracker } from './memory-capacity-tracker.js';

/** Routing rights of a key declared in config (keys issued at runtime get them with storage support). */
export interface KeyRoutingPolicy {
  processing?: readonly string[];
  allowRouteOverride: boolean;
}

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
 * const routing = new RoutingState(config.routing, config.keys, { clock: () => fakeNow });
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
  private readonly keyPolicies: ReadonlyMap<string, KeyRoutingPolicy>;

  constructor(
    settings: RoutingConfig | undefined,
    keys: readonly StaticKeyConfig[] = [],
    options: RoutingStateOptions = {},
  ) {
    this.settings = settings ?? routingConfigSchema.parse({});
    this.clock = options.clock ?? Date.now;
    this.random = options.random ?? Math.random;
    this.sleep = options.sleep ?? sleepUnlessAborted;
    this.metrics = options.metrics ?? processMetrics;
    this.breakers = new BreakerBoard(this.settings.breaker, this.metrics, this.clock);
    this.capacity = options.capacity ?? new MemoryCapacityTracker(this.clock);
    this.latency = new LatencyTracker(this.settings.latency, this.clock);
    this.keyPolicies = new Map(
      keys.map((key) => [
        key.name,
        {
          ...(key.processing !== undefined && { processing: key.processing }),
          allowRouteOverride: key.allowRouteOverride,
        },
      ]),
    );
  }

  /**
   * The routing rights of a key by name. Config keys own their names in the key store (they are
   * upserted by name at start), so a live key with a config key's name is that key.
   */
  keyPolicy(keyName: string): KeyRoutingPolicy | undefined {
    return this.keyPolicies.get(keyName);
  }
}

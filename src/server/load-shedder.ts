import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Refuse new requests while the event loop's p99 delay over the last window is above this. */
  maxEventLoopLagMs: number;
  /** Refuse new requests while this many are in flight. */
  maxInflightRequests: number;
  /** How often the delay histogram is read and reset. */
  sampleIntervalMs?: number;
  /** Receives each window's p99 delay in seconds (the metrics gauge). */
  onSample?: (lagSeconds: number) => void;
}

export type ShedReason = 'event_loop_lag' | 'inflight';

/**
 * Decides, per request and in O(1), whether the gateway is past what it can serve promptly. Beyond
 * that point it answers 503 `overloaded` at once — a client (or load balancer) can retry elsewhere —
 * instead of queueing without bound and answering everyone late. The event-loop delay is sampled by
 * Node's own histogram; the hot path only reads a number.
 */
export class LoadShedder {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;

  constructor(private readonly options: LoadShedderOptions) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), options.sampleIntervalMs ?? 500);
    this.timer.unref();
  }

  /** Reads and resets the delay histogram; exposed so tests can drive it without waiting. */
  sample(): number {
    // Nanoseconds; the histogram's floor is its resolution, which is not lag.
    this.lagMs = Math.max(0, this.histogram.percentile(99) / 1e6 - 10);
    this.histogram.reset();
    this.options.onSample?.(this.lagMs / 1000);
    return this.lagMs;
  }

  shouldShed(inflight: number): ShedReason | undefined {
    if (inflight >= this.options.maxInflightRequests) return 'inflight';
    if (this.lagMs > this.options.maxEventLoopLagMs) return 'event_loop_lag';
    return undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

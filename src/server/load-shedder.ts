import {
  type EventLoopUtilization,
  type IntervalHistogram,
  monitorEventLoopDelay,
  performance,
} from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Refuse new requests while the event loop's p99 delay over the last window is above this. */
  maxEventLoopLagMs: number;
  /** Refuse new requests while this many are in flight. */
  maxInflightRequests: number;
  /**
   * Past this share of the last window spent busy (event-loop utilization, 0–1), the process is at its
   * CPU limit and further requests would only queue in socket buffers, where lag does not show: a
   * growing fraction of new requests is refused. Default 1 (off); 0.95 sheds a CPU-bound process.
   */
  maxEventLoopUtilization?: number;
  /** How often the delay histogram and the utilization are read. */
  sampleIntervalMs?: number;
  /** Receives each window's p99 delay in seconds (the metrics gauge). */
  onSample?: (lagSeconds: number) => void;
}

export type ShedReason = 'event_loop_lag' | 'inflight' | 'utilization';

/**
 * The shed fraction moves in tenths (integers, so the spreading below is exact): one more tenth per
 * saturated window, one less per calm one, never all of it — some requests keep measuring recovery.
 */
const MAX_SHED_TENTHS = 9;

/**
 * Decides, per request and in O(1), whether the gateway is past what it can serve promptly. Beyond
 * that point it answers 503 `overloaded` at once — a client (or load balancer) can retry elsewhere —
 * instead of queueing without bound and answering everyone late. Three signals: the in-flight bound,
 * event-loop delay (a stalled loop), and event-loop utilization (a loop that never idles: the CPU is
 * spent and new work waits in the kernel). Utilization sheds a fraction of requests that rises while
 * the process stays saturated and falls as it recovers, so throughput stays at capacity instead of
 * flapping between all and nothing. The hot path only reads numbers.
 */
export class LoadShedder {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;
  private utilization = 0;
  private lastUtilization: EventLoopUtilization = performance.eventLoopUtilization();
  /** Tenths of new requests refused for utilization, and a running count that spreads them evenly. */
  private shedTenths = 0;
  private busyWindows = 0;
  private shedCredit = 0;

  constructor(private readonly options: LoadShedderOptions) {
    this.histogram = monitorEventLoopDelay({ resolution: 10 });
    this.histogram.enable();
    this.timer = setInterval(() => this.sample(), options.sampleIntervalMs ?? 500);
    this.timer.unref();
  }

  /** Reads and resets the delay histogram and the utilization window; tests drive it directly. */
  sample(utilization?: number): number {
    // Nanoseconds; the histogram's floor is its resolution, which is not lag.
    this.lagMs = Math.max(0, this.histogram.percentile(99) / 1e6 - 10);
    this.histogram.reset();
    const now = performance.eventLoopUtilization();
    this.utilization = utilization ?? performance.eventLoopUtilization(now, this.lastUtilization).utilization;
    this.lastUtilization = now;
    // Two saturated windows in a row (a second of a loop that never idled) before anything is refused:
    // a single busy burst — a large body, a GC — is not overload.
    const limit = this.options.maxEventLoopUtilization ?? 1;
    const busy = limit < 1 && this.utilization >= limit;
    const saturated = busy && this.busyWindows >= 1;
    this.busyWindows = busy ? this.busyWindows + 1 : 0;
    this.shedTenths = saturated
      ? Math.min(MAX_SHED_TENTHS, this.shedTenths + 1)
      : Math.max(0, this.shedTenths - 1);
    this.options.onSample?.(this.lagMs / 1000);
    return this.lagMs;
  }

  shouldShed(inflight: number): ShedReason | undefined {
    if (inflight >= this.options.maxInflightRequests) return 'inflight';
    if (this.lagMs > this.options.maxEventLoopLagMs) return 'event_loop_lag';
    if (this.shedTenths > 0) {
      this.shedCredit += this.shedTenths;
      if (this.shedCredit >= 10) {
        this.shedCredit -= 10;
        return 'utilization';
      }
    }
    return undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }
}

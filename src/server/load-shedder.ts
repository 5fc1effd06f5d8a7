import { type IntervalHistogram, monitorEventLoopDelay } from 'node:perf_hooks';

export interface LoadShedderOptions {
  /** Refuse every new request while the event loop's p99 delay over the last window is above this. */
  maxEventLoopLagMs: number;
  /**
   * The queueing delay to keep new requests under: while the *median* event-loop delay of a window
   * is above this, a standing queue has formed and a share of new requests, proportional to how far
   * above it the delay is, is refused.
   */
  targetEventLoopDelayMs: number;
  /** Refuse new requests while this many are in flight. */
  maxInflightRequests: number;
  /**
   * Fewer requests than this in flight are never refused for queueing delay: a loop that is slow with
   * so few requests is slow for another reason (a CPU-starved host, a burst that already ended), and
   * refusing them would not shorten any queue. Default 32.
   */
  minInflightForQueueShedding?: number;
  /** How often the delay histogram is read (one controller step per window). Default 250 ms. */
  sampleIntervalMs?: number;
  /** Receives each window's p99 delay in seconds (the metrics gauge). */
  onSample?: (lagSeconds: number) => void;
}

/** One window's event-loop delay, in ms above the timer's own resolution. */
export interface DelaySample {
  median: number;
  p99: number;
}

export type ShedReason = 'event_loop_lag' | 'inflight' | 'queue_delay';

/** The histogram's timer period: its floor, which is not delay. */
const RESOLUTION_MS = 10;

/**
 * The shed share is counted in tenths (integers, so the spreading below is exact), never all of it:
 * some requests always get through and keep measuring.
 */
const MAX_SHED_TENTHS = 9;
/** The most the share moves in one window, either way. */
const MAX_STEP_TENTHS = 3;

/**
 * Decides, per request and in O(1), whether the gateway is past what it can serve promptly; beyond
 * that it answers 503 `overloaded` at once (a client or load balancer retries elsewhere) instead of
 * queueing without bound and answering everyone late.
 *
 * The queue that matters is invisible to a Node process: requests it has not read yet wait in
 * socket buffers. What it can see is its consequence. The event loop reads every ready socket once
 * per turn, so a turn lasts as long as the work that arrived during the one before: below capacity
 * turns stay short however busy the process is, and past capacity each turn is longer than the last.
 * A request spends a few turns in the gateway, so the turn length — the event-loop delay — is the
 * queueing delay every request pays. The controller acts on the window's *median* delay (a GC pause
 * or one slow synchronous call moves the p99, not the median): above the target it refuses a share of
 * new requests proportional to how far behind the loop is (a third at twice the target, nine tenths at
 * four times), moving at most three tenths per window. Refusing is far cheaper than serving, so the
 * share settles where the turns stay a little above the target and throughput stays at capacity.
 *
 * Two hard bounds back it up: the in-flight count, and a p99 delay past which everything is refused.
 */
export class LoadShedder {
  private readonly histogram: IntervalHistogram;
  private readonly timer: NodeJS.Timeout;
  private lagMs = 0;
  /** Tenths of new requests refused for queueing delay, and a running count that spreads them evenly. */
  private shedTenths = 0;
  private shedCredit = 0;
  private readonly sampleIntervalMs: number;
  private lastSampleAt = performance.now();

  constructor(private readonly options: LoadShedderOptions) {
    this.histogram = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    this.histogram.enable();
    this.sampleIntervalMs = options.sampleIntervalMs ?? 250;
    this.timer = setInterval(() => this.sample(), this.sampleIntervalMs);
    this.timer.unref();
  }

  /** Reads and resets the delay histogram, one controller step; tests pass the window's delays. */
  sample(delay?: DelaySample): number {
    const window = delay ?? this.readHistogram();
    this.lagMs = window.p99;
    // Proportional, not integrating: the share follows how far behind the loop is now (a third at
    // twice the target, the cap at four times), moving at most three tenths per window. Work admitted
    // earlier keeps the loop busy for a while after the share rises (a slow upstream answers 1.5 s
    // later), and an integrating controller would keep ramping through that delay and overshoot.
    const target = this.options.targetEventLoopDelayMs;
    const wanted = Math.min(
      MAX_SHED_TENTHS,
      Math.max(0, Math.round((10 * (window.median - target)) / (3 * target))),
    );
    this.shedTenths += Math.max(-MAX_STEP_TENTHS, Math.min(MAX_STEP_TENTHS, wanted - this.shedTenths));
    this.options.onSample?.(this.lagMs / 1000);
    return this.lagMs;
  }

  /** The share of new requests refused for queueing delay right now, 0–0.9. */
  get shedShare(): number {
    return this.shedTenths / 10;
  }

  shouldShed(inflight: number): ShedReason | undefined {
    if (inflight >= this.options.maxInflightRequests) return 'inflight';
    if (this.lagMs > this.options.maxEventLoopLagMs) return 'event_loop_lag';
    if (this.shedTenths > 0 && inflight >= (this.options.minInflightForQueueShedding ?? 32)) {
      this.shedCredit += this.shedTenths;
      if (this.shedCredit >= 10) {
        this.shedCredit -= 10;
        return 'queue_delay';
      }
    }
    return undefined;
  }

  close(): void {
    clearInterval(this.timer);
    this.histogram.disable();
  }

  private readHistogram(): DelaySample {
    const now = performance.now();
    // How late this sampling tick itself is: the delay when one turn outlasted the whole window and
    // the histogram's timer never got to record it.
    const ownDelay = Math.max(0, now - this.lastSampleAt - this.sampleIntervalMs);
    this.lastSampleAt = now;
    if (this.histogram.count === 0) return { median: ownDelay, p99: ownDelay };
    // Nanoseconds, above the timer's own period.
    const above = (percentile: number) =>
      Math.max(0, this.histogram.percentile(percentile) / 1e6 - RESOLUTION_MS);
    const window = { median: above(50), p99: Math.max(above(99), ownDelay) };
    this.histogram.reset();
    return window;
  }
}

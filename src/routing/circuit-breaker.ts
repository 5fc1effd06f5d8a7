export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerSettings {
  consecutiveFailures: number;
  failureRate: number;
  minimumCalls: number;
  windowMs: number;
  openMs: number;
  halfOpenProbes: number;
}

export interface BreakerTransition {
  from: BreakerState;
  to: BreakerState;
  reason: string;
}

/** What `tryAcquire` granted: a normal call, a half-open probe, or nothing. */
export type BreakerPermit = 'call' | 'probe';

const BUCKETS = 10;

/**
 * One deployment's circuit breaker. Closed: calls flow and failures are counted, in a row and as a
 * rate over a rolling window (ten buckets). Open: calls are refused until `openMs` passed. Half-open:
 * up to `halfOpenProbes` calls at a time test the deployment; a success closes the breaker, a
 * failure opens it again. Time comes from the caller, so tests drive it without sleeping.
 *
 * @example
 * const breaker = new CircuitBreaker(settings);
 * const permit = breaker.tryAcquire(Date.now());
 * if (permit !== undefined) breaker.recordFailure(permit, Date.now());
 */
export class CircuitBreaker {
  private current: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt = 0;
  private probesInFlight = 0;
  private readonly calls = new Float64Array(BUCKETS);
  private readonly failures = new Float64Array(BUCKETS);
  private bucketStart = 0;
  private bucketIndex = 0;

  constructor(
    private readonly settings: BreakerSettings,
    /** Told about every state change (for logs, metrics). */
    private readonly onTransition: (transition: BreakerTransition) => void = () => {},
  ) {}

  get state(): BreakerState {
    return this.current;
  }

  /** When an open breaker lets probes through (epoch ms); 0 when not open. */
  get reopensAt(): number {
    return this.current === 'open' ? this.openedAt + this.settings.openMs : 0;
  }

  /** Returns a permit to call, or undefined when the breaker refuses. May move open → half-open. */
  tryAcquire(now: number): BreakerPermit | undefined {
    if (this.current === 'closed') return 'call';
    if (this.current === 'open') {
      if (now < this.openedAt + this.settings.openMs) return undefined;
      this.moveTo('half-open', 'open period elapsed');
    }
    if (this.probesInFlight >= this.settings.halfOpenProbes) return undefined;
    this.probesInFlight += 1;
    return 'probe';
  }

  /** True when a call would be let through now, without taking a probe slot. */
  isAvailable(now: number): boolean {
    if (this.current === 'closed') return true;
    if (this.current === 'open') return now >= this.openedAt + this.settings.openMs;
    return this.probesInFlight < this.settings.halfOpenProbes;
  }

  recordSuccess(permit: BreakerPermit, now: number): void {
    if (permit === 'probe') this.probesInFlight = Math.max(0, this.probesInFlight - 1);
    this.consecutive = 0;
    if (this.current === 'half-open') {
      this.resetWindow(now);
      this.moveTo('closed', 'probe succeeded');
      return;
    }
    this.count(now, false);
  }

  recordFailure(permit: BreakerPermit, now: number): void {
    if (permit === 'probe') this.probesInFlight = Math.max(0, this.probesInFlight - 1);
    if (this.current === 'half-open') {
      this.open(now, 'probe failed');
      return;
    }
    if (this.current === 'open') return;
    this.consecutive += 1;
    const { calls, failures } = this.count(now, true);
    if (this.consecutive >= this.settings.consecutiveFailures) {
      this.open(now, `${this.consecutive} consecutive failures`);
    } else if (calls >= this.settings.minimumCalls && failures / calls >= this.settings.failureRate) {
      this.open(now, `${failures} of ${calls} calls failed`);
    }
  }

  /** The call ended without saying anything about health (429, client gone): frees a probe slot. */
  recordNeutral(permit: BreakerPermit): void {
    if (permit === 'probe') this.probesInFlight = Math.max(0, this.probesInFlight - 1);
  }

  private open(now: number, reason: string): void {
    this.openedAt = now;
    this.consecutive = 0;
    this.resetWindow(now);
    this.moveTo('open', reason);
  }

  private moveTo(to: BreakerState, reason: string): void {
    const from = this.current;
    this.current = to;
    this.onTransition({ from, to, reason });
  }

  private resetWindow(now: number): void {
    this.calls.fill(0);
    this.failures.fill(0);
    this.bucketStart = now;
    this.bucketIndex = 0;
  }

  /** Adds one call to the rolling window and returns the window's totals. */
  private count(now: number, failed: boolean): { calls: number; failures: number } {
    const width = this.settings.windowMs / BUCKETS;
    const steps = Math.min(BUCKETS, Math.floor((now - this.bucketStart) / width));
    for (let step = 1; step <= steps; step++) {
      const index = (this.bucketIndex + step) % BUCKETS;
      this.calls[index] = 0;
      this.failures[index] = 0;
    }
    if (steps > 0) {
      this.bucketIndex = (this.bucketIndex + steps) % BUCKETS;
      this.bucketStart += Math.floor((now - this.bucketStart) / width) * width;
    }
    this.calls[this.bucketIndex] = (this.calls[this.bucketIndex] ?? 0) + 1;
    if (failed) this.failures[this.bucketIndex] = (this.failures[this.bucketIndex] ?? 0) + 1;
    let calls = 0;
    let failures = 0;
    for (let index = 0; index < BUCKETS; index++) {
      calls += this.calls[index] ?? 0;
      failures += this.failures[index] ?? 0;
    }
    return { calls, failures };
  }
}

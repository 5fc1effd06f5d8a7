import type {
  CapacityAdmission,
  CapacityLimits,
  CapacityReservation,
  CapacityTracker,
  CapacityUsage,
} from './capacity-tracker.js';

const WINDOW_SECONDS = 60;

/** A sliding minute in one-second buckets: O(1) per request, constant memory per deployment. */
class MinuteWindow {
  private readonly requests = new Float64Array(WINDOW_SECONDS);
  private readonly tokens = new Float64Array(WINDOW_SECONDS);
  requestTotal = 0;
  tokenTotal = 0;
  currentSecond = 0;

  advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const steps = Math.min(second - this.currentSecond, WINDOW_SECONDS);
    for (let step = 1; step <= steps; step++) {
      const slot = (this.currentSecond + step) % WINDOW_SECONDS;
      this.requestTotal -= this.requests[slot] ?? 0;
      this.tokenTotal -= this.tokens[slot] ?? 0;
      this.requests[slot] = 0;
      this.tokens[slot] = 0;
    }
    if (second > this.currentSecond) this.currentSecond = second;
  }

  /** Adds to the bucket of `second` if it is still inside the window (a late settle may not be). */
  add(second: number, requests: number, tokens: number): void {
    if (this.currentSecond - second >= WINDOW_SECONDS || second > this.currentSecond) return;
    const slot = second % WINDOW_SECONDS;
    const tokenDelta = Math.max(tokens, -(this.tokens[slot] ?? 0));
    const requestDelta = Math.max(requests, -(this.requests[slot] ?? 0));
    this.tokens[slot] = (this.tokens[slot] ?? 0) + tokenDelta;
    this.requests[slot] = (this.requests[slot] ?? 0) + requestDelta;
    this.tokenTotal += tokenDelta;
    this.requestTotal += requestDelta;
  }

  /** Milliseconds until at least `amount` of a counter has left the window. */
  msUntilFreed(kind: 'requests' | 'tokens', amount: number, nowMs: number): number {
    const buckets = kind === 'requests' ? this.requests : this.tokens;
    let freed = 0;
    for (let age = WINDOW_SECONDS - 1; age >= 0; age--) {
      const second = this.currentSecond - age;
      freed += buckets[((second % WINDOW_SECONDS) + WINDOW_SECONDS) % WINDOW_SECONDS] ?? 0;
      if (freed >= amount) return Math.max(1, (second + WINDOW_SECONDS) * 1000 - nowMs);
    }
    return WINDOW_SECONDS * 1000;
  }
}

/**
 * Per-deployment RPM/TPM accounting in this process (single node). A reservation counts the
 * estimate at admission; `settle` swaps in the real usage in the same one-second bucket, `release`
 * removes it. Time comes from `clock` so tests need no sleeping.
 *
 * @example
 * const tracker = new MemoryCapacityTracker();
 * const admission = await tracker.reserve('ptu', { tpm: 10_000 }, 900);
 */
export class MemoryCapacityTracker implements CapacityTracker {
  private readonly windows = new Map<string, MinuteWindow>();

  constructor(private readonly clock: () => number = Date.now) {}

  async reserve(deployment: string, limits: CapacityLimits, tokens: number): Promise<CapacityAdmission> {
    return this.reserveNow(deployment, limits, tokens);
  }

  /** The synchronous core of `reserve`. */
  reserveNow(deployment: string, limits: CapacityLimits, tokens: number): CapacityAdmission {
    const now = this.clock();
    const window = this.windowOf(deployment, now);
    const rpm = limits.rpm ?? Number.POSITIVE_INFINITY;
    const tpm = limits.tpm ?? Number.POSITIVE_INFINITY;
    if (window.requestTotal + 1 > rpm) {
      const retryAfterMs = window.msUntilFreed('requests', window.requestTotal + 1 - rpm, now);
      return { admitted: false, exceeded: 'requests', retryAfterMs };
    }
    if (window.tokenTotal + tokens > tpm) {
      const needed = tokens > tpm ? window.tokenTotal : window.tokenTotal + tokens - tpm;
      return {
        admitted: false,
        exceeded: 'tokens',
        retryAfterMs: window.msUntilFreed('tokens', needed, now),
      };
    }
    const second = window.currentSecond;
    window.add(second, 1, tokens);
    return { admitted: true, reservation: this.reservation(deployment, second, tokens) };
  }

  async usage(deployment: string): Promise<CapacityUsage> {
    const window = this.windowOf(deployment, this.clock());
    return { requests: window.requestTotal, tokens: window.tokenTotal };
  }

  private reservation(deployment: string, second: number, tokens: number): CapacityReservation {
    let open = true;
    const adjust = (requests: number, delta: number) => {
      if (!open) return;
      open = false;
      this.windowOf(deployment, this.clock()).add(second, requests, delta);
    };
    return {
      settle: (actualTokens) => adjust(0, actualTokens - tokens),
      release: () => adjust(-1, -tokens),
    };
  }

  private windowOf(deployment: string, now: number): MinuteWindow {
    let window = this.windows.get(deployment);
    if (window === undefined) {
      window = new MinuteWindow();
      window.currentSecond = Math.floor(now / 1000);
      this.windows.set(deployment, window);
    }
    window.advance(now);
    return window;
  }
}

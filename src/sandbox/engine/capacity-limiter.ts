/** Requests and tokens per minute; an absent limit is unlimited. */
export interface CapacityLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

export interface CapacityDecision {
  allowed: boolean;
  /** Which limit refused the request. */
  exceeded: 'requests' | 'tokens' | undefined;
  /** The request alone is larger than the token limit: no wait will help. */
  tooLarge: boolean;
  /** What this request costs in tokens. */
  tokenCost: number;
  /** Use in the current window before this request. */
  usedRequests: number;
  usedTokens: number;
  /** What is left after this request (or now, when refused). Infinity when unlimited. */
  remainingRequests: number;
  remainingTokens: number;
  /** When enough of the window expires for this request to fit. */
  retryAfterMs: number;
}

const WINDOW_SECONDS = 60;

/** A sliding one-minute window in one-second buckets: O(1) per request, constant memory per key. */
class SlidingWindow {
  private readonly requests = new Float64Array(WINDOW_SECONDS);
  private readonly tokens = new Float64Array(WINDOW_SECONDS);
  private totalRequests = 0;
  private totalTokens = 0;
  private currentSecond = 0;

  advance(nowMs: number): void {
    const second = Math.floor(nowMs / 1000);
    const steps = Math.min(second - this.currentSecond, WINDOW_SECONDS);
    for (let step = 1; step <= steps; step++) {
      const slot = (this.currentSecond + step) % WINDOW_SECONDS;
      this.totalRequests -= this.requests[slot] ?? 0;
      this.totalTokens -= this.tokens[slot] ?? 0;
      this.requests[slot] = 0;
      this.tokens[slot] = 0;
    }
    if (second > this.currentSecond) this.currentSecond = second;
  }

  get usedRequests(): number {
    return this.totalRequests;
  }

  get usedTokens(): number {
    return this.totalTokens;
  }

  record(tokens: number): void {
    const slot = this.currentSecond % WINDOW_SECONDS;
    this.requests[slot] = (this.requests[slot] ?? 0) + 1;
    this.tokens[slot] = (this.tokens[slot] ?? 0) + tokens;
    this.totalRequests += 1;
    this.totalTokens += tokens;
  }

  /** Milliseconds until at least `amount` of the chosen counter has left the window. */
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
 * Per-key (deployment or model) RPM/TPM admission with the numbers both providers put in their 429s
 * and rate-limit headers. Refused requests are not counted, as with the real services.
 * @example limiter.admit('azure:gpt-4o', { tpm: 1000 }, 1200, Date.now()).allowed // false
 */
export class CapacityLimiter {
  private readonly windows = new Map<string, SlidingWindow>();

  admit(key: string, limits: CapacityLimits, tokenCost: number, nowMs: number): CapacityDecision {
    let window = this.windows.get(key);
    if (!window) {
      window = new SlidingWindow();
      this.windows.set(key, window);
    }
    window.advance(nowMs);
    const usedRequests = window.usedRequests;
    const usedTokens = window.usedTokens;
    const rpm = limits.rpm ?? Number.POSITIVE_INFINITY;
    const tpm = limits.tpm ?? Number.POSITIVE_INFINITY;
    const tooLarge = tokenCost > tpm;
    const exceeded =
      usedRequests + 1 > rpm ? 'requests' : tooLarge || usedTokens + tokenCost > tpm ? 'tokens' : undefined;
    if (exceeded) {
      const retryAfterMs =
        exceeded === 'requests'
          ? window.msUntilFreed('requests', usedRequests + 1 - rpm, nowMs)
          : window.msUntilFreed('tokens', tooLarge ? usedTokens : usedTokens + tokenCost - tpm, nowMs);
      const remainingRequests = Math.max(0, rpm - usedRequests);
      const remainingTokens = Math.max(0, tpm - usedTokens);
      return {
        allowed: false,
        tokenCost,
        exceeded,
        tooLarge,
        usedRequests,
        usedTokens,
        remainingRequests,
        remainingTokens,
        retryAfterMs,
      };
    }
    window.record(tokenCost);
    return {
      allowed: true,
      tokenCost,
      exceeded: undefined,
      tooLarge: false,
      usedRequests,
      usedTokens,
      remainingRequests: rpm - usedRequests - 1,
      remainingTokens: tpm - usedTokens - tokenCost,
      retryAfterMs: 0,
    };
  }
}

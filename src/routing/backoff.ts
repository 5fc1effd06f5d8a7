export interface BackoffSettings {
  baseDelayMs: number;
  maxDelayMs: number;
  /** A retry-after hint longer than this is not waited for. */
  maxRetryAfterMs: number;
}

/**
 * Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And
 * Jitter"): a uniform draw in [0, min(max, base × 2^retry)). Full jitter spreads retries of many
 * clients that failed together, which is what overloads an upstream a second time.
 *
 * @param retry 1 for the first retry of a target, 2 for the second …
 * @example
 * backoffDelayMs(3, { baseDelayMs: 100, maxDelayMs: 2_000, maxRetryAfterMs: 1_000 }, () => 0.5) // 400
 */
export function backoffDelayMs(retry: number, settings: BackoffSettings, random: () => number): number {
  const ceiling = Math.min(settings.maxDelayMs, settings.baseDelayMs * 2 ** Math.max(0, retry));
  return Math.floor(random() * ceiling);
}

/**
 * How long to wait before retrying a target, honouring the provider's retry hint: the hint when it
 * is longer than the backoff draw, `undefined` when the hint is longer than the bound (the caller
 * moves on to another candidate instead of sleeping).
 *
 * @example
 * retryDelayMs(1, 250, settings, Math.random) // ≥ 250
 * retryDelayMs(1, 60_000, settings, Math.random) // undefined: too long, try elsewhere
 */
export function retryDelayMs(
  retry: number,
  retryAfterMs: number | undefined,
  settings: BackoffSettings,
  random: () => number,
): number | undefined {
  if (retryAfterMs !== undefined && retryAfterMs > settings.maxRetryAfterMs) return undefined;
  return Math.max(retryAfterMs ?? 0, backoffDelayMs(retry, settings, random));
}

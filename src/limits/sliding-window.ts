/**
 * Per-minute limits with a sliding window estimated from two fixed windows (the algorithm Cloudflare
 * and Figma describe): minutes are aligned to the epoch, each keeps one counter, and a request is
 * measured against
 *
 *     previous × (1 − elapsed fraction of the current minute) + current
 *
 * Two guarantees follow. Each aligned minute admits at most `limit` (the current counter alone must
 * fit), and a burst at the end of one minute still weighs on the start of the next, so the rate does
 * not double across a boundary the way a plain fixed window allows. Memory is two integers per scope
 * and dimension, whatever the rate; the Redis scripts apply exactly this formula.
 */

export const WINDOW_MS = 60_000;

export interface WindowPosition {
  /** `floor(now / WINDOW_MS)`: the aligned minute. */
  index: number;
  /** Milliseconds since the minute began. */
  elapsedMs: number;
  /** `elapsedMs / WINDOW_MS`, in [0, 1). */
  elapsedFraction: number;
}

export interface WindowCounts {
  current: number;
  previous: number;
}

/** @example windowPosition(90_000) // { index: 1, elapsedMs: 30_000, elapsedFraction: 0.5 } */
export function windowPosition(now: number): WindowPosition {
  const elapsedMs = now % WINDOW_MS;
  return { index: Math.floor(now / WINDOW_MS), elapsedMs, elapsedFraction: elapsedMs / WINDOW_MS };
}

/**
 * The sliding estimate of what was used in the last minute.
 *
 * @example weightedCount({ current: 3, previous: 10 }, 0.25) // 10.5
 */
export function weightedCount(counts: WindowCounts, elapsedFraction: number): number {
  return counts.previous * (1 - elapsedFraction) + counts.current;
}

/**
 * True when `cost` more fits under `limit` right now.
 *
 * @example fitsWindow({ current: 3, previous: 10 }, 0.5, 1, 10) // true (5 + 3 + 1 ≤ 10)
 */
export function fitsWindow(
  counts: WindowCounts,
  elapsedFraction: number,
  cost: number,
  limit: number,
): boolean {
  return weightedCount(counts, elapsedFraction) + cost <= limit;
}

/**
 * What is left under `limit`, rounded down, never negative.
 *
 * @example remainingInWindow({ current: 3, previous: 10 }, 0.25, 12) // 1
 */
export function remainingInWindow(counts: WindowCounts, elapsedFraction: number, limit: number): number {
  return Math.max(0, Math.floor(limit - weightedCount(counts, elapsedFraction)));
}

/**
 * Milliseconds until `cost` would fit, assuming no other traffic meanwhile; Infinity when `cost`
 * alone exceeds `limit`. Inside the current minute only the previous minute's weight decays; if the
 * current counter alone is too full, the wait runs into the next minute, where today's counter
 * becomes the decaying one.
 *
 * @example
 * // 10 used in the previous minute, none yet in this one, limit 10: at 6 s, 10 × 0.9 + 1 ≤ 10.
 * msUntilFits({ current: 0, previous: 10 }, 0, 1, 10) // 6_000
 */
export function msUntilFits(counts: WindowCounts, elapsedMs: number, cost: number, limit: number): number {
  if (cost > limit) return Number.POSITIVE_INFINITY;
  const headroom = limit - counts.current - cost;
  if (headroom >= 0) {
    if (counts.previous <= headroom) return 0;
    const fitsAt = WINDOW_MS * (1 - headroom / counts.previous);
    return Math.max(0, ceilMs(fitsAt - elapsedMs));
  }
  const untilNextWindow = WINDOW_MS - elapsedMs;
  const fitsAt = WINDOW_MS * (1 - (limit - cost) / counts.current);
  return untilNextWindow + Math.max(0, ceilMs(fitsAt));
}

/** Rounds up to whole milliseconds, ignoring floating-point dust (20000.000000000004 → 20000). */
function ceilMs(value: number): number {
  return Math.ceil(value - 1e-6);
}

/**
 * Milliseconds until the window is back to its initial state (nothing counted in either minute).
 *
 * @example msUntilEmpty({ current: 1, previous: 0 }, 1_000) // 119_000
 */
export function msUntilEmpty(counts: WindowCounts, elapsedMs: number): number {
  if (counts.current > 0) return 2 * WINDOW_MS - elapsedMs;
  if (counts.previous > 0) return WINDOW_MS - elapsedMs;
  return 0;
}

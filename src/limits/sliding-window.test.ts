import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MemoryLimitStore } from './memory/memory-limit-store.js';
import {
  fitsWindow,
  msUntilEmpty,
  msUntilFits,
  remainingInWindow,
  WINDOW_MS,
  weightedCount,
  windowPosition,
} from './sliding-window.js';

describe('the two-window sliding estimate', () => {
  it('places a time in its aligned minute', () => {
    expect(windowPosition(90_000)).toEqual({ index: 1, elapsedMs: 30_000, elapsedFraction: 0.5 });
    expect(windowPosition(120_000)).toEqual({ index: 2, elapsedMs: 0, elapsedFraction: 0 });
  });

  it('weighs the previous minute by what is left of it in the window', () => {
    expect(weightedCount({ current: 3, previous: 10 }, 0.25)).toBe(10.5);
    expect(fitsWindow({ current: 3, previous: 10 }, 0.25, 1, 11)).toBe(false);
    expect(fitsWindow({ current: 3, previous: 10 }, 0.5, 1, 10)).toBe(true);
    expect(remainingInWindow({ current: 3, previous: 10 }, 0.25, 12)).toBe(1);
    expect(remainingInWindow({ current: 30, previous: 0 }, 0, 12)).toBe(0);
  });

  it('says how long until a cost fits, inside this minute or into the next', () => {
    expect(msUntilFits({ current: 0, previous: 10 }, 0, 1, 10)).toBe(6_000);
    expect(msUntilFits({ current: 3, previous: 0 }, 1_000, 1, 3)).toBe(79_000);
    expect(msUntilFits({ current: 2, previous: 0 }, 1_000, 1, 3)).toBe(0);
    expect(msUntilFits({ current: 0, previous: 0 }, 0, 5, 3)).toBe(Number.POSITIVE_INFINITY);
  });

  it('says how long until nothing is counted any more', () => {
    expect(msUntilEmpty({ current: 1, previous: 0 }, 1_000)).toBe(119_000);
    expect(msUntilEmpty({ current: 0, previous: 4 }, 1_000)).toBe(59_000);
    expect(msUntilEmpty({ current: 0, previous: 0 }, 1_000)).toBe(0);
  });

  it('admits the cost exactly when msUntilFits says, not a millisecond before', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: 60 }),
        fc.integer({ min: 0, max: WINDOW_MS - 1 }),
        fc.integer({ min: 1, max: 5 }),
        (limit, current, previous, elapsedMs, cost) => {
          fc.pre(cost <= limit);
          const wait = msUntilFits({ current, previous }, elapsedMs, cost, limit);
          // Replay the windows at the moment the wait ends, assuming no other traffic.
          const at = (offset: number) => {
            const elapsed = elapsedMs + offset;
            if (elapsed < WINDOW_MS) return { counts: { current, previous }, fraction: elapsed / WINDOW_MS };
            if (elapsed < 2 * WINDOW_MS) {
              return {
                counts: { current: 0, previous: current },
                fraction: (elapsed - WINDOW_MS) / WINDOW_MS,
              };
            }
            return { counts: { current: 0, previous: 0 }, fraction: 0 };
          };
          const then = at(wait);
          expect(fitsWindow(then.counts, then.fraction, cost, limit + 1e-9)).toBe(true);
          if (wait > 0) {
            const before = at(wait - 1);
            expect(fitsWindow(before.counts, before.fraction, cost, limit)).toBe(false);
          }
        },
      ),
    );
  });

  it('never admits more than the limit in an aligned minute, whatever the arrival times', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 20 }),
        fc.array(fc.integer({ min: 0, max: 5 * WINDOW_MS }), { minLength: 1, maxLength: 200 }),
        async (rpm, offsets) => {
          const store = new MemoryLimitStore();
          const admittedPerMinute = new Map<number, number>();
          for (const offset of [...offsets].sort((a, b) => a - b)) {
            const decision = await store.acquire({
              reservationId: String(offset),
              scopes: [{ id: 'key:k', limits: { rpm } }],
              tokens: 0,
              costMicros: 0,
              now: offset,
            });
            const minute = Math.floor(offset / WINDOW_MS);
            if (decision.allowed) admittedPerMinute.set(minute, (admittedPerMinute.get(minute) ?? 0) + 1);
          }
          for (const admitted of admittedPerMinute.values()) expect(admitted).toBeLessThanOrEqual(rpm);
        },
      ),
    );
  });
});

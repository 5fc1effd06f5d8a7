import { describe, expect, it } from 'vitest';
import { MemoryCapacityTracker } from './memory-capacity-tracker.js';

function trackerAt(start = 1_000_000) {
  const clock = { now: start };
  return { tracker: new MemoryCapacityTracker(() => clock.now), clock };
}

describe('MemoryCapacityTracker', () => {
  it('admits until the next request would not fit, and never counts a refusal', async () => {
    const { tracker } = trackerAt();
    const limits = { tpm: 1_000 };
    for (let index = 0; index < 4; index++) {
      expect((await tracker.reserve('ptu', limits, 250)).admitted).toBe(true);
    }
    const refused = await tracker.reserve('ptu', limits, 1);
    expect(refused).toMatchObject({ admitted: false, exceeded: 'tokens' });
    expect(await tracker.usage('ptu')).toEqual({ requests: 4, tokens: 1_000 });
  });

  it('settle replaces the estimate with the real usage, release gives it all back', async () => {
    const { tracker } = trackerAt();
    const first = await tracker.reserve('ptu', { tpm: 1_000 }, 600);
    const second = await tracker.reserve('ptu', { tpm: 1_000 }, 400);
    if (!first.admitted || !second.admitted) throw new Error('not admitted');
    first.reservation.settle(150);
    second.reservation.release();
    expect(await tracker.usage('ptu')).toEqual({ requests: 1, tokens: 150 });
    // Settling twice (or after a release) changes nothing.
    first.reservation.settle(999);
    second.reservation.release();
    expect(await tracker.usage('ptu')).toEqual({ requests: 1, tokens: 150 });
  });

  it('counts requests against rpm', async () => {
    const { tracker } = trackerAt();
    expect((await tracker.reserve('d', { rpm: 2 }, 10)).admitted).toBe(true);
    expect((await tracker.reserve('d', { rpm: 2 }, 10)).admitted).toBe(true);
    expect(await tracker.reserve('d', { rpm: 2 }, 10)).toMatchObject({
      admitted: false,
      exceeded: 'requests',
    });
  });

  it('is a sliding minute: usage leaves one second at a time, and says when it will fit', async () => {
    const { tracker, clock } = trackerAt(1_000_000);
    await tracker.reserve('ptu', { tpm: 1_000 }, 600);
    clock.now += 30_000;
    await tracker.reserve('ptu', { tpm: 1_000 }, 400);
    const refused = await tracker.reserve('ptu', { tpm: 1_000 }, 500);
    expect(refused).toEqual({ admitted: false, exceeded: 'tokens', retryAfterMs: 30_000 });
    clock.now += 30_000;
    expect((await tracker.reserve('ptu', { tpm: 1_000 }, 500)).admitted).toBe(true);
    expect(await tracker.usage('ptu')).toEqual({ requests: 2, tokens: 900 });
  });

  it('a settle that arrives after its second left the window changes nothing', async () => {
    const { tracker, clock } = trackerAt();
    const admission = await tracker.reserve('ptu', { tpm: 1_000 }, 600);
    if (!admission.admitted) throw new Error('not admitted');
    clock.now += 61_000;
    admission.reservation.settle(10);
    expect(await tracker.usage('ptu')).toEqual({ requests: 0, tokens: 0 });
  });

  it('keeps deployments apart', async () => {
    const { tracker } = trackerAt();
    await tracker.reserve('a', { tpm: 100 }, 100);
    expect((await tracker.reserve('b', { tpm: 100 }, 100)).admitted).toBe(true);
  });
});

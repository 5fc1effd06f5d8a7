import { afterEach, describe, expect, it, vi } from 'vitest';
import { type BatchingUsageRecorderOptions, createBatchingUsageRecorder } from './batching-usage-recorder.js';
import { MemoryUsageStore } from './memory/memory-usage-store.js';
import type { UsageRow } from './types.js';
import { makeUsageRow } from './usage-store.conformance.js';

/** A memory store that records each batch, can fail on demand, and can hold a write open. */
class TestUsageStore extends MemoryUsageStore {
  readonly batchSizes: number[] = [];
  failuresLeft = 0;
  alwaysFail = false;
  inFlight = 0;
  maxInFlight = 0;
  private gate: Promise<void> | undefined;
  private openGate: (() => void) | undefined;

  hold(): void {
    this.gate = new Promise((resolve) => {
      this.openGate = resolve;
    });
  }

  release(): void {
    this.openGate?.();
    this.gate = undefined;
  }

  override async insertMany(rows: readonly UsageRow[]): Promise<void> {
    this.batchSizes.push(rows.length);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      await this.gate;
      if (this.alwaysFail || this.failuresLeft > 0) {
        this.failuresLeft--;
        throw new Error('disk I/O error');
      }
      await super.insertMany(rows);
    } finally {
      this.inFlight--;
    }
  }
}

function setup(options: Partial<BatchingUsageRecorderOptions> = {}) {
  const store = new TestUsageStore();
  const log = { error: vi.fn(), info: vi.fn() };
  const recorder = createBatchingUsageRecorder(store, {
    flushIntervalMs: 3_600_000,
    maxBatchSize: 100,
    closeRetryDelayMs: 0,
    log,
    ...options,
  });
  const rows = (count: number) => Array.from({ length: count }, () => makeUsageRow());
  const storedIds = async () => (await store.query()).map((row) => row.requestId).sort();
  const idsOf = (list: UsageRow[]) => list.map((row) => row.requestId).sort();
  return { store, log, recorder, rows, storedIds, idsOf };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('createBatchingUsageRecorder', () => {
  it('only buffers on record(); flush() writes the buffer in one batch', async () => {
    const { store, recorder, rows, storedIds, idsOf } = setup();
    const recorded = rows(5);
    for (const row of recorded) recorder.record(row);
    expect(store.batchSizes).toEqual([]);
    await recorder.flush();
    expect(store.batchSizes).toEqual([5]);
    expect(await storedIds()).toEqual(idsOf(recorded));
  });

  it('resolves flush() at once, without a write, when nothing is buffered', async () => {
    const { store, recorder } = setup();
    await recorder.flush();
    expect(store.batchSizes).toEqual([]);
  });

  it('starts a write as soon as a batch is full and never writes more than maxBatchSize rows', async () => {
    const { store, recorder, rows, storedIds, idsOf } = setup({ maxBatchSize: 3 });
    const recorded = rows(7);
    recorder.record(recorded[0]!);
    recorder.record(recorded[1]!);
    expect(store.batchSizes).toEqual([]);
    recorder.record(recorded[2]!);
    expect(store.batchSizes).toEqual([3]);
    for (const row of recorded.slice(3)) recorder.record(row);
    await recorder.flush();
    expect(store.batchSizes).toEqual([3, 3, 1]);
    expect(await storedIds()).toEqual(idsOf(recorded));
  });

  it('writes on the timer', async () => {
    vi.useFakeTimers();
    const { store, recorder, rows } = setup({ flushIntervalMs: 1000 });
    for (const row of rows(2)) recorder.record(row);
    await vi.advanceTimersByTimeAsync(999);
    expect(store.batchSizes).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(store.batchSizes).toEqual([2]);
    expect(await store.count()).toBe(2);
    await recorder.close();
  });

  it('keeps one write in flight; flush() waits for rows recorded before it, not after', async () => {
    const { store, recorder, rows } = setup({ maxBatchSize: 3 });
    store.hold();
    for (const row of rows(4)) recorder.record(row);
    let flushed = false;
    const flush = recorder.flush().then(() => {
      flushed = true;
    });
    for (let turn = 0; turn < 10; turn++) await Promise.resolve();
    expect(flushed).toBe(false);
    expect(store.batchSizes).toEqual([3]);
    store.release();
    await flush;
    expect(store.maxInFlight).toBe(1);
    expect(store.batchSizes).toEqual([3, 1]);
    expect(await store.count()).toBe(4);
  });

  it('keeps rows when the store fails and writes every row exactly once after it recovers', async () => {
    const { store, log, recorder, rows, storedIds, idsOf } = setup({ maxBatchSize: 4 });
    store.failuresLeft = 2;
    const first = rows(3);
    for (const row of first) recorder.record(row);
    await expect(recorder.flush()).rejects.toThrow('disk I/O error');
    expect(log.error).toHaveBeenCalledWith(
      expect.objectContaining({ bufferedRows: 3, attempt: 1 }),
      expect.stringContaining('keeping them'),
    );
    // While the store fails, a full batch waits for the timer or flush() instead of hammering it.
    const second = rows(3);
    for (const row of second) recorder.record(row);
    expect(store.batchSizes).toEqual([3]);
    await expect(recorder.flush()).rejects.toThrow('disk I/O error');
    await recorder.flush();
    expect(store.batchSizes).toEqual([3, 4, 4, 2]);
    expect(await storedIds()).toEqual(idsOf([...first, ...second]));
    expect(log.info).toHaveBeenCalledWith({ failedAttempts: 2 }, expect.any(String));
  });

  it('retries a failed batch on the next tick', async () => {
    vi.useFakeTimers();
    const { store, log, recorder, rows } = setup({ flushIntervalMs: 1000 });
    store.failuresLeft = 1;
    for (const row of rows(2)) recorder.record(row);
    await vi.advanceTimersByTimeAsync(1000);
    expect(log.error).toHaveBeenCalledTimes(1);
    expect(await store.count()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(await store.count()).toBe(2);
    expect(store.batchSizes).toEqual([2, 2]);
    await recorder.close();
  });

  it('holds at most maxBufferedRows, dropping the oldest and logging how many', async () => {
    const { store, log, recorder, rows, storedIds, idsOf } = setup({ maxBatchSize: 5, maxBufferedRows: 5 });
    store.alwaysFail = true;
    const recorded = rows(10);
    recorder.record(recorded[0]!);
    await expect(recorder.flush()).rejects.toThrow();
    for (const row of recorded.slice(1)) recorder.record(row);
    store.alwaysFail = false;
    await recorder.flush();
    expect(await storedIds()).toEqual(idsOf(recorded.slice(5)));
    expect(log.error).toHaveBeenCalledWith(
      { dropped: 5, maxBufferedRows: 5 },
      expect.stringContaining('dropped'),
    );
  });

  it('refuses a row with a non-finite number, loudly, without blocking the others', async () => {
    const { store, log, recorder } = setup();
    const bad = makeUsageRow({ outputTokens: Number.NaN });
    recorder.record(bad);
    recorder.record(makeUsageRow({ ttftMs: Number.POSITIVE_INFINITY }));
    recorder.record(makeUsageRow());
    await recorder.flush();
    expect(await store.count()).toBe(1);
    expect(log.error).toHaveBeenCalledWith({ field: 'outputTokens', row: bad }, expect.any(String));
    expect(log.error).toHaveBeenCalledWith(expect.objectContaining({ field: 'ttftMs' }), expect.any(String));
  });

  it('rounds fractional counts, which an integer column (PostgreSQL) would refuse for the whole batch', async () => {
    const { store, recorder } = setup();
    const row = makeUsageRow({ inputTokens: 10.4, outputTokens: 2.5, httpStatus: 200 });
    recorder.record(row);
    await recorder.flush();
    const [stored] = await store.query();
    expect([stored?.inputTokens, stored?.outputTokens, stored?.requestId]).toEqual([10, 3, row.requestId]);
  });

  it('close() stops the timer and writes everything, including rows recorded while closing', async () => {
    vi.useFakeTimers();
    const { store, recorder, rows } = setup({ maxBatchSize: 2 });
    store.hold();
    for (const row of rows(5)) recorder.record(row);
    const closed = recorder.close();
    recorder.record(makeUsageRow());
    expect(vi.getTimerCount()).toBe(0);
    store.release();
    await closed;
    expect(await store.count()).toBe(6);
  });

  it('close() retries a failing store and succeeds once it recovers', async () => {
    const { store, recorder, rows } = setup();
    store.failuresLeft = 2;
    for (const row of rows(3)) recorder.record(row);
    await recorder.close();
    expect(store.batchSizes).toEqual([3, 3, 3]);
    expect(await store.count()).toBe(3);
  });

  it('close() gives up after maxCloseAttempts and rejects, saying how many rows were not written', async () => {
    const { store, log, recorder, rows } = setup({ maxCloseAttempts: 3 });
    store.alwaysFail = true;
    for (const row of rows(2)) recorder.record(row);
    await expect(recorder.close()).rejects.toThrow('could not write 2 usage rows on close');
    expect(store.batchSizes).toEqual([2, 2, 2]);
    expect(log.error).toHaveBeenLastCalledWith(
      expect.objectContaining({ rows: 2, attempts: 3 }),
      expect.any(String),
    );
  });

  it('writes a row recorded after close() at once, since no timer is left to do it', async () => {
    const { store, recorder } = setup();
    await recorder.close();
    const late = makeUsageRow();
    recorder.record(late);
    expect(store.batchSizes).toEqual([1]);
    await recorder.flush();
    expect(await store.query()).toEqual([late]);
  });

  it('rejects options that cannot work', () => {
    const store = new MemoryUsageStore();
    const log = { error: vi.fn(), info: vi.fn() };
    const create = (options: Partial<BatchingUsageRecorderOptions>) =>
      createBatchingUsageRecorder(store, { flushIntervalMs: 1000, maxBatchSize: 10, log, ...options });
    expect(() => create({ maxBufferedRows: 5 })).toThrow(RangeError);
    expect(() => create({ flushIntervalMs: 0 })).toThrow(RangeError);
    expect(() => create({ maxBatchSize: 2.5 })).toThrow(RangeError);
  });
});

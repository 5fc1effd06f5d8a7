import type { UsageRecorder, UsageRow, UsageStore } from './types.js';

/** The slice of a pino logger the recorder uses. */
export interface RecorderLog {
  error(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface BatchingUsageRecorderOptions {
  /** A timer writes whatever is buffered this often. */
  flushIntervalMs: number;
  /** A write starts as soon as this many rows wait, and no write carries more. */
  maxBatchSize: number;
  log: RecorderLog;
  /** Rows held while the store fails; beyond this the oldest are dropped (and logged). Default 100,000. */
  maxBufferedRows?: number;
  /** Write attempts `close()` makes before giving up on rows the store keeps refusing. Default 5. */
  maxCloseAttempts?: number;
  /** Pause between those attempts. Default 200 ms. */
  closeRetryDelayMs?: number;
}

interface Entry {
  /** Position in recording order; `flush()` waits until every row below its mark is settled. */
  seq: number;
  row: UsageRow;
}

interface Waiter {
  target: number;
  resolve(): void;
  reject(error: unknown): void;
}

const numericFields = [
  'createdAt',
  'httpStatus',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
  'latencyMs',
] as const;

/** A NaN or Infinity no store can write would otherwise fail its whole batch on every retry. */
function findNonFiniteField(row: UsageRow): string | undefined {
  const field = numericFields.find((name) => !Number.isFinite(row[name]));
  if (field !== undefined) return field;
  if (row.ttftMs !== null && !Number.isFinite(row.ttftMs)) return 'ttftMs';
  if (row.costUsd !== null && !Number.isFinite(row.costUsd)) return 'costUsd';
  if (row.attempts.some((attempt) => !Number.isFinite(attempt.durationMs))) return 'attempts.durationMs';
  return undefined;
}

/** Columns every backend stores as integers: a fraction would fail the whole batch in PostgreSQL. */
const integerFields = [
  'createdAt',
  'httpStatus',
  'inputTokens',
  'outputTokens',
  'cacheReadTokens',
  'cacheWriteTokens',
  'reasoningTokens',
] as const;

/** The row with integer columns rounded (a provider may report, or an estimate produce, a fraction). */
function withIntegerCounts(row: UsageRow): UsageRow {
  if (integerFields.every((name) => Number.isInteger(row[name]))) return row;
  const rounded = { ...row };
  for (const name of integerFields) rounded[name] = Math.round(row[name]);
  return rounded;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be a positive integer`);
  return value;
}

class BatchingUsageRecorder implements UsageRecorder {
  /** Rows not yet handed to the store are `pending[head..]`; the head index keeps dropping O(1). */
  private pending: Entry[] = [];
  private head = 0;
  /** The batch the store is writing now (at most one). */
  private writing: Entry[] = [];
  private nextSeq = 0;
  private waiters: Waiter[] = [];
  private pumping = false;
  private consecutiveFailures = 0;
  private droppedSinceReport = 0;
  private closed = false;
  private readonly timer: NodeJS.Timeout;
  private readonly maxBatchSize: number;
  private readonly maxBufferedRows: number;
  private readonly maxCloseAttempts: number;
  private readonly log: RecorderLog;

  constructor(
    private readonly store: UsageStore,
    private readonly options: BatchingUsageRecorderOptions,
  ) {
    this.log = options.log;
    this.maxBatchSize = positiveInteger('maxBatchSize', options.maxBatchSize);
    this.maxBufferedRows = positiveInteger('maxBufferedRows', options.maxBufferedRows ?? 100_000);
    this.maxCloseAttempts = positiveInteger('maxCloseAttempts', options.maxCloseAttempts ?? 5);
    if (this.maxBufferedRows < this.maxBatchSize) {
      throw new RangeError('maxBufferedRows must be at least maxBatchSize');
    }
    const interval = positiveInteger('flushIntervalMs', options.flushIntervalMs);
    this.timer = setInterval(() => this.onTick(), interval);
    // A pending usage write must never keep the process alive; close() does the final flush.
    this.timer.unref();
  }

  record(row: UsageRow): void {
    const field = findNonFiniteField(row);
    if (field !== undefined) {
      this.log.error(
        { field, row },
        `usage row ${row.requestId} has a non-finite ${field}; not recording it`,
      );
      return;
    }
    this.pending.push({ seq: this.nextSeq++, row: withIntegerCounts(row) });
    this.enforceBound();
    // After close() no timer runs, so a late row starts its own write; before, a full batch does,
    // unless the store is failing (then the timer paces the retries).
    if (this.closed || (this.consecutiveFailures === 0 && this.pendingCount() >= this.maxBatchSize)) {
      this.startPump();
    }
  }

  /** False while the store keeps refusing writes (rows are buffered meanwhile). */
  isHealthy(): boolean {
    return this.consecutiveFailures === 0;
  }

  flush(): Promise<void> {
    const target = this.nextSeq;
    if (this.lowestUnsettled() >= target) {
      this.reportDrops();
      return Promise.resolve();
    }
    const settled = new Promise<void>((resolve, reject) => this.waiters.push({ target, resolve, reject }));
    this.startPump();
    return settled;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    let failures = 0;
    // Loops rather than flushing once: rows recorded while closing must be written too.
    while (this.unsettledCount() > 0) {
      try {
        await this.flush();
      } catch (error: unknown) {
        failures++;
        if (failures >= this.maxCloseAttempts) {
          const rows = this.unsettledCount();
          this.log.error(
            { err: error, rows, attempts: failures },
            `could not write ${rows} usage rows on close`,
          );
          throw new Error(`could not write ${rows} usage rows on close`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, this.options.closeRetryDelayMs ?? 200));
      }
    }
    this.reportDrops();
  }

  private onTick(): void {
    this.reportDrops();
    if (this.pendingCount() > 0) this.startPump();
  }

  private startPump(): void {
    if (this.pumping || this.pendingCount() === 0) return;
    this.pumping = true;
    void this.pump();
  }

  /** Writes batch after batch until nothing is pending or the store fails. Never rejects. */
  private async pump(): Promise<void> {
    try {
      while (this.pendingCount() > 0) {
        this.writing = this.take(this.maxBatchSize);
        try {
          await this.store.insertMany(this.writing.map((entry) => entry.row));
        } catch (error: unknown) {
          this.handleFailure(error);
          return;
        }
        this.writing = [];
        this.handleSuccess();
      }
    } finally {
      // Cleared before the promise settles, so a row recorded right after finds no write in flight.
      this.pumping = false;
      this.reportDrops();
    }
  }

  private handleSuccess(): void {
    if (this.consecutiveFailures > 0) {
      this.log.info({ failedAttempts: this.consecutiveFailures }, 'the usage store accepts rows again');
      this.consecutiveFailures = 0;
    }
    const lowest = this.lowestUnsettled();
    const waiting = this.waiters;
    this.waiters = waiting.filter((waiter) => waiter.target > lowest);
    for (const waiter of waiting) if (waiter.target <= lowest) waiter.resolve();
  }

  private handleFailure(error: unknown): void {
    // The failed batch goes back in front, oldest first, to be retried; the bound still applies.
    this.pending = this.writing.concat(this.pending.slice(this.head));
    this.head = 0;
    this.writing = [];
    this.consecutiveFailures++;
    this.enforceBound();
    this.log.error(
      { err: error, bufferedRows: this.unsettledCount(), attempt: this.consecutiveFailures },
      'could not write usage rows; keeping them for the next flush',
    );
    const waiting = this.waiters;
    this.waiters = [];
    for (const waiter of waiting) waiter.reject(error);
  }

  private take(count: number): Entry[] {
    const batch = this.pending.slice(this.head, this.head + count);
    this.advanceHead(batch.length);
    return batch;
  }

  private enforceBound(): void {
    const excess = Math.min(this.unsettledCount() - this.maxBufferedRows, this.pendingCount());
    if (excess <= 0) return;
    this.advanceHead(excess);
    this.droppedSinceReport += excess;
  }

  private advanceHead(count: number): void {
    this.head += count;
    if (this.head === this.pending.length) {
      this.pending = [];
      this.head = 0;
    } else if (this.head > 1024 && this.head * 2 > this.pending.length) {
      this.pending = this.pending.slice(this.head);
      this.head = 0;
    }
  }

  /** Drops are counted and logged once per tick or flush, not once per row. */
  private reportDrops(): void {
    if (this.droppedSinceReport === 0) return;
    const dropped = this.droppedSinceReport;
    this.droppedSinceReport = 0;
    this.log.error(
      { dropped, maxBufferedRows: this.maxBufferedRows },
      `usage buffer full: dropped the ${dropped} oldest rows`,
    );
  }

  private pendingCount(): number {
    return this.pending.length - this.head;
  }

  private unsettledCount(): number {
    return this.writing.length + this.pendingCount();
  }

  /** The seq of the oldest row neither written nor dropped (nextSeq when there is none). */
  private lowestUnsettled(): number {
    return this.writing[0]?.seq ?? this.pending[this.head]?.seq ?? this.nextSeq;
  }
}

/**
 * A `UsageRecorder` that keeps the hot path free of I/O: `record()` only appends to an array, and
 * rows reach the store in batches (on a timer, or as soon as a batch is full), one write at a time.
 * When the store fails, rows are kept and retried on the next tick, up to `maxBufferedRows` (then the
 * oldest are dropped and the count is logged). Rows recorded after `close()` are still written: each
 * starts a write at once, since no timer runs any more.
 *
 * @example
 * const usage = createBatchingUsageRecorder(storage.usage, { flushIntervalMs: 1000, maxBatchSize: 500, log });
 * usage.record(row); // never waits
 * await usage.close(); // on shutdown: everything recorded is written (or close rejects, loudly)
 */
export function createBatchingUsageRecorder(
  store: UsageStore,
  options: BatchingUsageRecorderOptions,
): UsageRecorder {
  return new BatchingUsageRecorder(store, options);
}

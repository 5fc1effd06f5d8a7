import type { UsageRecorder, UsageRow } from '../storage/types.js';

/**
 * A UsageRecorder that keeps rows in an array and lets a test await a row matching a condition
 * (no sleeping: waiters are checked on every new row).
 */
export class CollectingUsageRecorder implements UsageRecorder {
  readonly rows: UsageRow[] = [];
  private waiters: Array<{ predicate: (row: UsageRow) => boolean; resolve: (row: UsageRow) => void }> = [];

  record(row: UsageRow): void {
    this.rows.push(row);
    const matched = this.waiters.filter((waiter) => waiter.predicate(row));
    this.waiters = this.waiters.filter((waiter) => !matched.includes(waiter));
    for (const waiter of matched) waiter.resolve(row);
  }

  /** Resolves with the first row (already recorded or still to come) that matches. */
  waitForRow(predicate: (row: UsageRow) => boolean, timeoutMs = 5_000): Promise<UsageRow> {
    const existing = this.rows.find(predicate);
    if (existing !== undefined) return Promise.resolve(existing);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no matching usage row was recorded')), timeoutMs);
      this.waiters.push({
        predicate,
        resolve: (row) => {
          clearTimeout(timer);
          resolve(row);
        },
      });
    });
  }

  async flush(): Promise<void> {}

  async close(): Promise<void> {}
}

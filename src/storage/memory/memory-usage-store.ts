import type { UsageQuery, UsageRow, UsageStore, UsageSummaryQuery, UsageSummaryRow } from '../types.js';
import { validateUsageQuery, validateUsageSummaryQuery } from '../validate-usage-query.js';
import { summarizeUsageRows } from './summarize-usage-rows.js';

function copyRow(row: UsageRow): UsageRow {
  return { ...row, attempts: row.attempts.map((attempt) => ({ ...attempt })) };
}

function matches(row: UsageRow, query: UsageQuery): boolean {
  if (query.since !== undefined && row.createdAt < query.since) return false;
  if (query.until !== undefined && row.createdAt >= query.until) return false;
  if (query.keyId !== undefined && row.keyId !== query.keyId) return false;
  if (query.teamId !== undefined && row.teamId !== query.teamId) return false;
  if (query.model !== undefined && row.modelRequested !== query.model) return false;
  if (query.provider !== undefined && row.provider !== query.provider) return false;
  if (query.status !== undefined && row.status !== query.status) return false;
  return true;
}

/**
 * Usage rows in an array, for tests and `storage.type: memory`. Same semantics as the SQLite store:
 * `since` inclusive, `until` exclusive, newest first (ties: last inserted first), and a row whose
 * `requestId` is already stored is skipped, so a retried batch never counts twice.
 *
 * @example
 * const usage = new MemoryUsageStore();
 * await usage.insertMany(rows);
 * await usage.query({ keyId: 'key_abc', limit: 50 });
 */
export class MemoryUsageStore implements UsageStore {
  /** In insertion order. */
  private readonly rows: UsageRow[] = [];
  private readonly requestIds = new Set<string>();

  async insertMany(rows: readonly UsageRow[]): Promise<void> {
    for (const row of rows) {
      if (this.requestIds.has(row.requestId)) continue;
      this.requestIds.add(row.requestId);
      this.rows.push(copyRow(row));
    }
  }

  async query(query: UsageQuery = {}): Promise<UsageRow[]> {
    validateUsageQuery(query);
    const found: UsageRow[] = [];
    // Walking backwards yields last-inserted first among equal timestamps; the stable sort keeps that.
    for (let index = this.rows.length - 1; index >= 0; index--) {
      const row = this.rows[index]!;
      if (matches(row, query)) found.push(row);
    }
    found.sort((a, b) => b.createdAt - a.createdAt);
    const start = query.offset ?? 0;
    return found.slice(start, start + (query.limit ?? found.length)).map(copyRow);
  }

  async count(query: UsageQuery = {}): Promise<number> {
    validateUsageQuery(query);
    let total = 0;
    for (const row of this.rows) if (matches(row, query)) total++;
    return total;
  }

  async summarize(query: UsageSummaryQuery): Promise<UsageSummaryRow[]> {
    validateUsageSummaryQuery(query);
    return summarizeUsageRows(
      this.rows.filter((row) => matches(row, query)),
      query.by,
    );
  }
}

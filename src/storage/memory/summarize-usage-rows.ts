import type { UsageGroupBy, UsageRow, UsageSummaryRow } from '../types.js';
import { emptyUsageCounts } from '../usage-counts.js';

interface Group {
  summary: UsageSummaryRow;
  costNanoUsd: number;
  newest: UsageRow;
}

/** The UTC day of an epoch-ms time, `YYYY-MM-DD`. */
function utcDay(createdAt: number): string {
  return new Date(createdAt).toISOString().slice(0, 10);
}

const groupValueOf: Record<UsageGroupBy, (row: UsageRow) => string | null> = {
  team: (row) => row.teamId,
  key: (row) => row.keyId,
  model: (row) => row.modelRequested,
  provider: (row) => row.provider,
  day: (row) => utcDay(row.createdAt),
};

/** Ascending by code point (UTF-8 byte order, as SQLite's BINARY and PostgreSQL's "C"), null last. */
function compareGroups(left: string | null, right: string | null): number {
  if (left === null || right === null) return (left === null ? 1 : 0) - (right === null ? 1 : 0);
  return Buffer.compare(Buffer.from(left), Buffer.from(right));
}

function emptySummary(group: string | null): UsageSummaryRow {
  return {
    group,
    label: null,
    ...emptyUsageCounts(),
    costUsd: 0,
  };
}

function addRow(group: Group, row: UsageRow): void {
  const summary = group.summary;
  summary.requests++;
  if (row.status === 'ok') summary.succeeded++;
  summary.inputTokens += row.inputTokens;
  summary.outputTokens += row.outputTokens;
  summary.cacheReadTokens += row.cacheReadTokens;
  summary.cacheWriteTokens += row.cacheWriteTokens;
  summary.reasoningTokens += row.reasoningTokens;
  // Integer nano-dollars, as the databases store them: the sum is exact.
  group.costNanoUsd += row.costUsd === null ? 0 : Math.round(row.costUsd * 1e9);
  // Rows come in insertion order, so `>=` makes the last inserted win a tie.
  if (row.createdAt >= group.newest.createdAt) group.newest = row;
}

/**
 * Totals per group, as `UsageStore.summarize` returns them, over rows given in insertion order.
 *
 * @example
 * summarizeUsageRows(matchingRows, 'team'); // [{ group: 'team_a', requests: 3, costUsd: 0.3, … }, …]
 */
export function summarizeUsageRows(rows: readonly UsageRow[], by: UsageGroupBy): UsageSummaryRow[] {
  const groups = new Map<string | null, Group>();
  for (const row of rows) {
    const value = groupValueOf[by](row);
    let group = groups.get(value);
    if (group === undefined) {
      group = { summary: emptySummary(value), costNanoUsd: 0, newest: row };
      groups.set(value, group);
    }
    addRow(group, row);
  }
  return [...groups.values()]
    .sort((a, b) => b.costNanoUsd - a.costNanoUsd || compareGroups(a.summary.group, b.summary.group))
    .map((group) => ({
      ...group.summary,
      label: by === 'key' ? group.newest.keyName : null,
      costUsd: group.costNanoUsd / 1e9,
    }));
}

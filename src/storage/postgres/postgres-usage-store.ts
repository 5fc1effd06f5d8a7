import type {
  UsageGroupBy,
  UsageQuery,
  UsageRow,
  UsageStore,
  UsageSummaryQuery,
  UsageSummaryRow,
} from '../types.js';
import { validateUsageQuery, validateUsageSummaryQuery } from '../validate-usage-query.js';
import type { PostgresQueryable } from './postgres-database.js';
import {
  insertUsageSql,
  toColumnArrays,
  toUsageRow,
  type UsageDatabaseRow,
  usageColumnList,
} from './usage-columns.js';

type Filters = Omit<UsageQuery, 'limit' | 'offset'>;

/** Filter → condition on `$n` (the parameter's position). `since` inclusive, `until` exclusive. */
const conditions: { [Field in keyof Required<Filters>]: (parameter: string) => string } = {
  since: (parameter) => `created_at >= ${parameter}`,
  until: (parameter) => `created_at < ${parameter}`,
  keyId: (parameter) => `key_id = ${parameter}`,
  teamId: (parameter) => `team_id = ${parameter}`,
  model: (parameter) => `model_requested = ${parameter}`,
  provider: (parameter) => `provider = ${parameter}`,
  status: (parameter) => `status = ${parameter}`,
};

/** The WHERE clause for a query's filters, and its parameters ($1 onwards). */
function buildFilter(query: Filters): { where: string; values: unknown[] } {
  const clauses: string[] = [];
  const values: unknown[] = [];
  for (const [field, condition] of Object.entries(conditions)) {
    const value = query[field as keyof Filters];
    if (value === undefined) continue;
    values.push(value);
    clauses.push(condition(`$${values.length}`));
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, values };
}

/** The SQL expression a summary groups by. Days are UTC, computed exactly from integer milliseconds. */
const groupExpressions: Record<UsageGroupBy, string> = {
  team: 'team_id',
  key: 'key_id',
  model: 'model_requested',
  provider: 'provider',
  day: `to_char(timestamp '1970-01-01' + created_at * interval '1 millisecond', 'YYYY-MM-DD')`,
};

interface SummaryDatabaseRow {
  group_value: string | null;
  label: string | null;
  requests: number;
  succeeded: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_nano_usd: number;
}

function toSummaryRow(row: SummaryDatabaseRow): UsageSummaryRow {
  return {
    group: row.group_value,
    label: row.label,
    requests: row.requests,
    succeeded: row.succeeded,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_nano_usd / 1e9,
  };
}

function summarySql(by: UsageGroupBy, where: string): string {
  const group = groupExpressions[by];
  // The key's name on its newest row: newest first, last inserted first among equal times.
  const label = by === 'key' ? '(array_agg(key_name ORDER BY created_at DESC, seq DESC))[1]' : 'NULL::text';
  return `SELECT ${group} AS group_value, ${label} AS label,
      COUNT(*) AS requests,
      COUNT(*) FILTER (WHERE status = 'ok') AS succeeded,
      SUM(input_tokens)::int8 AS input_tokens,
      SUM(output_tokens)::int8 AS output_tokens,
      SUM(cache_read_tokens)::int8 AS cache_read_tokens,
      SUM(cache_write_tokens)::int8 AS cache_write_tokens,
      SUM(reasoning_tokens)::int8 AS reasoning_tokens,
      COALESCE(SUM(cost_nano_usd), 0)::int8 AS cost_nano_usd
    FROM usage ${where}
    GROUP BY 1
    ORDER BY COALESCE(SUM(cost_nano_usd), 0) DESC, (${group}) COLLATE "C" ASC NULLS LAST`;
}

/**
 * Usage rows in the `usage` table. `insertMany` writes a whole batch in one statement (one round
 * trip, whatever its size) and skips rows whose `requestId` is already stored, so a retried batch
 * never counts twice. Summaries are grouped and summed by PostgreSQL, cost exactly in nano-dollars.
 *
 * @example
 * const usage = new PostgresUsageStore(database);
 * await usage.insertMany(rows);
 * await usage.summarize({ by: 'team', since: Date.now() - 86_400_000 });
 */
export class PostgresUsageStore implements UsageStore {
  constructor(private readonly database: PostgresQueryable) {}

  async insertMany(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.database.query(insertUsageSql, toColumnArrays(rows));
  }

  async query(query: UsageQuery = {}): Promise<UsageRow[]> {
    validateUsageQuery(query);
    const { where, values } = buildFilter(query);
    // LIMIT NULL is no limit, OFFSET NULL is none.
    const rows = await this.database.query<UsageDatabaseRow>(
      `SELECT ${usageColumnList} FROM usage ${where}
       ORDER BY created_at DESC, seq DESC LIMIT $${values.length + 1} OFFSET $${values.length + 2}`,
      [...values, query.limit ?? null, query.offset ?? null],
    );
    return rows.map(toUsageRow);
  }

  async count(query: UsageQuery = {}): Promise<number> {
    validateUsageQuery(query);
    const { where, values } = buildFilter(query);
    const [row] = await this.database.query<{ total: number }>(
      `SELECT COUNT(*) AS total FROM usage ${where}`,
      values,
    );
    return row?.total ?? 0;
  }

  async summarize(query: UsageSummaryQuery): Promise<UsageSummaryRow[]> {
    validateUsageSummaryQuery(query);
    const { where, values } = buildFilter(query);
    const rows = await this.database.query<SummaryDatabaseRow>(summarySql(query.by, where), values);
    return rows.map(toSummaryRow);
  }
}

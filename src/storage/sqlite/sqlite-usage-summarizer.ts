import type Database from 'better-sqlite3';
import type { UsageGroupBy, UsageSummaryQuery, UsageSummaryRow } from '../types.js';
import { validateUsageSummaryQuery } from '../validate-usage-query.js';
import { buildUsageFilter, type UsageFilterParams } from './build-usage-filter.js';

interface SummaryDbRow {
  grp: string | null;
  label: string | null;
  requests: number;
  succeeded: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  total_cost_nano_usd: number;
}

/** The SQL value each grouping groups by; `day` is the UTC date of the epoch-ms `created_at`. */
const groupExpressions: Record<UsageGroupBy, string> = {
  team: 'team_id',
  key: 'key_id',
  model: 'model_requested',
  provider: 'provider',
  day: "date(created_at / 1000, 'unixepoch')",
};

/**
 * The summary statement. Costs are summed as integer nano-dollars (exact); ties order by the group
 * in BINARY collation (code point order), nulls last. For `key`, a window function finds each
 * group's newest row (ties: last inserted) for the label.
 */
function buildSummarySql(by: UsageGroupBy, where: string): string {
  const group = groupExpressions[by];
  const label = by === 'key' ? 'MAX(CASE WHEN recency = 1 THEN key_name END)' : 'NULL';
  const recency =
    by === 'key'
      ? `, ROW_NUMBER() OVER (PARTITION BY ${group} ORDER BY created_at DESC, seq DESC) AS recency`
      : '';
  return `
    WITH matched AS (
      SELECT ${group} AS grp, key_name, status, input_tokens, output_tokens, cache_read_tokens,
        cache_write_tokens, reasoning_tokens, cost_nano_usd${recency}
      FROM usage ${where}
    )
    SELECT grp, ${label} AS label, COUNT(*) AS requests, SUM(status = 'ok') AS succeeded,
      SUM(input_tokens) AS input_tokens, SUM(output_tokens) AS output_tokens,
      SUM(cache_read_tokens) AS cache_read_tokens, SUM(cache_write_tokens) AS cache_write_tokens,
      SUM(reasoning_tokens) AS reasoning_tokens, SUM(COALESCE(cost_nano_usd, 0)) AS total_cost_nano_usd
    FROM matched
    GROUP BY grp
    ORDER BY total_cost_nano_usd DESC, grp IS NULL, grp`;
}

function toSummaryRow(row: SummaryDbRow): UsageSummaryRow {
  return {
    group: row.grp,
    label: row.label,
    requests: row.requests,
    succeeded: row.succeeded,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.total_cost_nano_usd / 1e9,
  };
}

/**
 * `UsageStore.summarize` for the `usage` table, with SQL GROUP BY; one prepared statement per
 * grouping and filter shape, reused.
 *
 * @example
 * const summarizer = new SqliteUsageSummarizer(db);
 * summarizer.summarize({ by: 'team', since: Date.now() - 86_400_000 });
 */
export class SqliteUsageSummarizer {
  private readonly statements = new Map<string, Database.Statement<[UsageFilterParams], SummaryDbRow>>();

  constructor(private readonly db: Database.Database) {}

  summarize(query: UsageSummaryQuery): UsageSummaryRow[] {
    validateUsageSummaryQuery(query);
    const { where, params } = buildUsageFilter(query);
    const cacheKey = `${query.by} ${where}`;
    let statement = this.statements.get(cacheKey);
    if (statement === undefined) {
      statement = this.db.prepare(buildSummarySql(query.by, where));
      this.statements.set(cacheKey, statement);
    }
    return statement.all(params).map(toSummaryRow);
  }
}

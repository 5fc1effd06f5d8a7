import type Database from 'better-sqlite3';
import { z } from 'zod';
import type {
  UsageAttempt,
  UsageQuery,
  UsageRow,
  UsageStore,
  UsageSummaryQuery,
  UsageSummaryRow,
} from '../types.js';
import { validateUsageQuery } from '../validate-usage-query.js';
import { buildUsageFilter, type UsageFilterParams } from './build-usage-filter.js';
import { prepareUsageInsert, type UsageDbRow, usageColumnList } from './sqlite-usage-insert.js';
import { SqliteUsageSummarizer } from './sqlite-usage-summarizer.js';

const columnList = usageColumnList.join(', ');

/**
 * Rows per transaction. A 500-row batch in one transaction holds the event loop for ~8 ms, which
 * every request arriving meanwhile pays in latency; 50-row slices with a turn of the event loop
 * between them hold it for under a millisecond at a time, for the same total work.
 */
const ROWS_PER_TRANSACTION = 50;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

const statusSchema = z.enum(['ok', 'error', 'rejected', 'cancelled']);
const attemptsSchema = z.array(
  z.object({
    deployment: z.string(),
    provider: z.string(),
    status: z.enum(['ok', 'error']),
    errorCode: z.string().optional(),
    httpStatus: z.number().optional(),
    durationMs: z.number(),
  }),
);

function decodeAttempts(text: string, requestId: string): UsageAttempt[] {
  try {
    return attemptsSchema.parse(JSON.parse(text));
  } catch (error: unknown) {
    throw new Error(`usage row ${requestId} has a corrupt attempts column`, { cause: error });
  }
}

function toUsageRow(row: UsageDbRow): UsageRow {
  return {
    requestId: row.request_id,
    createdAt: row.created_at,
    keyId: row.key_id,
    keyName: row.key_name,
    teamId: row.team_id,
    dialect: row.dialect,
    operation: row.operation,
    stream: row.stream === 1,
    modelRequested: row.model_requested,
    modelServed: row.model_served,
    deployment: row.deployment,
    provider: row.provider,
    status: statusSchema.parse(row.status),
    httpStatus: row.http_status,
    errorCode: row.error_code,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_nano_usd === null ? null : row.cost_nano_usd / 1e9,
    usageEstimated: row.usage_estimated === 1,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    attempts: decodeAttempts(row.attempts, row.request_id),
  };
}

/**
 * Usage rows in the `usage` table. `insertMany` writes a whole batch in one transaction and skips
 * rows whose `requestId` is already stored, so a retried batch never counts twice. Query statements
 * are prepared once per filter shape and reused; `summarize` groups in SQL. A large batch is written
 * in slices of 50 rows with a turn of the event loop between them, so requests are not held up behind
 * one long insert; a batch that fails half way is retried whole, and its committed rows are skipped.
 *
 * @example
 * const usage = new SqliteUsageStore(openSqliteDatabase(':memory:'));
 * await usage.insertMany(rows);
 * await usage.count({ status: 'error', since: Date.now() - 3_600_000 });
 */
export class SqliteUsageStore implements UsageStore {
  private readonly insertBatch: (rows: readonly UsageRow[]) => void;
  private readonly selectStatements = new Map<string, Database.Statement<[UsageFilterParams], UsageDbRow>>();
  private readonly countStatements = new Map<
    string,
    Database.Statement<[UsageFilterParams], { total: number }>
  >();
  private readonly summarizer: SqliteUsageSummarizer;

  constructor(private readonly db: Database.Database) {
    this.insertBatch = prepareUsageInsert(db);
    this.summarizer = new SqliteUsageSummarizer(db);
  }

  async insertMany(rows: readonly UsageRow[]): Promise<void> {
    for (let start = 0; start < rows.length; start += ROWS_PER_TRANSACTION) {
      if (start > 0) await nextTurn();
      this.insertBatch(rows.slice(start, start + ROWS_PER_TRANSACTION));
    }
  }

  async query(query: UsageQuery = {}): Promise<UsageRow[]> {
    validateUsageQuery(query);
    const { where, params } = buildUsageFilter(query);
    let statement = this.selectStatements.get(where);
    if (statement === undefined) {
      statement = this.db.prepare(
        `SELECT ${columnList} FROM usage ${where}
         ORDER BY created_at DESC, seq DESC LIMIT @limit OFFSET @offset`,
      );
      this.selectStatements.set(where, statement);
    }
    // A negative LIMIT means "no limit" to SQLite.
    return statement.all({ ...params, limit: query.limit ?? -1, offset: query.offset ?? 0 }).map(toUsageRow);
  }

  async count(query: UsageQuery = {}): Promise<number> {
    validateUsageQuery(query);
    const { where, params } = buildUsageFilter(query);
    let statement = this.countStatements.get(where);
    if (statement === undefined) {
      statement = this.db.prepare(`SELECT COUNT(*) AS total FROM usage ${where}`);
      this.countStatements.set(where, statement);
    }
    return statement.get(params)?.total ?? 0;
  }

  async summarize(query: UsageSummaryQuery): Promise<UsageSummaryRow[]> {
    return this.summarizer.summarize(query);
  }
}

import type Database from 'better-sqlite3';
import { z } from 'zod';
import type {
  UsageAttempt,
  UsageQuery,
  UsageRow,
  UsageStatus,
  UsageStore,
  UsageSummaryQuery,
  UsageSummaryRow,
} from '../types.js';
import { toNanoUsd } from '../usage-counts.js';
import { validateUsageQuery } from '../validate-usage-query.js';
import { buildUsageFilter, type UsageFilterParams } from './build-usage-filter.js';
import { SqliteUsageSummarizer } from './sqlite-usage-summarizer.js';

interface UsageDbRow {
  request_id: string;
  created_at: number;
  key_id: string | null;
  key_name: string | null;
  team_id: string | null;
  dialect: string;
  operation: string;
  stream: number;
  model_requested: string | null;
  model_served: string | null;
  deployment: string | null;
  provider: string | null;
  status: string;
  http_status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_nano_usd: number | null;
  usage_estimated: number;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: string;
}

type UsageParams = Omit<UsageDbRow, 'status'> & { status: UsageStatus };

/** Column name → UsageRow field, in table order. */
const fieldsByColumn = {
  request_id: 'requestId',
  created_at: 'createdAt',
  key_id: 'keyId',
  key_name: 'keyName',
  team_id: 'teamId',
  dialect: 'dialect',
  operation: 'operation',
  stream: 'stream',
  model_requested: 'modelRequested',
  model_served: 'modelServed',
  deployment: 'deployment',
  provider: 'provider',
  status: 'status',
  http_status: 'httpStatus',
  error_code: 'errorCode',
  input_tokens: 'inputTokens',
  output_tokens: 'outputTokens',
  cache_read_tokens: 'cacheReadTokens',
  cache_write_tokens: 'cacheWriteTokens',
  reasoning_tokens: 'reasoningTokens',
  cost_nano_usd: 'costUsd',
  usage_estimated: 'usageEstimated',
  latency_ms: 'latencyMs',
  ttft_ms: 'ttftMs',
  attempts: 'attempts',
} as const satisfies Record<keyof UsageDbRow, keyof UsageRow>;

const columnList = Object.keys(fieldsByColumn).join(', ');
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

function toParams(row: UsageRow): UsageParams {
  const params: Record<string, unknown> = {};
  for (const [column, field] of Object.entries(fieldsByColumn)) params[column] = row[field];
  // SQLite has no booleans and better-sqlite3 refuses to bind them.
  return {
    ...(params as Omit<UsageParams, 'stream' | 'cost_nano_usd' | 'usage_estimated' | 'attempts'>),
    stream: row.stream ? 1 : 0,
    cost_nano_usd: row.costUsd === null ? null : toNanoUsd(row.costUsd),
    usage_estimated: row.usageEstimated ? 1 : 0,
    attempts: JSON.stringify(row.attempts),
  };
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
 * are prepared once per filter shape and reused; `summarize` groups in SQL.
 *
 * @example
 * const usage = new SqliteUsageStore(openSqliteDatabase(':memory:'));
 * await usage.insertMany(rows);
 * await usage.count({ status: 'error', since: Date.now() - 3_600_000 });
 */
export class SqliteUsageStore implements UsageStore {
  private readonly insertBatch: Database.Transaction<(rows: readonly UsageRow[]) => void>;
  private readonly selectStatements = new Map<string, Database.Statement<[UsageFilterParams], UsageDbRow>>();
  private readonly countStatements = new Map<
    string,
    Database.Statement<[UsageFilterParams], { total: number }>
  >();
  private readonly summarizer: SqliteUsageSummarizer;

  constructor(private readonly db: Database.Database) {
    const insertRow = db.prepare<[UsageParams]>(
      `INSERT INTO usage (${columnList})
       VALUES (${Object.keys(fieldsByColumn)
         .map((column) => `@${column}`)
         .join(', ')})
       ON CONFLICT (request_id) DO NOTHING`,
    );
    this.insertBatch = db.transaction((rows: readonly UsageRow[]) => {
      for (const row of rows) insertRow.run(toParams(row));
    });
    this.summarizer = new SqliteUsageSummarizer(db);
  }

  async insertMany(rows: readonly UsageRow[]): Promise<void> {
    if (rows.length > 0) this.insertBatch.immediate(rows);
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

import type Database from 'better-sqlite3';
import type { UsageRow, UsageStatus } from '../types.js';
import { toNanoUsd } from '../usage-counts.js';

/** A `usage` table row as SQLite returns it. */
export interface UsageDbRow {
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

/** The `usage` columns in table order (every SELECT and the INSERT use this list). */
export const usageColumnList = [
  'request_id',
  'created_at',
  'key_id',
  'key_name',
  'team_id',
  'dialect',
  'operation',
  'stream',
  'model_requested',
  'model_served',
  'deployment',
  'provider',
  'status',
  'http_status',
  'error_code',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'reasoning_tokens',
  'cost_nano_usd',
  'usage_estimated',
  'latency_ms',
  'ttft_ms',
  'attempts',
] as const satisfies readonly (keyof UsageDbRow)[];

/** Spelled out rather than mapped over the column list: this runs once per usage row. */
function toParams(row: UsageRow): UsageParams {
  return {
    request_id: row.requestId,
    created_at: row.createdAt,
    key_id: row.keyId,
    key_name: row.keyName,
    team_id: row.teamId,
    dialect: row.dialect,
    operation: row.operation,
    // SQLite has no booleans and better-sqlite3 refuses to bind them.
    stream: row.stream ? 1 : 0,
    model_requested: row.modelRequested,
    model_served: row.modelServed,
    deployment: row.deployment,
    provider: row.provider,
    status: row.status,
    http_status: row.httpStatus,
    error_code: row.errorCode,
    input_tokens: row.inputTokens,
    output_tokens: row.outputTokens,
    cache_read_tokens: row.cacheReadTokens,
    cache_write_tokens: row.cacheWriteTokens,
    reasoning_tokens: row.reasoningTokens,
    cost_nano_usd: row.costUsd === null ? null : toNanoUsd(row.costUsd),
    usage_estimated: row.usageEstimated ? 1 : 0,
    latency_ms: row.latencyMs,
    ttft_ms: row.ttftMs,
    attempts: JSON.stringify(row.attempts),
  };
}

/**
 * The batch insert, prepared once per connection: one `BEGIN IMMEDIATE` transaction per batch, and a
 * row whose `request_id` is already stored is skipped, so a retried batch never counts twice.
 *
 * @example
 * const insert = prepareUsageInsert(db);
 * insert([row1, row2]);
 */
export function prepareUsageInsert(db: Database.Database): (rows: readonly UsageRow[]) => void {
  const insertRow = db.prepare<[UsageParams]>(
    `INSERT INTO usage (${usageColumnList.join(', ')})
     VALUES (${usageColumnList.map((column) => `@${column}`).join(', ')})
     ON CONFLICT (request_id) DO NOTHING`,
  );
  const insertBatch = db.transaction((rows: readonly UsageRow[]) => {
    for (const row of rows) insertRow.run(toParams(row));
  });
  return (rows) => insertBatch.immediate(rows);
}

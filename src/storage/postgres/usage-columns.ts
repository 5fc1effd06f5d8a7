import type { UsageAttempt, UsageRow, UsageStatus } from '../types.js';
import { toNanoUsd } from '../usage-counts.js';

/** A `usage` row as pg returns it (BIGINT parsed to numbers, JSONB to values). */
export interface UsageDatabaseRow {
  request_id: string;
  created_at: number;
  key_id: string | null;
  key_name: string | null;
  team_id: string | null;
  dialect: string;
  operation: string;
  stream: boolean;
  model_requested: string | null;
  model_served: string | null;
  deployment: string | null;
  provider: string | null;
  status: UsageStatus;
  http_status: number;
  error_code: string | null;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  cost_nano_usd: number | null;
  usage_estimated: boolean;
  latency_ms: number;
  ttft_ms: number | null;
  attempts: unknown;
}

/** Column → [UsageRow field, PostgreSQL type], in table order. */
const usageColumnTypes = {
  request_id: ['requestId', 'text'],
  created_at: ['createdAt', 'int8'],
  key_id: ['keyId', 'text'],
  key_name: ['keyName', 'text'],
  team_id: ['teamId', 'text'],
  dialect: ['dialect', 'text'],
  operation: ['operation', 'text'],
  stream: ['stream', 'bool'],
  model_requested: ['modelRequested', 'text'],
  model_served: ['modelServed', 'text'],
  deployment: ['deployment', 'text'],
  provider: ['provider', 'text'],
  status: ['status', 'text'],
  http_status: ['httpStatus', 'int4'],
  error_code: ['errorCode', 'text'],
  input_tokens: ['inputTokens', 'int8'],
  output_tokens: ['outputTokens', 'int8'],
  cache_read_tokens: ['cacheReadTokens', 'int8'],
  cache_write_tokens: ['cacheWriteTokens', 'int8'],
  reasoning_tokens: ['reasoningTokens', 'int8'],
  cost_nano_usd: ['costUsd', 'int8'],
  usage_estimated: ['usageEstimated', 'bool'],
  latency_ms: ['latencyMs', 'float8'],
  ttft_ms: ['ttftMs', 'float8'],
  attempts: ['attempts', 'jsonb'],
} as const satisfies Record<keyof UsageDatabaseRow, readonly [keyof UsageRow, string]>;

const columnNames = Object.keys(usageColumnTypes) as (keyof UsageDatabaseRow)[];

/** Every column, in table order. */
export const usageColumnList = columnNames.join(', ');

/**
 * One multi-row INSERT for any batch size: each column travels as one array parameter and UNNEST
 * turns them back into rows (in order, so `seq` follows the batch order). Rows whose `request_id`
 * is already stored, or repeated within the batch, are skipped.
 */
export const insertUsageSql = `INSERT INTO usage (${usageColumnList})
  SELECT * FROM unnest(${columnNames.map((column, index) => `$${index + 1}::${usageColumnTypes[column][1]}[]`).join(', ')})
  ON CONFLICT (request_id) DO NOTHING`;

/**
 * The column arrays (`insertUsageSql` parameters) for a batch.
 *
 * @example
 * await database.query(insertUsageSql, toColumnArrays(rows));
 */
export function toColumnArrays(rows: readonly UsageRow[]): unknown[][] {
  const arrays = columnNames.map(() => new Array<unknown>(rows.length));
  rows.forEach((row, rowIndex) => {
    columnNames.forEach((column, columnIndex) => {
      const field = usageColumnTypes[column][0];
      const value =
        field === 'costUsd'
          ? row.costUsd === null
            ? null
            : toNanoUsd(row.costUsd)
          : field === 'attempts'
            ? JSON.stringify(row.attempts)
            : row[field];
      (arrays[columnIndex] as unknown[])[rowIndex] = value;
    });
  });
  return arrays;
}

function decodeAttempts(value: unknown, requestId: string): UsageAttempt[] {
  if (Array.isArray(value)) return value as UsageAttempt[];
  throw new Error(`usage row ${requestId} has a corrupt attempts column`);
}

/**
 * A stored row as the store-neutral `UsageRow`.
 *
 * @example
 * const rows = await database.query<UsageDatabaseRow>(`SELECT ${usageColumnList} FROM usage`);
 * rows.map(toUsageRow);
 */
export function toUsageRow(row: UsageDatabaseRow): UsageRow {
  return {
    requestId: row.request_id,
    createdAt: row.created_at,
    keyId: row.key_id,
    keyName: row.key_name,
    teamId: row.team_id,
    dialect: row.dialect,
    operation: row.operation,
    stream: row.stream,
    modelRequested: row.model_requested,
    modelServed: row.model_served,
    deployment: row.deployment,
    provider: row.provider,
    status: row.status,
    httpStatus: row.http_status,
    errorCode: row.error_code,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    cacheReadTokens: row.cache_read_tokens,
    cacheWriteTokens: row.cache_write_tokens,
    reasoningTokens: row.reasoning_tokens,
    costUsd: row.cost_nano_usd === null ? null : row.cost_nano_usd / 1e9,
    usageEstimated: row.usage_estimated,
    latencyMs: row.latency_ms,
    ttftMs: row.ttft_ms,
    attempts: decodeAttempts(row.attempts, row.request_id),
  };
}

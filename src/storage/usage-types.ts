/** Usage rows (one per request, whatever its outcome), their queries, summaries and the recorder. */

export type UsageStatus = 'ok' | 'error' | 'rejected' | 'cancelled';

export interface UsageAttempt {
  deployment: string;
  provider: string;
  status: 'ok' | 'error';
  errorCode?: string;
  httpStatus?: number;
  durationMs: number;
}

/** One row per request, whatever its outcome. */
export interface UsageRow {
  requestId: string;
  createdAt: number;
  keyId: string | null;
  keyName: string | null;
  /** The key's team when the request was made; null for keys without a team or unauthenticated calls. */
  teamId: string | null;
  dialect: string;
  operation: string;
  stream: boolean;
  modelRequested: string | null;
  modelServed: string | null;
  deployment: string | null;
  provider: string | null;
  status: UsageStatus;
  httpStatus: number;
  errorCode: string | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /**
   * What the request cost in USD, computed exactly from the catalog (or the deployment's pricing)
   * and rounded to the nano-dollar; null when nothing prices the target (or none was reached).
   */
  costUsd: number | null;
  /** True when the tokens were estimated by the gateway because the provider never reported usage. */
  usageEstimated: boolean;
  latencyMs: number;
  ttftMs: number | null;
  attempts: UsageAttempt[];
}

export interface UsageQuery {
  /** Epoch ms, inclusive. */
  since?: number;
  /** Epoch ms, exclusive. */
  until?: number;
  keyId?: string;
  teamId?: string;
  /** Matches `modelRequested`. */
  model?: string;
  provider?: string;
  status?: UsageStatus;
  /** Newest first; at most this many rows. */
  limit?: number;
  /** Rows to skip before the first returned (pagination; with `limit`). Non-negative integer. */
  offset?: number;
}

export type UsageGroupBy = 'team' | 'key' | 'model' | 'provider' | 'day';

/** One group of a usage summary. Sums are exact: cost is summed in integer nano-dollars, then converted. */
export interface UsageSummaryRow {
  /**
   * The group's value: team id, key id, requested model, provider, or UTC day `YYYY-MM-DD`; null
   * for rows without one (no team, no key, no provider reached).
   */
  group: string | null;
  /**
   * For `key`: the key name on the group's newest matching row (latest `createdAt`; ties: last
   * inserted); otherwise null.
   */
  label: string | null;
  requests: number;
  /** Rows with status `ok`. */
  succeeded: number;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  cacheWriteTokens: number;
  reasoningTokens: number;
  /** Sum of priced rows, USD (from nano-dollars); unpriced rows count as 0. */
  costUsd: number;
}

export interface UsageSummaryQuery extends Omit<UsageQuery, 'limit' | 'offset'> {
  by: UsageGroupBy;
}

export interface UsageStore {
  insertMany(rows: readonly UsageRow[]): Promise<void>;
  query(query?: UsageQuery): Promise<UsageRow[]>;
  count(query?: UsageQuery): Promise<number>;
  /**
   * Totals per group over the rows the filters match, largest cost first (ties: group ascending by
   * code point, i.e. binary / `COLLATE "C"`, null last). An unknown `by` is a RangeError.
   */
  summarize(query: UsageSummaryQuery): Promise<UsageSummaryRow[]>;
}

/** Accepts rows on the hot path without waiting; writes them in batches. */
export interface UsageRecorder {
  record(row: UsageRow): void;
  /** Writes everything buffered so far. */
  flush(): Promise<void>;
  /** False while the store refuses writes (rows stay buffered); absent = always healthy. */
  isHealthy?(): boolean;
  /** Flushes and stops the timer; later `record` calls are written synchronously on the next flush. */
  close(): Promise<void>;
}

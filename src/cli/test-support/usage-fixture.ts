import type { UsageRow, UsageStatus } from '../../storage/types.js';

/** Names with commas and quotes, so CSV has to quote them. */
export const FIXTURE_NAMES = {
  teamA: 'Search "EU", core',
  teamB: 'ads',
  keyA: 'bot, "alpha"',
  keyB: 'ads-bot',
};

export interface FixtureIds {
  teamA: string;
  teamB: string;
  keyA: string;
  keyB: string;
}

type Tokens = [input: number, output: number, cacheRead: number, cacheWrite: number];
type RowSpec = [
  team: 'A' | 'B' | null,
  model: string,
  provider: string | null,
  UsageStatus,
  day: string,
  Tokens,
  cost: number | null,
];

/**
 * Seven requests over three days. Totals by hand: 7 requests, 5 ok, 1650 input, 165 output, 150 cache
 * read, 5 cache write; cost 0.1 + 0.2 + 0.000123456 + 1.000000001 = 1.300123457 USD (three unpriced rows).
 */
export const FIXTURE_ROWS: readonly RowSpec[] = [
  ['A', 'gpt-4o', 'azure-openai', 'ok', '2025-06-01', [100, 10, 0, 0], 0.1],
  ['A', 'gpt-4o', 'azure-openai', 'ok', '2025-06-01', [200, 20, 50, 5], 0.2],
  ['A', 'claude-sonnet', 'bedrock', 'ok', '2025-06-02', [1000, 100, 0, 0], 0.000123456],
  ['A', 'claude-sonnet', 'bedrock', 'error', '2025-06-02', [0, 0, 0, 0], null],
  ['B', 'gemini-flash', 'vertex', 'ok', '2025-06-02', [300, 30, 100, 0], 1.000000001],
  ['B', 'gpt-4o', 'azure-openai', 'ok', '2025-06-03', [50, 5, 0, 0], null],
  [null, 'gpt-4o', null, 'rejected', '2025-06-03', [0, 0, 0, 0], null],
];

/**
 * One fixture row as a stored usage row, attributed to the fixture's teams and keys.
 *
 * @example
 * await storage.usage.insertMany(FIXTURE_ROWS.map((spec, index) => toFixtureUsageRow(spec, index, ids)));
 */
export function toFixtureUsageRow(spec: RowSpec, index: number, ids: FixtureIds): UsageRow {
  const [team, model, provider, status, day, tokens, costUsd] = spec;
  const [inputTokens, outputTokens, cacheReadTokens, cacheWriteTokens] = tokens;
  const key =
    team === 'A'
      ? { id: ids.keyA, name: FIXTURE_NAMES.keyA }
      : team === 'B'
        ? { id: ids.keyB, name: FIXTURE_NAMES.keyB }
        : undefined;
  return {
    requestId: `req-${index}`,
    createdAt: Date.parse(`${day}T10:00:00Z`) + index,
    keyId: key?.id ?? null,
    keyName: key?.name ?? null,
    teamId: team === 'A' ? ids.teamA : team === 'B' ? ids.teamB : null,
    dialect: 'openai',
    operation: 'chat',
    stream: false,
    modelRequested: model,
    modelServed: model,
    deployment: provider === null ? null : `${provider}-1`,
    provider,
    status,
    httpStatus: status === 'ok' ? 200 : status === 'rejected' ? 401 : 502,
    errorCode: status === 'ok' ? null : 'some_error',
    inputTokens,
    outputTokens,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
    costUsd,
    usageEstimated: false,
    latencyMs: 100,
    ttftMs: null,
    attempts: [],
  };
}

import type { UsageRow } from './types.js';

let rowCounter = 0;

/**
 * A usage row with every field set to a non-default value, so a dropped column shows up in `toEqual`;
 * each call gets a new `requestId` and a later `createdAt`.
 *
 * @example
 * await store.insertMany([makeUsageRow({ teamId: null, costUsd: 0.1 })]);
 */
export function makeUsageRow(overrides: Partial<UsageRow> = {}): UsageRow {
  rowCounter++;
  return {
    requestId: `req-${rowCounter}`,
    createdAt: 1_700_000_000_000 + rowCounter,
    keyId: 'key_a',
    keyName: 'team-a',
    teamId: 'team_a',
    dialect: 'openai',
    operation: 'chat',
    stream: true,
    modelRequested: 'gpt-4o',
    modelServed: 'gpt-4o-2024-08-06',
    deployment: 'azure-east',
    provider: 'azure-openai',
    status: 'ok',
    httpStatus: 200,
    errorCode: null,
    inputTokens: 1200,
    outputTokens: 345,
    cacheReadTokens: 1024,
    cacheWriteTokens: 7,
    reasoningTokens: 64,
    costUsd: 0.012345678,
    usageEstimated: true,
    latencyMs: 812.25,
    ttftMs: 120.5,
    attempts: [
      {
        deployment: 'azure-west',
        provider: 'azure-openai',
        status: 'error',
        errorCode: 'upstream_rate_limited',
        httpStatus: 429,
        durationMs: 40,
      },
      { deployment: 'azure-east', provider: 'azure-openai', status: 'ok', durationMs: 770.5 },
    ],
    ...overrides,
  };
}

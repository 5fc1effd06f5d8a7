import { z } from 'zod';
import { DateTime, Id, Instant, listOf, named, pageQueryFields } from './admin-schemas.js';

const UsageStatus = z.enum(['ok', 'error', 'rejected', 'cancelled']);

/** The filters `GET /usage` and `GET /usage/summary` share. */
const usageFilterFields = {
  since: Instant.optional().describe('Inclusive; ISO date-time or epoch milliseconds.'),
  until: Instant.optional().describe('Exclusive; ISO date-time or epoch milliseconds.'),
  keyId: Id.optional(),
  teamId: Id.optional(),
  model: z.string().min(1).max(200).optional().describe('The model name the caller asked for.'),
  provider: z.string().min(1).max(100).optional(),
  status: UsageStatus.optional(),
};

export const UsageListQuery = z.strictObject({ ...usageFilterFields, ...pageQueryFields });
export const UsageSummaryQuery = z.strictObject({
  by: z.enum(['team', 'key', 'model', 'provider', 'day']),
  ...usageFilterFields,
});

const UsageAttempt = z.strictObject({
  deployment: z.string(),
  provider: z.string(),
  status: z.enum(['ok', 'error']),
  errorCode: z.string().optional(),
  httpStatus: z.int().optional(),
  durationMs: z.number(),
});

export const UsageRecord = named(
  'UsageRecord',
  z.strictObject({
    requestId: z.string(),
    createdAt: DateTime,
    keyId: z.string().nullable(),
    keyName: z.string().nullable(),
    teamId: z.string().nullable(),
    dialect: z.string(),
    operation: z.string(),
    stream: z.boolean(),
    modelRequested: z.string().nullable(),
    modelServed: z.string().nullable(),
    deployment: z.string().nullable(),
    provider: z.string().nullable(),
    status: UsageStatus,
    httpStatus: z.int(),
    errorCode: z.string().nullable(),
    inputTokens: z.int(),
    outputTokens: z.int(),
    cacheReadTokens: z.int(),
    cacheWriteTokens: z.int(),
    reasoningTokens: z.int(),
    costUsd: z.number().nullable().describe('USD, exact to the nano-dollar; null when nothing priced it.'),
    usageEstimated: z.boolean(),
    latencyMs: z.number(),
    ttftMs: z.number().nullable(),
    attempts: z.array(UsageAttempt),
  }),
);
export const UsageList = listOf('UsageList', UsageRecord);

const summaryCounters = {
  requests: z.int(),
  succeeded: z.int(),
  inputTokens: z.int(),
  outputTokens: z.int(),
  cacheReadTokens: z.int(),
  cacheWriteTokens: z.int(),
  reasoningTokens: z.int(),
  costUsd: z.number().describe('Summed in nano-dollars, then converted: exact.'),
};

export const UsageSummaryRow = named(
  'UsageSummaryRow',
  z.strictObject({
    group: z.string().nullable().describe('Team id, key id, model, provider or UTC day (YYYY-MM-DD).'),
    label: z.string().nullable().describe('For `by=key`: the key name.'),
    ...summaryCounters,
  }),
);
export const UsageSummary = named(
  'UsageSummary',
  z.strictObject({
    by: z.enum(['team', 'key', 'model', 'provider', 'day']),
    data: z.array(UsageSummaryRow),
    totals: z.strictObject(summaryCounters).describe('The sums of the rows.'),
  }),
);

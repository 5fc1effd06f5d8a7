import type { UsageRecorder, UsageRow, UsageStatus } from '../../storage/types.js';
import type { GatewayContext } from '../gateway-context.js';
import { streamedTextByContext, streamPricingByContext } from './accounting-stage.js';
import { countTextTokens, estimatePromptTokens } from './estimate-tokens.js';
import { priceRequest, servedPricing } from './price-request.js';

export interface ExchangeEnd {
  httpStatus: number;
  /** The client went away before the response was complete. */
  clientAborted: boolean;
}

function outcomeOf(context: GatewayContext, end: ExchangeEnd): UsageStatus {
  if (end.clientAborted && !context.completed) return 'cancelled';
  const error = context.error;
  if (error === undefined) return end.httpStatus >= 400 ? 'error' : 'ok';
  if (error.code === 'cancelled') return 'cancelled';
  // Errors the gateway raised itself about the request (auth, validation, limits) are rejections.
  return error.code.startsWith('upstream_') || error.status >= 500 ? 'error' : 'rejected';
}

/**
 * When a stream ended without the provider's usage report (client gone, upstream cut), estimate the
 * tokens from what was streamed and the prompt, so the row still says what was consumed.
 */
async function fillMissingStreamUsage(context: GatewayContext): Promise<void> {
  const streamed = streamedTextByContext.get(context);
  if (streamed === undefined || (context.completed && context.usageMissing !== true)) return;
  context.usage.outputTokens = await countTextTokens(streamed.join(''));
  if (context.parsed?.operation === 'chat') {
    context.usage.inputTokens = await estimatePromptTokens(context.parsed.request);
  }
  context.usageEstimated = true;
}

/**
 * A stream's cost, known only now that it has ended (estimated usage included). Streams carry it
 * in the usage row only: the headers left long before the usage was known.
 */
function priceStream(context: GatewayContext): void {
  const state = streamPricingByContext.get(context);
  if (state === undefined || context.cost !== undefined) return;
  context.cost = priceRequest(context, servedPricing(context, state.resolver), state.metadata);
}

/** The cost as stored: USD from exact nano-dollars (`Number` of the header's string is the same double). */
function costUsd(context: GatewayContext): number | null {
  const cost = context.cost;
  return cost === undefined || cost === null ? null : Number(cost.nanoUsd) / 1e9;
}

export async function buildUsageRow(context: GatewayContext, end: ExchangeEnd): Promise<UsageRow> {
  const outcome = outcomeOf(context, end);
  context.outcome = outcome;
  await fillMissingStreamUsage(context);
  priceStream(context);
  const target = context.target;
  const parsed = context.parsed;
  return {
    requestId: context.requestId,
    createdAt: context.receivedAt,
    keyId: context.principal?.keyId ?? null,
    keyName: context.principal?.keyName ?? null,
    teamId: context.principal?.teamId ?? null,
    dialect: context.dialect,
    operation: parsed?.operation ?? 'unknown',
    stream: parsed?.operation === 'chat' && parsed.request.stream,
    modelRequested: parsed?.request.model ?? context.modelHint ?? null,
    modelServed: context.modelServed ?? null,
    deployment: target?.deployment ?? null,
    provider: target?.provider.name ?? null,
    status: outcome,
    httpStatus: end.httpStatus,
    errorCode: outcome === 'cancelled' ? 'cancelled' : (context.error?.code ?? null),
    inputTokens: context.usage.inputTokens,
    outputTokens: context.usage.outputTokens,
    cacheReadTokens: context.usage.cacheReadTokens,
    cacheWriteTokens: context.usage.cacheWriteTokens,
    reasoningTokens: context.usage.reasoningTokens,
    costUsd: costUsd(context),
    usageEstimated: context.usageEstimated,
    latencyMs: Math.round(performance.now() - context.startTime),
    ttftMs: context.ttftMs === undefined ? null : Math.round(context.ttftMs),
    attempts: context.attempts,
  };
}

/** Records the exchange's usage row. Never throws: accounting must not break a response. */
export function finishExchange(context: GatewayContext, end: ExchangeEnd, recorder: UsageRecorder): void {
  buildUsageRow(context, end).then(
    (row) => recorder.record(row),
    (error: unknown) => context.log.error({ err: error }, 'could not build the usage row'),
  );
}

import type { GatewayContext } from '../pipeline/gateway-context.js';
import type { UsageRow } from '../storage/types.js';
import type { GatewayMetrics } from './metrics.js';

const TOKEN_TYPES = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write', 'cacheWriteTokens'],
  ['reasoning', 'reasoningTokens'],
] as const;

/**
 * Records one finished exchange in the Prometheus metrics. Runs after the response closed, with
 * the usage row already built, so it adds nothing to the time a client waits.
 */
export function recordExchangeMetrics(
  metrics: GatewayMetrics,
  context: GatewayContext,
  row: UsageRow,
  /** Milliseconds from arrival to the response's close, measured when it closed. */
  durationMs: number,
): void {
  metrics.requests.inc({ dialect: row.dialect, status: row.status, code: row.errorCode ?? 'none' });
  // Overhead only means something for requests that reached an upstream and finished normally.
  if (row.status === 'ok' && row.attempts.length > 0) {
    const overheadMs = Math.max(0, durationMs - context.upstreamMs);
    metrics.overhead.observe({ dialect: row.dialect }, overheadMs / 1000);
  }
  // The configured model's name, never the caller's string: unknown names must not mint label values.
  const model = context.model?.name ?? 'unknown';
  const operation = row.operation === 'embed' ? 'embeddings' : 'chat';
  metrics.requestDuration.observe(
    { gen_ai_operation_name: operation, gen_ai_request_model: model, status: row.status },
    durationMs / 1000,
  );
  if (row.ttftMs !== null)
    metrics.timeToFirstToken.observe({ gen_ai_request_model: model }, row.ttftMs / 1000);
  for (const [type, field] of TOKEN_TYPES) {
    const tokens = row[field];
    if (tokens > 0) {
      metrics.tokenUsage.observe(
        { gen_ai_operation_name: operation, gen_ai_request_model: model, gen_ai_token_type: type },
        tokens,
      );
    }
  }
  if (row.cacheReadTokens > 0) metrics.promptCacheHits.inc({ gen_ai_request_model: model });
  if (row.costUsd !== null && row.costUsd > 0) {
    metrics.cost.inc({ gen_ai_request_model: model, deployment: row.deployment ?? 'none' }, row.costUsd);
  }
}

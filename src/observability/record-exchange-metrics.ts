import type { GatewayContext } from '../pipeline/gateway-context.js';
import type { UsageRow } from '../storage/types.js';
import { ChildCache } from './metric-children.js';
import type { GatewayMetrics } from './metrics.js';

const TOKEN_TYPES = [
  ['input', 'inputTokens'],
  ['output', 'outputTokens'],
  ['cache_read', 'cacheReadTokens'],
  ['cache_write', 'cacheWriteTokens'],
  ['reasoning', 'reasoningTokens'],
] as const;

/** The children of the metrics recorded per exchange, per label tuple (see `ChildCache`). */
function createChildren(metrics: GatewayMetrics) {
  return {
    requests: new ChildCache((dialect, status, code) => metrics.requests.labels(dialect, status, code)),
    overhead: new ChildCache((dialect) => metrics.overhead.labels(dialect)),
    requestDuration: new ChildCache((operation, model, status) =>
      metrics.requestDuration.labels(operation, model, status),
    ),
    timeToFirstToken: new ChildCache((model) => metrics.timeToFirstToken.labels(model)),
    tokenUsage: new ChildCache((operation, model, type) => metrics.tokenUsage.labels(operation, model, type)),
    promptCacheHits: new ChildCache((model) => metrics.promptCacheHits.labels(model)),
    cost: new ChildCache((model, deployment) => metrics.cost.labels(model, deployment)),
  };
}

const childrenByMetrics = new WeakMap<GatewayMetrics, ReturnType<typeof createChildren>>();

function childrenOf(metrics: GatewayMetrics): ReturnType<typeof createChildren> {
  let children = childrenByMetrics.get(metrics);
  if (children === undefined) {
    children = createChildren(metrics);
    childrenByMetrics.set(metrics, children);
  }
  return children;
}

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
  const children = childrenOf(metrics);
  children.requests.get(row.dialect, row.status, row.errorCode ?? 'none').inc();
  // Overhead only means something for requests that reached an upstream and finished normally.
  if (row.status === 'ok' && row.attempts.length > 0) {
    const overheadMs = Math.max(0, durationMs - context.upstreamMs);
    children.overhead.get(row.dialect).observe(overheadMs / 1000);
  }
  // The configured model's name, never the caller's string: unknown names must not mint label values.
  const model = context.model?.name ?? 'unknown';
  const operation = row.operation === 'embed' ? 'embeddings' : 'chat';
  children.requestDuration.get(operation, model, row.status).observe(durationMs / 1000);
  if (row.ttftMs !== null) children.timeToFirstToken.get(model).observe(row.ttftMs / 1000);
  for (const [type, field] of TOKEN_TYPES) {
    const tokens = row[field];
    if (tokens > 0) children.tokenUsage.get(operation, model, type).observe(tokens);
  }
  if (row.cacheReadTokens > 0) children.promptCacheHits.get(model).inc();
  if (row.costUsd !== null && row.costUsd > 0) {
    children.cost.get(model, row.deployment ?? 'none').inc(row.costUsd);
  }
}

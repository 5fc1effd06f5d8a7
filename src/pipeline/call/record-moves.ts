import type { GatewayMetrics } from '../../observability/metrics.js';
import { isSpillover, type MoveReason } from './classify-failure.js';

/**
 * Counts the pending moves of a request as it arrives at `to` (a deployment, or `none` when nothing
 * was left) and empties the list. Returns the deployment of the first spillover among them, if any.
 *
 * @example
 * recordMoves(metrics, 'gpt-4o', [{ from: 'gpt-4o-ptu', reason: 'capacity' }], 'gpt-4o-paygo') // 'gpt-4o-ptu'
 */
export function recordMoves(
  metrics: GatewayMetrics,
  model: string,
  moves: Array<{ from: string; reason: MoveReason }>,
  to: string,
): string | undefined {
  let spilledFrom: string | undefined;
  for (const { from, reason } of moves) {
    if (from === to) continue;
    const labels = { model, from, to, reason };
    metrics.fallbacks.inc(labels);
    if (isSpillover(reason)) {
      metrics.spillovers.inc(labels);
      spilledFrom ??= from;
    }
  }
  moves.length = 0;
  return spilledFrom;
}

import type { GatewayError } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';

/** Why a request left a deployment — the `reason` label of the fallback and spillover metrics. */
export type MoveReason =
  | 'capacity'
  | 'rate_limited'
  | 'server_error'
  | 'timeout'
  | 'unavailable'
  | 'context_length'
  | 'breaker_open';

/**
 * What a failed attempt means:
 * - `fatal`: the request itself is wrong (or the client left); stop and return this error;
 * - `next`: this deployment cannot serve this request; try the others;
 * - `retry`: a transient failure; try the others, and this one again later (with backoff).
 * `health` says what the circuit breaker should count.
 */
export interface FailureVerdict {
  action: 'fatal' | 'next' | 'retry';
  reason: MoveReason;
  health: 'failure' | 'success' | 'neutral';
}

const REASONS: Partial<Record<GatewayError['code'], MoveReason>> = {
  upstream_rate_limited: 'rate_limited',
  upstream_timeout: 'timeout',
  upstream_unavailable: 'unavailable',
};

/**
 * Classifies a failed attempt. A 429 never counts against a deployment's health (it is busy, not
 * broken); a provider saying the prompt is too long for *this* deployment sends the request on to
 * the others, which may have larger windows.
 *
 * @example
 * classifyFailure(new UpstreamError('busy', { url, statusCode: 429 })) // { action: 'retry', reason: 'rate_limited', health: 'neutral' }
 */
export function classifyFailure(error: GatewayError): FailureVerdict {
  if (error.code === 'cancelled') return { action: 'fatal', reason: 'server_error', health: 'neutral' };
  if (error.code === 'context_length_exceeded' && error instanceof UpstreamError) {
    return { action: 'next', reason: 'context_length', health: 'success' };
  }
  if (!error.isRetryable) return { action: 'fatal', reason: 'server_error', health: 'neutral' };
  const reason = REASONS[error.code] ?? 'server_error';
  return { action: 'retry', reason, health: reason === 'rate_limited' ? 'neutral' : 'failure' };
}

/** Moves caused by a lack of capacity are spillovers (`x-converge-spillover`, `converge_spillovers_total`). */
export function isSpillover(reason: MoveReason): boolean {
  return reason === 'capacity' || reason === 'rate_limited';
}

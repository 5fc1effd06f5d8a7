import type { RoutingState } from '../../routing/routing-state.js';
import type { Stage } from '../compose.js';
import { CallRun } from './call-run.js';

export interface CallStageOptions {
  routing: RoutingState;
  /** Upper bound for one upstream call, request to last byte (`server.upstreamTimeoutMs`). */
  upstreamTimeoutMs: number;
}

/**
 * Calls the candidates in the route stage's order. Before each attempt the deployment's circuit
 * breaker and (when provisioned) the gateway's own capacity accounting must admit it — otherwise
 * the request spills over to the next candidate before the provider would refuse it. A retryable
 * failure (429, 5xx, timeout, connection error, "context too long" for this deployment) moves on at
 * once; with `routing.retries.attemptsPerTarget` > 1 the failed deployments get further rounds after
 * a capped, fully jittered backoff that honours `retry-after` up to a bound. A stream is returned
 * only once its first content part arrived, so everything up to there can still fail over; after
 * that an upstream failure is the dialect's in-stream error. Every attempt is recorded.
 */
export function createCallStage(options: CallStageOptions): Stage {
  const { routing } = options;
  const timeouts = {
    firstTokenMs: routing.settings.timeouts.firstTokenMs,
    totalMs: routing.settings.timeouts.totalMs ?? options.upstreamTimeoutMs,
  };
  return async function call(context, next) {
    context.output = await new CallRun(context, routing, timeouts).execute();
    await next();
  };
}

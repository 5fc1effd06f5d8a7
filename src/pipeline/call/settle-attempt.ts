import type { Logger } from 'pino';
import type { Usage } from '../../core/usage.js';
import type { CapacityReservation } from '../../routing/capacity-tracker.js';
import type { BreakerPermit } from '../../routing/circuit-breaker.js';
import type { RoutingState } from '../../routing/routing-state.js';
import type { UsageAttempt } from '../../storage/types.js';
import type { GatewayOutput } from '../gateway-context.js';
import type { Attempt } from './attempt-target.js';
import { classifyFailure, type FailureVerdict } from './classify-failure.js';
import { trackStream } from './track-stream.js';

/** A target's admission for one attempt: the breaker's permit and, when provisioned, the capacity held. */
export interface Admission {
  deployment: string;
  permit: BreakerPermit;
  reservation: CapacityReservation | undefined;
}

function usedTokens(usage: Usage): number {
  return usage.inputTokens + usage.outputTokens;
}

/** Tells the deployment's breaker what an attempt said about its health. */
export function reportHealth(
  routing: RoutingState,
  admission: Admission,
  health: FailureVerdict['health'],
  log: Logger,
): void {
  const { deployment, permit } = admission;
  if (health === 'failure') routing.breakers.recordFailure(deployment, permit, log);
  else if (health === 'success') routing.breakers.recordSuccess(deployment, permit, log);
  else routing.breakers.recordNeutral(deployment, permit);
}

/**
 * Books a successful attempt: breaker success, capacity settled with the real usage, latency
 * averages fed. A stream is booked when it ends (wrapped by `trackStream`); a stream cut after its
 * first content part counts against the deployment and marks its attempt as failed.
 */
export function settleSuccess(
  routing: RoutingState,
  attempt: Attempt,
  admission: Admission,
  entry: UsageAttempt,
  log: Logger,
): GatewayOutput {
  const { deployment } = admission;
  const { latency, clock } = routing;
  const output = attempt.output;
  const durationMs = attempt.firstTokenAt - attempt.startedAt;
  if (output.type === 'embed') {
    reportHealth(routing, admission, 'success', log);
    admission.reservation?.settle(output.result.usage.inputTokens);
    latency.recordTtft(deployment, durationMs, clock());
    return output;
  }
  if (output.type === 'chat') {
    reportHealth(routing, admission, 'success', log);
    admission.reservation?.settle(usedTokens(output.result.usage));
    // A non-stream answer includes its generation; take that out when the speed is known.
    const speed = latency.tokensPerSecond(deployment);
    const generation = speed === undefined ? 0 : (output.result.usage.outputTokens * 1000) / speed;
    latency.recordTtft(deployment, Math.max(0, durationMs - generation), clock());
    return output;
  }
  latency.recordTtft(deployment, durationMs, clock());
  const stream = trackStream(
    output.head,
    output.rest,
    attempt.timedOut,
    {
      finished: (usage) => {
        reportHealth(routing, admission, 'success', log);
        admission.reservation?.settle(usedTokens(usage));
        const seconds = (performance.now() - attempt.firstTokenAt) / 1000;
        // Streams shorter than 10 ms (local, zero-latency) say nothing about a deployment's speed.
        if (seconds >= 0.01) latency.recordThroughput(deployment, usage.outputTokens / seconds, clock());
        entry.durationMs = performance.now() - attempt.startedAt;
      },
      failed: (error) => {
        // The provider billed what it streamed: the reservation stays as it was.
        reportHealth(
          routing,
          admission,
          classifyFailure(error).health === 'failure' ? 'failure' : 'neutral',
          log,
        );
        entry.status = 'error';
        entry.errorCode = error.code;
        entry.durationMs = performance.now() - attempt.startedAt;
      },
      abandoned: () => reportHealth(routing, admission, 'neutral', log),
    },
    attempt.release,
  );
  return { type: 'stream', stream };
}

/** A deployment's provisioned throughput per minute; an absent limit is unlimited. */
export interface CapacityLimits {
  rpm?: number | undefined;
  tpm?: number | undefined;
}

/** Tokens and one request held in a deployment's minute until the call's real usage is known. */
export interface CapacityReservation {
  /** Replaces the reserved tokens with what the call really used (input + output). */
  settle(actualTokens: number): void;
  /** Gives the whole reservation back: the provider refused the call or never saw it. */
  release(): void;
}

export type CapacityAdmission =
  | { admitted: true; reservation: CapacityReservation }
  | {
      admitted: false;
      exceeded: 'requests' | 'tokens';
      /** When enough of the minute has passed for this request to fit. */
      retryAfterMs: number;
    };

/** What a deployment used in the current minute. */
export interface CapacityUsage {
  requests: number;
  tokens: number;
}

/**
 * The gateway's own per-minute accounting of provisioned deployments, so a request spills over
 * *before* the provider would refuse it. Async because a cluster keeps it in Redis (issue #6); the
 * in-memory implementation is `MemoryCapacityTracker`.
 *
 * @example
 * const admission = await tracker.reserve('gpt-4o-ptu', { tpm: 10_000 }, 1_200);
 * if (admission.admitted) admission.reservation.settle(1_050);
 */
export interface CapacityTracker {
  /** Admits and reserves `tokens` and one request, or says why not. Never reserves on refusal. */
  reserve(deployment: string, limits: CapacityLimits, tokens: number): Promise<CapacityAdmission>;
  usage(deployment: string): Promise<CapacityUsage>;
}

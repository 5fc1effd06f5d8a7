import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import { retryDelayMs } from '../../routing/backoff.js';
import type { RoutingState } from '../../routing/routing-state.js';
import type { UsageAttempt } from '../../storage/types.js';
import type { GatewayContext, GatewayOutput } from '../gateway-context.js';
import type { Target } from '../route/model-registry.js';
import { inputTokensFor } from '../route/route-decision.js';
import { type Attempt, type AttemptTimeouts, attemptTarget } from './attempt-target.js';
import { classifyFailure, type MoveReason } from './classify-failure.js';
import { recordMoves } from './record-moves.js';
import { type Admission, reportHealth, settleSuccess } from './settle-attempt.js';

/**
 * One request's walk through its candidates: breaker and capacity admission, the attempt, and what
 * a failure means (move on now, retry later with backoff, or stop). Every attempt is recorded on the
 * context; every move between deployments is counted.
 */
export class CallRun {
  private attemptCount = 0;
  // Created on first use: most requests succeed on their first target and never need them.
  /** Deployment → when it last failed and the retry-after it sent. */
  private failures: Map<string, { at: number; retryAfterMs: number | undefined }> | undefined;
  private excluded: Set<string> | undefined;
  private moves: Array<{ from: string; reason: MoveReason }> | undefined;
  private capacityWaits: number[] | undefined;
  private breakerSkips = 0;
  private spilledFrom: string | undefined;
  private lastError: GatewayError | undefined;

  constructor(
    private readonly context: GatewayContext,
    private readonly routing: RoutingState,
    private readonly timeouts: AttemptTimeouts,
  ) {}

  /** Runs attempts until one produces output; throws the error that best explains a total failure. */
  async execute(): Promise<GatewayOutput> {
    const candidates = this.context.candidates ?? [];
    const { attemptsPerTarget, maxAttempts } = this.routing.settings.retries;
    const budget = maxAttempts ?? candidates.length * attemptsPerTarget;
    for (let round = 0; round < attemptsPerTarget; round++) {
      for (const target of candidates) {
        if (this.context.signal.aborted) throw this.cancelled();
        if (this.excluded?.has(target.deployment) === true) continue;
        if (this.attemptCount >= budget) return this.fail();
        const output = await this.tryTarget(target, round);
        if (output !== undefined) return output;
      }
    }
    return this.fail();
  }

  private async tryTarget(target: Target, round: number): Promise<GatewayOutput | undefined> {
    if (round > 0 && !(await this.waitBeforeRetry(target, round))) return undefined;
    const admission = await this.admit(target);
    if (admission === undefined) return undefined;
    this.arriveAt(target);
    this.attemptCount += 1;
    const started = performance.now();
    let attempt: Attempt;
    try {
      attempt = await attemptTarget(this.context, target, this.timeouts);
    } catch (error: unknown) {
      this.onFailure(target, toGatewayError(error), admission, performance.now() - started);
      return undefined;
    }
    return this.deliver(target, attempt, admission);
  }

  /** Sleeps out the backoff (or a short enough retry-after) before retrying a target. */
  private async waitBeforeRetry(target: Target, round: number): Promise<boolean> {
    const delay = retryDelayMs(
      round,
      this.failures?.get(target.deployment)?.retryAfterMs,
      this.routing.settings.retries,
      this.routing.random,
    );
    if (delay === undefined) return false;
    const due = (this.failures?.get(target.deployment)?.at ?? 0) + delay - this.routing.clock();
    await this.routing.sleep(due, this.context.signal);
    return !this.context.signal.aborted;
  }

  /** Breaker first, then the gateway's own capacity accounting; refusal moves on to the next target. */
  private async admit(target: Target): Promise<Admission | undefined> {
    const permit = this.routing.breakers.tryAcquire(target.deployment, this.context.log);
    if (permit === undefined) {
      this.breakerSkips += 1;
      return this.skip(target, 'breaker_open');
    }
    const limits = target.provisioned;
    const decision = this.context.route;
    const deployment = target.deployment;
    if (limits === undefined || decision === undefined) return { deployment, permit, reservation: undefined };
    const tokens = inputTokensFor(decision, target) + decision.outputTokens;
    const admission = await this.routing.capacity.reserve(target.deployment, limits, tokens);
    if (admission.admitted) return { deployment, permit, reservation: admission.reservation };
    this.routing.breakers.recordNeutral(target.deployment, permit);
    this.capacityWaits ??= [];
    this.capacityWaits.push(admission.retryAfterMs);
    return this.skip(target, 'capacity');
  }

  private exclude(deployment: string): void {
    this.excluded ??= new Set();
    this.excluded.add(deployment);
  }

  private addMove(move: { from: string; reason: MoveReason }): void {
    this.moves ??= [];
    this.moves.push(move);
  }

  private skip(target: Target, reason: MoveReason): undefined {
    this.exclude(target.deployment);
    this.addMove({ from: target.deployment, reason });
    return undefined;
  }

  /** Counts the moves that led here and remembers the first spillover for the response header. */
  private arriveAt(target: Target): void {
    if (this.moves === undefined || this.moves.length === 0) return;
    const spilled = recordMoves(
      this.routing.metrics,
      this.context.model?.name ?? '',
      this.moves,
      target.deployment,
    );
    this.spilledFrom ??= spilled;
  }

  private record(target: Target, status: UsageAttempt['status'], durationMs: number, error?: GatewayError) {
    const entry: UsageAttempt = {
      deployment: target.deployment,
      provider: target.provider.name,
      status,
      ...(error !== undefined && { errorCode: error.code, httpStatus: error.status }),
      durationMs,
    };
    this.context.attempts.push(entry);
    this.context.upstreamMs += durationMs;
    return entry;
  }

  private onFailure(target: Target, error: GatewayError, admission: Admission, durationMs: number): void {
    this.record(target, 'error', durationMs, error);
    this.context.log.debug({ err: error, deployment: target.deployment }, 'upstream attempt failed');
    const verdict = classifyFailure(error);
    reportHealth(this.routing, admission, verdict.health, this.context.log);
    // A timed-out call may have been counted by the provider; anything else was refused or never seen.
    if (error.code !== 'upstream_timeout') admission.reservation?.release();
    if (verdict.action === 'fatal') {
      this.recordMovesToNone();
      throw error.code === 'cancelled' ? this.cancelled() : error;
    }
    this.lastError = error;
    this.failures ??= new Map();
    this.failures.set(target.deployment, {
      at: this.routing.clock(),
      retryAfterMs: error.retryAfterMs,
    });
    this.addMove({ from: target.deployment, reason: verdict.reason });
    const hintTooLong = (error.retryAfterMs ?? 0) > this.routing.settings.retries.maxRetryAfterMs;
    // A provisioned deployment out of capacity spills over at once; it will not free up within a request.
    const outOfCapacity =
      verdict.reason === 'rate_limited' && (target.provisioned !== undefined || hintTooLong);
    if (verdict.action === 'next' || outOfCapacity) this.exclude(target.deployment);
  }

  private deliver(target: Target, attempt: Attempt, admission: Admission): GatewayOutput {
    const entry = this.record(target, 'ok', attempt.firstTokenAt - attempt.startedAt);
    this.context.target = target;
    if (this.spilledFrom !== undefined && this.spilledFrom !== target.deployment) {
      this.context.spillover = `${this.spilledFrom}->${target.deployment}`;
    }
    return settleSuccess(this.routing, attempt, admission, entry, this.context.log);
  }

  private cancelled(): GatewayError {
    return new GatewayError('cancelled', 'The client closed the request.');
  }

  /** Every candidate failed or was skipped: the error that explains it best. */
  private recordMovesToNone(): void {
    if (this.moves !== undefined)
      recordMoves(this.routing.metrics, this.context.model?.name ?? '', this.moves, 'none');
  }

  private fail(): never {
    this.recordMovesToNone();
    if (this.context.signal.aborted) throw this.cancelled();
    const model = this.context.model?.name ?? 'the model';
    const capacityWaits = this.capacityWaits ?? [];
    if (this.attemptCount === 0 && capacityWaits.length > 0 && this.breakerSkips === 0) {
      const wait = Math.min(...capacityWaits);
      throw new GatewayError(
        'upstream_rate_limited',
        `Every deployment of \`${model}\` is at its provisioned capacity for this minute; retry in ${Math.ceil(wait / 1000)} s.`,
        { isRetryable: true, retryAfterMs: wait },
      );
    }
    const decision = this.context.route;
    if (this.lastError === undefined) {
      const deployments = (this.context.candidates ?? []).map((target) => target.deployment);
      const wait = this.routing.breakers.msUntilAvailable(deployments);
      throw new GatewayError('no_eligible_target', `No deployment of \`${model}\` is available right now.`, {
        isRetryable: true,
        ...(wait > 0 && { retryAfterMs: wait }),
      });
    }
    if ((decision?.residencyExcluded ?? 0) > 0) {
      throw new GatewayError(
        'no_eligible_target',
        `Every deployment of \`${model}\` allowed to process this request (${decision?.residency?.join(', ')}) ` +
          `failed; ${decision?.residencyExcluded} outside it were not tried. Last error: ${this.lastError.message}`,
        { isRetryable: true, cause: this.lastError, details: { lastErrorCode: this.lastError.code } },
      );
    }
    throw this.lastError;
  }
}

import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/gateway-error.js';
import { usdToMicros } from '../../limits/budget-periods.js';
import type { LimitDecision, LimitScope, LimitStore, ScopeLimits } from '../../limits/limit-store.js';
import type { Stage } from '../compose.js';
import type { GatewayContext, Principal } from '../gateway-context.js';
import { estimateRequest, type RequestEstimate } from './estimate-request.js';
import { endReservationAfterStream, HeldReservation } from './held-reservation.js';
import { createLeaseRenewer, type LeaseRenewer } from './lease-renewer.js';
import type { LimitPricing } from './limit-pricing.js';
import { limitRejection, requestTooLargeForTpm } from './limit-rejection.js';
import { rateLimitHeaders } from './rate-limit-headers.js';

export interface LimitsStageOptions {
  store: LimitStore;
  /** The limits of the calling key (config, defaults, later the admin API); undefined = none. */
  limitsFor: (principal: Principal) => ScopeLimits | undefined;
  pricing: LimitPricing;
  /** What to do when the store cannot answer: serve unlimited, or refuse with 503. */
  onStoreError: 'fail-open' | 'fail-closed';
  /** Output tokens reserved for a request that sets no max_tokens. */
  defaultMaxOutputTokens: number;
  /** The store's concurrency lease; renewed every third of it while an exchange runs. */
  leaseMs: number;
  /** Epoch ms; injectable so tests control the minute windows. */
  clock?: () => number;
}

function hasLimits(limits: ScopeLimits | undefined): limits is ScopeLimits {
  return (
    limits !== undefined &&
    (limits.rpm !== undefined ||
      limits.tpm !== undefined ||
      limits.concurrency !== undefined ||
      (limits.budgets?.length ?? 0) > 0)
  );
}

interface Attempt {
  scope: LimitScope;
  estimate: RequestEstimate;
  tokens: number;
  costMicros: number;
}

/** Logs when an alert-only budget is crossed by this request (once per crossing, per replica view). */
function logBudgetAlerts(context: GatewayContext, attempt: Attempt, decision: LimitDecision): void {
  const counters = decision.counters[0];
  for (const budget of attempt.scope.limits.budgets ?? []) {
    if (budget.hard || counters === undefined) continue;
    const spent = budget.period === 'day' ? counters.spentMicros.day : counters.spentMicros.month;
    if (spent >= budget.limitMicros && spent - attempt.costMicros < budget.limitMicros) {
      context.log.warn(
        {
          keyName: context.principal?.keyName,
          period: budget.period,
          spentMicros: spent,
          limitMicros: budget.limitMicros,
        },
        'alert-only budget crossed',
      );
    }
  }
}

/** While the store is down every request fails the same way: log it once per interval, not per request. */
const STORE_ERROR_LOG_INTERVAL_MS = 10_000;

function createAcquirer(options: LimitsStageOptions) {
  let lastLogged = Number.NEGATIVE_INFINITY;
  return async function acquire(
    context: GatewayContext,
    attempt: Attempt,
    now: number,
  ): Promise<LimitDecision | undefined> {
    try {
      return await options.store.acquire({
        reservationId: randomUUID(),
        scopes: [attempt.scope],
        tokens: attempt.tokens,
        costMicros: attempt.costMicros,
        now,
      });
    } catch (error: unknown) {
      const failOpen = options.onStoreError === 'fail-open';
      if (performance.now() - lastLogged >= STORE_ERROR_LOG_INTERVAL_MS) {
        lastLogged = performance.now();
        context.log.warn(
          { err: error },
          failOpen
            ? 'limit store unavailable; serving without limits (fail-open)'
            : 'limit store unavailable; refusing requests of limited keys (fail-closed)',
        );
      }
      if (failOpen) return undefined;
      throw new GatewayError('limits_unavailable', 'Rate limits and budgets cannot be checked right now.', {
        isRetryable: true,
        retryAfterMs: 1_000,
        cause: error,
      });
    }
  };
}

function prepare(
  options: LimitsStageOptions,
  context: GatewayContext,
  principal: Principal,
  limits: ScopeLimits,
) {
  const parsed = context.parsed;
  if (parsed === undefined) throw new Error('limits stage ran before parse');
  const estimate = estimateRequest(parsed, options.defaultMaxOutputTokens);
  const tokens = estimate.promptTokens + estimate.maxOutputTokens;
  if (limits.tpm !== undefined && tokens > limits.tpm) {
    throw requestTooLargeForTpm(tokens, limits.tpm, principal.keyName);
  }
  const costMicros = hasBudget(limits) ? usdToMicros(options.pricing.maxCostUsd(context, estimate)) : 0;
  return { scope: { id: `key:${principal.keyId}`, limits }, estimate, tokens, costMicros };
}

function hasBudget(limits: ScopeLimits): boolean {
  return (limits.budgets?.length ?? 0) > 0;
}

async function runReserved(context: GatewayContext, held: HeldReservation, next: () => Promise<void>) {
  try {
    await next();
  } catch (error: unknown) {
    await held.endWithError(
      context.signal.aborted || (GatewayError.isGatewayError(error) && error.code === 'cancelled'),
    );
    throw error;
  }
  const output = context.output;
  if (output === undefined) return held.endWithError(false);
  if (output.type !== 'stream') return held.endWithOutput(output);
  context.output = { type: 'stream', stream: endReservationAfterStream(output.stream, held) };
  // A client that leaves before the stream is read still ends the reservation.
  if (context.signal.aborted) await held.endStream();
  else context.signal.addEventListener('abort', () => void held.endStream(), { once: true });
}

/**
 * The limits stage (after route, before call): RPM, TPM, concurrency and USD budgets per key, all
 * checked and reserved in one atomic store call. TPM reserves the estimated prompt + max output,
 * budgets the request's maximum cost; both are reconciled with the actual usage when the exchange
 * ends, and the concurrency slot is freed then — on success, error, client disconnect or shutdown.
 * Refusals are 429 `rate_limited` / `budget_exceeded` with `retry-after`; `x-ratelimit-*` headers go
 * on every response of a limited key.
 *
 * @example
 * createLimitsStage({ store, limitsFor, pricing, onStoreError: 'fail-open', defaultMaxOutputTokens: 4096, leaseMs: 60_000 });
 */
export function createLimitsStage(options: LimitsStageOptions | undefined): Stage {
  if (options === undefined) return (_context, next) => next();
  const clock = options.clock ?? Date.now;
  const acquire = createAcquirer(options);
  let renewer: LeaseRenewer | undefined;
  return async function limits(context, next) {
    const principal = context.principal;
    const limits = principal === undefined ? undefined : options.limitsFor(principal);
    if (principal === undefined || !hasLimits(limits)) return next();
    const attempt = prepare(options, context, principal, limits);
    const now = clock();
    const decision = await acquire(context, attempt, now);
    if (decision === undefined) return next();
    const counters = decision.counters[0];
    if (counters !== undefined) {
      context.responseHeaders = { ...context.responseHeaders, ...rateLimitHeaders(limits, counters, now) };
    }
    const reservation = decision.reservation;
    if (!decision.allowed || reservation === undefined) {
      throw limitRejection(decision, [attempt.scope], attempt, principal.keyName);
    }
    logBudgetAlerts(context, attempt, decision);
    renewer ??= createLeaseRenewer(options.store, { leaseMs: options.leaseMs, clock, log: context.log });
    const held = new HeldReservation(
      { store: options.store, renewer, pricing: options.pricing },
      context,
      reservation,
      attempt.estimate,
    );
    await runReserved(context, held, next);
  };
}

import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/gateway-error.js';
import { usdToMicros } from '../../limits/budget-periods.js';
import type { LimitDecision, LimitDimension, LimitScope, LimitStore } from '../../limits/limit-store.js';
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
  /** The scopes to check for a caller; default: `principal.limitScopes` (key, then team). */
  scopesFor?: (principal: Principal) => readonly LimitScope[] | undefined;
  pricing: LimitPricing;
  /** What to do when the store cannot answer: serve unlimited, or refuse with 503. */
  onStoreError: 'fail-open' | 'fail-closed';
  /** Output tokens reserved for a request that sets no max_tokens. */
  defaultMaxOutputTokens: number;
  /** The store's concurrency lease; renewed every third of it while an exchange runs. */
  leaseMs: number;
  /** Epoch ms; injectable so tests control the minute windows. */
  clock?: () => number;
  /** Counts refusals (the `converge_limit_rejections_total` metric). */
  onRejection?: (dimension: LimitDimension) => void;
}

function hasLimits(scope: LimitScope): boolean {
  const limits = scope.limits;
  return (
    limits.rpm !== undefined ||
    limits.tpm !== undefined ||
    limits.concurrency !== undefined ||
    (limits.budgets?.length ?? 0) > 0
  );
}

interface Attempt {
  scopes: readonly LimitScope[];
  /** Who each scope belongs to, for messages (``key `ci` ``, ``team `search` ``). */
  owners: readonly string[];
  estimate: RequestEstimate;
  tokens: number;
  costMicros: number;
}

/** Logs when an alert-only budget is crossed by this request (once per crossing, per replica view). */
function logBudgetAlerts(context: GatewayContext, attempt: Attempt, decision: LimitDecision): void {
  attempt.scopes.forEach((scope, index) => {
    const counters = decision.counters[index];
    for (const budget of scope.limits.budgets ?? []) {
      if (budget.hard || counters === undefined) continue;
      const spent = budget.period === 'day' ? counters.spentMicros.day : counters.spentMicros.month;
      if (spent >= budget.limitMicros && spent - attempt.costMicros < budget.limitMicros) {
        context.log.warn(
          {
            scope: attempt.owners[index],
            period: budget.period,
            spentMicros: spent,
            limitMicros: budget.limitMicros,
          },
          'alert-only budget crossed',
        );
      }
    }
  });
}

function ownerOf(scope: LimitScope, principal: Principal): string {
  return scope.id.startsWith('team:')
    ? `team \`${principal.teamName ?? scope.id.slice(5)}\``
    : `key \`${principal.keyName}\``;
}

const HEADER_NAMES = (['requests', 'tokens'] as const).map((name) => ({
  remaining: `x-ratelimit-remaining-${name}`,
  parts: [`x-ratelimit-limit-${name}`, `x-ratelimit-remaining-${name}`, `x-ratelimit-reset-${name}`],
}));

/** The headers of the scope with the least left, dimension by dimension. */
function mergedHeaders(attempt: Attempt, decision: LimitDecision, now: number): Record<string, string> {
  const scopes = attempt.scopes;
  const only = scopes.length === 1 ? decision.counters[0] : undefined;
  // One scope: its own headers are the merge (same names, same order).
  if (only !== undefined) return rateLimitHeaders((scopes[0] as LimitScope).limits, only, now);
  const merged: Record<string, string> = {};
  scopes.forEach((scope, index) => {
    const counters = decision.counters[index];
    if (counters === undefined) return;
    const headers = rateLimitHeaders(scope.limits, counters, now);
    for (const names of HEADER_NAMES) {
      const remaining = headers[names.remaining];
      const known = merged[names.remaining];
      if (remaining === undefined || (known !== undefined && Number(known) <= Number(remaining))) continue;
      for (const name of names.parts) {
        const value = headers[name];
        if (value !== undefined) merged[name] = value;
      }
    }
  });
  return merged;
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
        scopes: attempt.scopes,
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

/** A caller's limited scopes with their owners' names: the same for every request of one principal. */
interface CallerScopes {
  /** What `scopesFor` returned, to notice a different answer. */
  source: readonly LimitScope[] | undefined;
  scopes: readonly LimitScope[];
  owners: string[];
  budgeted: boolean;
}

/**
 * Caches the filtered scopes per principal. A principal is rebuilt (a new object) whenever its key or
 * team changes, so a cached entry never outlives what it was computed from.
 */
function createScopeCache(scopesFor: (principal: Principal) => readonly LimitScope[] | undefined) {
  const cache = new WeakMap<Principal, CallerScopes>();
  return function callerScopes(principal: Principal): CallerScopes {
    const source = scopesFor(principal);
    const cached = cache.get(principal);
    if (cached !== undefined && cached.source === source) return cached;
    const scopes = source?.filter(hasLimits) ?? [];
    const computed: CallerScopes = {
      source,
      scopes,
      owners: scopes.map((scope) => ownerOf(scope, principal)),
      budgeted: scopes.some((scope) => (scope.limits.budgets?.length ?? 0) > 0),
    };
    cache.set(principal, computed);
    return computed;
  };
}

function prepare(options: LimitsStageOptions, context: GatewayContext, caller: CallerScopes): Attempt {
  const parsed = context.parsed;
  if (parsed === undefined) throw new Error('limits stage ran before parse');
  const estimate = estimateRequest(parsed, options.defaultMaxOutputTokens);
  const tokens = estimate.promptTokens + estimate.maxOutputTokens;
  const { scopes, owners } = caller;
  for (let index = 0; index < scopes.length; index++) {
    const tpm = (scopes[index] as LimitScope).limits.tpm;
    if (tpm !== undefined && tokens > tpm) throw requestTooLargeForTpm(tokens, tpm, owners[index] ?? '');
  }
  const costMicros = caller.budgeted ? usdToMicros(options.pricing.maxCostUsd(context, estimate)) : 0;
  return { scopes, owners, estimate, tokens, costMicros };
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
  const callerScopes = createScopeCache(options.scopesFor ?? ((principal) => principal.limitScopes));
  return async function limits(context, next) {
    const principal = context.principal;
    const caller = principal === undefined ? undefined : callerScopes(principal);
    if (caller === undefined || caller.scopes.length === 0) return next();
    const attempt = prepare(options, context, caller);
    const now = clock();
    const decision = await acquire(context, attempt, now);
    if (decision === undefined) return next();
    const headers = mergedHeaders(attempt, decision, now);
    context.responseHeaders =
      context.responseHeaders === undefined ? headers : { ...context.responseHeaders, ...headers };
    const reservation = decision.reservation;
    if (!decision.allowed || reservation === undefined) {
      options.onRejection?.(decision.rejection?.dimension ?? 'requests');
      throw limitRejection(decision, attempt.scopes, attempt, attempt.owners);
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

import { GatewayError } from '../../core/gateway-error.js';
import { measureChatPrompt, measureEmbedInput, type PromptMeasure } from '../../routing/measure-prompt.js';
import { MAX_COST_HEADER, ROUTE_HEADER, type RouteHints } from '../../routing/route-hints.js';
import type { RoutingState } from '../../routing/routing-state.js';
import type { GatewayContext, ParsedRequest } from '../gateway-context.js';
import {
  type ContextFit,
  filterByCapability,
  filterByContextWindow,
  filterByResidency,
  fitsEveryWindow,
  requiredCapabilities,
} from './filter-candidates.js';
import type { ModelEntry, Target } from './model-registry.js';
import { estimateCostUsd, orderCandidates } from './order-candidates.js';
import { inputTokensFor, type RouteDecision } from './route-decision.js';

export interface RoutePlan {
  candidates: Target[];
  decision: RouteDecision;
}

/** The deployments named by `x-converge-route`, in that order; an unknown name is a 400. */
function applyRouteHint(entry: ModelEntry, names: readonly string[]): Target[] {
  return names.map((name) => {
    const target = entry.targets.find((candidate) => candidate.deployment === name);
    if (target === undefined) {
      const known = entry.targets.map((candidate) => `\`${candidate.deployment}\``).join(', ');
      throw new GatewayError(
        'invalid_request',
        `${ROUTE_HEADER} names \`${name}\`, which is not a deployment of \`${entry.name}\` (its deployments: ${known}).`,
        { param: ROUTE_HEADER },
      );
    }
    return target;
  });
}

/** Checks the hints are readable and the key may use them. */
function checkHints(context: GatewayContext, hints: RouteHints, allowed: boolean): void {
  if (hints.invalid !== undefined) throw new GatewayError('invalid_request', hints.invalid);
  if (!allowed) {
    throw new GatewayError(
      'permission_denied',
      `The key \`${context.principal?.keyName ?? ''}\` may not override routing (${ROUTE_HEADER}, ${MAX_COST_HEADER}).`,
    );
  }
}

function filterByCost(
  targets: Target[],
  decision: RouteDecision,
  maxCostUsd: number,
  model: string,
): Target[] {
  const kept = targets.filter((target) => {
    const cost = estimateCostUsd(target, inputTokensFor(decision, target), decision.outputTokens);
    return cost !== undefined && cost <= maxCostUsd;
  });
  if (kept.length > 0) return kept;
  throw new GatewayError(
    'invalid_request',
    `No deployment of \`${model}\` has a known estimated cost within ${MAX_COST_HEADER}: ${maxCostUsd}.`,
    { param: MAX_COST_HEADER },
  );
}

function noEligibleTarget(message: string, retryAfterMs?: number): GatewayError {
  return new GatewayError('no_eligible_target', message, {
    isRetryable: true,
    ...(retryAfterMs !== undefined && retryAfterMs > 0 && { retryAfterMs }),
  });
}

/** The key's routing rights, from its principal (the key store carries them for every kind of key). */
function routingRights(context: GatewayContext) {
  const principal = context.principal;
  return {
    residency: principal?.processing,
    teamResidency: principal?.teamProcessing,
    mayOverride: principal?.allowRouteOverride ?? false,
  };
}

const NO_RESIDENCY: readonly string[] = [];

/** Residency first: it is a hard boundary, and the count of what it excluded explains later failures. */
function applyResidency(
  offered: readonly Target[],
  rules: ReadonlyArray<readonly string[] | undefined>,
  model: string,
): { targets: readonly Target[]; residency: readonly string[]; excluded: number } {
  // No rule at all (the usual case): every target passes and nothing needs naming.
  if (offered.length > 0 && rules.every((rule) => rule === undefined)) {
    return { targets: offered, residency: NO_RESIDENCY, excluded: 0 };
  }
  const targets = filterByResidency(offered, rules);
  const residency = [...new Set(rules.flatMap((rule) => rule ?? []))];
  if (targets.length === 0) {
    throw noEligibleTarget(
      `No deployment of \`${model}\` processes data where this request may go (${residency.join(', ')}).`,
    );
  }
  return { targets, residency, excluded: offered.length - targets.length };
}

type MeasuredFit = ContextFit & { measure: PromptMeasure };

/**
 * Measures the prompt and keeps the targets whose context window holds it (chat only). Synchronous
 * unless a tokenizer has to count: an ordinary prompt costs no promise.
 */
function measureAndFit(
  parsed: ParsedRequest,
  targets: Target[],
  model: string,
): MeasuredFit | Promise<MeasuredFit> {
  if (parsed.operation === 'embed') return { measure: measureEmbedInput(parsed.request), targets };
  const measure = measureChatPrompt(parsed.request);
  const outputCap = parsed.request.maxOutputTokens ?? 0;
  if (fitsEveryWindow(targets, measure, outputCap)) return { measure, targets: [...targets] };
  return filterByContextWindow(targets, measure, outputCap, model).then((fit) => ({ measure, ...fit }));
}

function keepAvailable(targets: Target[], routing: RoutingState, model: string): Target[] {
  const available = targets.filter((target) => routing.breakers.isAvailable(target.deployment));
  if (available.length > 0) return available;
  const wait = routing.breakers.msUntilAvailable(targets.map((target) => target.deployment));
  throw noEligibleTarget(
    `Every deployment of \`${model}\` is failing (circuit breakers open); retry in ${Math.ceil(wait / 1000)} s.`,
    wait,
  );
}

/**
 * Turns a model's configured targets into the ordered candidates for this request: route hint,
 * residency, capability, context window, cost cap and breaker filters, then the model's strategy
 * (a route hint's order replaces the strategy). Each filter that empties the list fails with the
 * error that explains why.
 */
export async function planRoute(
  context: GatewayContext,
  parsed: ParsedRequest,
  entry: ModelEntry,
  routing: RoutingState,
): Promise<RoutePlan> {
  const rights = routingRights(context);
  const hints = context.routeHints;
  if (hints !== undefined) checkHints(context, hints, rights.mayOverride);
  // Filters never change the arrays they are given, so the configured list is read, not copied.
  const offered = hints?.deployments === undefined ? entry.targets : applyRouteHint(entry, hints.deployments);
  const resident = applyResidency(
    offered,
    [rights.residency, rights.teamResidency, entry.processing],
    entry.name,
  );
  const capable = filterByCapability(resident.targets, requiredCapabilities(parsed), entry.name);
  const measured = measureAndFit(parsed, capable, entry.name);
  const fit = measured instanceof Promise ? await measured : measured;
  const outputCap = parsed.operation === 'chat' ? parsed.request.maxOutputTokens : 0;
  const decision: RouteDecision = {
    measure: fit.measure,
    ...(fit.exactO200kTokens !== undefined && { exactO200kTokens: fit.exactO200kTokens }),
    outputTokens: outputCap ?? routing.settings.capacity.defaultOutputTokens,
    ...(resident.residency.length > 0 && { residency: resident.residency }),
    residencyExcluded: resident.excluded,
  };
  const affordable =
    hints?.maxCostUsd === undefined
      ? fit.targets
      : filterByCost(fit.targets, decision, hints.maxCostUsd, entry.name);
  const available = keepAvailable(affordable, routing, entry.name);
  if (hints?.deployments !== undefined) return { candidates: available, decision };
  const candidates = orderCandidates({
    strategy: entry.strategy ?? 'priority',
    targets: available,
    inputTokens: (target) => inputTokensFor(decision, target),
    outputTokens: decision.outputTokens,
    latency: routing.latency,
    random: routing.random,
    now: routing.clock(),
  });
  return { candidates, decision };
}

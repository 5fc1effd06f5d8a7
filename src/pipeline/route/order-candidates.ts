import type { LatencyTracker } from '../../routing/latency-tracker.js';
import type { RoutingStrategy, Target } from './model-registry.js';

export interface OrderingInput {
  strategy: RoutingStrategy;
  /** Eligible targets in configured order. */
  targets: readonly Target[];
  /** Estimated prompt tokens on a target (tokenizers differ by vendor). */
  inputTokens: (target: Target) => number;
  /** Output tokens expected (the request's cap, or a default). */
  outputTokens: number;
  latency: LatencyTracker;
  random: () => number;
  now: number;
}

/**
 * The estimated marginal cost of one request on a target in USD, or undefined when its price is
 * unknown. A provisioned deployment without an explicit price costs nothing more per token: its
 * capacity is paid for whether it is used or not.
 *
 * @example
 * estimateCostUsd(target, 1_000, 500) // (1000 × input + 500 × output) / 1e6
 */
export function estimateCostUsd(
  target: Target,
  inputTokens: number,
  outputTokens: number,
): number | undefined {
  if (target.price === undefined) return target.provisioned === undefined ? undefined : 0;
  return (inputTokens * target.price.input + outputTokens * target.price.output) / 1_000_000;
}

/** Ascending; infinities compare equal to themselves (a plain subtraction would give NaN). */
function ascending(a: number, b: number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Provisioned first, then on-demand in the cloud of the top choice, then other clouds; stable. */
function byPriority(targets: readonly Target[]): Target[] {
  const home = (targets.find((target) => target.provisioned !== undefined) ?? targets[0])?.cloud;
  const provisioned: Target[] = [];
  const sameCloud: Target[] = [];
  const otherClouds: Target[] = [];
  for (const target of targets) {
    if (target.provisioned !== undefined) provisioned.push(target);
    else if (target.cloud === home) sameCloud.push(target);
    else otherClouds.push(target);
  }
  return provisioned.concat(sameCloud, otherClouds);
}

/**
 * A weighted random order without replacement (Efraimidis–Spirakis: key = u^(1/w), highest first),
 * so the first choice follows the weights and the rest remain as fallbacks. Weight 0 comes last.
 */
function byWeight(targets: readonly Target[], random: () => number): Target[] {
  return targets
    .map((target) => ({ target, key: target.weight > 0 ? random() ** (1 / target.weight) : -1 }))
    .sort((a, b) => ascending(b.key, a.key))
    .map((entry) => entry.target);
}

/** Fastest expected answer first; deployments with no fresh measurement first of all, to measure them. */
function byLatency(input: OrderingInput): Target[] {
  const scored = input.targets.map((target) => ({
    target,
    expected:
      input.latency.expectedMs(target.deployment, input.outputTokens, input.now) ?? Number.NEGATIVE_INFINITY,
  }));
  return scored.sort((a, b) => ascending(a.expected, b.expected)).map((entry) => entry.target);
}

/** Cheapest estimated cost first; unknown prices last, in configured order. */
function byCost(input: OrderingInput): Target[] {
  const scored = input.targets.map((target) => ({
    target,
    cost: estimateCostUsd(target, input.inputTokens(target), input.outputTokens) ?? Number.POSITIVE_INFINITY,
  }));
  return scored.sort((a, b) => ascending(a.cost, b.cost)).map((entry) => entry.target);
}

/**
 * Orders eligible candidates by the model's strategy. Sorting is stable, so ties keep the
 * configured order.
 *
 * @example
 * orderCandidates({ strategy: 'priority', targets, … }) // provisioned, same-cloud on-demand, other clouds
 */
export function orderCandidates(input: OrderingInput): Target[] {
  switch (input.strategy) {
    case 'weighted':
      return byWeight(input.targets, input.random);
    case 'least-latency':
      return byLatency(input);
    case 'lowest-cost':
      return byCost(input);
    default:
      return byPriority(input.targets);
  }
}

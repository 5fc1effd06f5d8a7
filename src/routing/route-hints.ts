import type { IncomingHttpHeaders } from 'node:http';

export const ROUTE_HEADER = 'x-converge-route';
export const MAX_COST_HEADER = 'x-converge-max-cost-usd';

/**
 * Per-request routing overrides, read from headers once by the exchange so the pipeline never sees
 * raw headers. Whether the key may use them is the route stage's decision.
 */
export interface RouteHints {
  /** `x-converge-route`: only these deployments, in this order. */
  deployments?: readonly string[];
  /** `x-converge-max-cost-usd`: skip deployments whose estimated cost is higher. */
  maxCostUsd?: number;
  /** A header that could not be read, described for a 400. */
  invalid?: string;
}

function single(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(',') : value;
}

/**
 * Reads the routing headers; undefined when neither is present (the common case costs two lookups).
 *
 * @example
 * parseRouteHints({ 'x-converge-route': 'gpt-4o-eu, gpt-4o-us' }) // { deployments: ['gpt-4o-eu', 'gpt-4o-us'] }
 */
export function parseRouteHints(headers: IncomingHttpHeaders): RouteHints | undefined {
  const route = single(headers[ROUTE_HEADER]);
  const maxCost = single(headers[MAX_COST_HEADER]);
  if (route === undefined && maxCost === undefined) return undefined;
  const hints: { deployments?: string[]; maxCostUsd?: number; invalid?: string } = {};
  if (route !== undefined) {
    const deployments = route
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name !== '');
    if (deployments.length === 0) hints.invalid = `${ROUTE_HEADER} names no deployment`;
    else hints.deployments = deployments;
  }
  if (maxCost !== undefined) {
    const value = Number(maxCost.trim());
    if (maxCost.trim() === '' || !Number.isFinite(value) || value < 0) {
      hints.invalid = `${MAX_COST_HEADER} must be a non-negative number of US dollars, got "${maxCost}"`;
    } else hints.maxCostUsd = value;
  }
  return hints;
}

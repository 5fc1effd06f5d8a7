import type { BudgetLimit, LimitDimension, ScopeCounters, ScopeLimits } from './limit-store.js';
import { fitsWindow } from './sliding-window.js';

export interface RequestCost {
  tokens: number;
  costMicros: number;
}

/**
 * The first limit of a scope that the request does not fit, or undefined when all fit — the one
 * rule both backends apply (the Redis acquire script is this function in Lua, same order).
 *
 * Budgets admit while anything is left (`spent < limit`) and then reserve the request's maximum
 * cost: concurrent requests see each other's reservations, so the period's spend can end at most
 * one request's maximum cost above the limit, and never more.
 *
 * @example
 * checkScope({ rpm: 2 }, counters, 0, { tokens: 10, costMicros: 0 }) // 'requests' once 2 were counted
 */
export function checkScope(
  limits: ScopeLimits,
  counters: ScopeCounters,
  elapsedFraction: number,
  cost: RequestCost,
): LimitDimension | undefined {
  if (limits.rpm !== undefined && !fitsWindow(counters.requests, elapsedFraction, 1, limits.rpm)) {
    return 'requests';
  }
  if (limits.tpm !== undefined && !fitsWindow(counters.tokens, elapsedFraction, cost.tokens, limits.tpm)) {
    return 'tokens';
  }
  if (limits.concurrency !== undefined && counters.concurrent + 1 > limits.concurrency) return 'concurrency';
  const day = budgetFor(limits, 'day');
  if (day?.hard === true && counters.spentMicros.day >= day.limitMicros) return 'budget-day';
  const month = budgetFor(limits, 'month');
  if (month?.hard === true && counters.spentMicros.month >= month.limitMicros) return 'budget-month';
  return undefined;
}

/**
 * The budget of a scope for one period, if it has one.
 *
 * @example budgetFor({ budgets: [{ period: 'day', limitMicros: 5, hard: true }] }, 'month') // undefined
 */
export function budgetFor(limits: ScopeLimits, period: 'day' | 'month'): BudgetLimit | undefined {
  const budgets = limits.budgets;
  if (budgets === undefined) return undefined;
  for (const budget of budgets) if (budget.period === period) return budget;
  return undefined;
}

import type { UsageQuery, UsageSummaryRow } from '../storage/types.js';
import { addUsageCounts, emptyUsageCounts, toNanoUsd } from '../storage/usage-counts.js';
import { scopeTeamFilter } from './admin-access.js';
import type { AdminCaller } from './admin-auth.js';
import type { AdminContext } from './admin-context.js';
import { toUsageJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { UsageList, UsageListQuery, UsageSummary, UsageSummaryQuery } from './usage-schemas.js';

const NANO_PER_USD = 1_000_000_000n;

type UsageFilters = Omit<UsageQuery, 'limit' | 'offset'>;

/** The store filters of a request, with a team-admin confined to its own team. */
function toFilters(caller: AdminCaller, query: UsageFilters): UsageFilters {
  const filters: UsageFilters = {};
  for (const field of ['since', 'until', 'keyId', 'model', 'provider', 'status'] as const) {
    if (query[field] !== undefined) Object.assign(filters, { [field]: query[field] });
  }
  const teamId = scopeTeamFilter(caller, query.teamId);
  if (teamId !== undefined) filters.teamId = teamId;
  return filters;
}

/**
 * The sums of summary rows. Costs are added as integer nano-dollars (each row's cost is already a
 * whole number of them), then divided once, so the total is exact and not a float drift.
 *
 * @example
 * sumSummaryRows([{ costUsd: 0.1, requests: 1, … }, { costUsd: 0.2, requests: 2, … }]).costUsd; // 0.3
 */
export function sumSummaryRows(rows: readonly UsageSummaryRow[]) {
  const totals = emptyUsageCounts();
  let nanoUsd = 0n;
  for (const row of rows) {
    addUsageCounts(totals, row);
    nanoUsd += BigInt(toNanoUsd(row.costUsd));
  }
  // Costs are never negative; the decimal text keeps the sum exact beyond 2^53 nano-dollars too.
  const text = `${nanoUsd / NANO_PER_USD}.${(nanoUsd % NANO_PER_USD).toString().padStart(9, '0')}`;
  return { ...totals, costUsd: Number(text) };
}

function listUsageRoute(context: AdminContext) {
  const { usage } = context.storage;
  return defineAdminRoute({
    method: 'GET',
    path: '/usage',
    operationId: 'listUsage',
    summary: 'Usage rows (one per request), newest first',
    tag: 'Usage',
    query: UsageListQuery,
    response: UsageList,
    handle: async ({ caller, query }) => {
      const filters = toFilters(caller, query);
      const [rows, total] = await Promise.all([
        usage.query({ ...filters, limit: query.limit, offset: query.offset }),
        usage.count(filters),
      ]);
      return { data: rows.map(toUsageJson), total, limit: query.limit, offset: query.offset };
    },
  });
}

function summarizeUsageRoute(context: AdminContext) {
  const { usage } = context.storage;
  return defineAdminRoute({
    method: 'GET',
    path: '/usage/summary',
    operationId: 'summarizeUsage',
    summary: 'Usage totals per team, key, model, provider or UTC day, largest cost first',
    tag: 'Usage',
    query: UsageSummaryQuery,
    response: UsageSummary,
    handle: async ({ caller, query }) => {
      const rows = await usage.summarize({ ...toFilters(caller, query), by: query.by });
      return { by: query.by, data: rows, totals: sumSummaryRows(rows) };
    },
  });
}

/**
 * `GET /usage` (rows, newest first, paginated) and `GET /usage/summary` (totals per team, key,
 * model, provider or UTC day). A team-admin only ever sees its own team's rows.
 *
 * @example
 * const routes = createUsageRoutes(context);
 */
export function createUsageRoutes(context: AdminContext): AnyAdminRoute[] {
  return [listUsageRoute(context), summarizeUsageRoute(context)];
}

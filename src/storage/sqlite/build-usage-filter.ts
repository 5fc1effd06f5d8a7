import type { UsageQuery } from '../types.js';

export type UsageFilterParams = Record<string, string | number>;

/** Query field → the condition it adds; `since` inclusive, `until` exclusive, `model` = requested model. */
const conditions = [
  ['since', 'created_at >= @since'],
  ['until', 'created_at < @until'],
  ['keyId', 'key_id = @keyId'],
  ['teamId', 'team_id = @teamId'],
  ['model', 'model_requested = @model'],
  ['provider', 'provider = @provider'],
  ['status', 'status = @status'],
] as const satisfies readonly (readonly [keyof UsageQuery, string])[];

/**
 * The WHERE clause for a usage query's filters and its named parameters. The clause only depends on
 * which filters are set, so callers can cache one prepared statement per clause.
 *
 * @example
 * buildUsageFilter({ keyId: 'key_a', since: 0 }); // { where: 'WHERE created_at >= @since AND key_id = @keyId', … }
 */
export function buildUsageFilter(query: UsageQuery): { where: string; params: UsageFilterParams } {
  const clauses: string[] = [];
  const params: UsageFilterParams = {};
  for (const [field, clause] of conditions) {
    const value = query[field];
    if (value === undefined) continue;
    clauses.push(clause);
    params[field] = value;
  }
  return { where: clauses.length === 0 ? '' : `WHERE ${clauses.join(' AND ')}`, params };
}

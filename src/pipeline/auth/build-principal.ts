import type { LimitScope, ScopeLimits } from '../../limits/limit-store.js';
import type { Budget, RateLimits, TeamRecord, VirtualKeyRecord } from '../../storage/types.js';
import type { Principal } from '../gateway-context.js';
import { mergeKeyLimits } from '../limits/key-limits-policy.js';

/** The limits and budget every key without its own gets (`limits.defaultKey` in the config). */
export interface KeyDefaults {
  limits?: RateLimits | undefined;
  budget?: Budget | undefined;
}

/** Both lists narrow: a model must be allowed by the key and by its team. null = no restriction. */
export function intersectAllowed(
  own: readonly string[] | null,
  team: readonly string[] | null | undefined,
): string[] | null {
  if (team === null || team === undefined) return own === null ? null : [...own];
  if (own === null) return [...team];
  const allowed = new Set(team);
  return own.filter((name) => allowed.has(name));
}

function isEmptyLimits(limits: ScopeLimits): boolean {
  return (
    limits.rpm === undefined &&
    limits.tpm === undefined &&
    limits.concurrency === undefined &&
    (limits.budgets?.length ?? 0) === 0
  );
}

/** The scopes the limits stage checks for a key: its own (over the defaults), then its team's. */
export function buildLimitScopes(
  record: VirtualKeyRecord,
  team: TeamRecord | undefined,
  defaults: KeyDefaults,
): LimitScope[] {
  const scopes: LimitScope[] = [];
  const own = mergeKeyLimits({ limits: record.limits, budget: record.budget }, defaults);
  if (!isEmptyLimits(own)) scopes.push({ id: `key:${record.id}`, limits: own });
  if (team !== undefined) {
    const shared = mergeKeyLimits({ limits: team.limits, budget: team.budget }, {});
    if (!isEmptyLimits(shared)) scopes.push({ id: `team:${team.id}`, limits: shared });
  }
  return scopes;
}

/**
 * Who a live key is on the request path, computed once per key per directory change (never per
 * request): its team's rules narrow its own (models, residency), and both scopes' limits apply.
 *
 * @example
 * buildPrincipal(record, teams.get(record.teamId), { limits: { rpm: 60 } })
 * // { keyId, keyName, teamId, role, models, processing, teamProcessing, allowRouteOverride, limitScopes }
 */
export function buildPrincipal(
  record: VirtualKeyRecord,
  team: TeamRecord | undefined,
  defaults: KeyDefaults,
): Principal {
  const principal: Principal = {
    keyId: record.id,
    keyName: record.name,
    teamId: record.teamId,
    role: record.role,
    models: intersectAllowed(record.models, team?.models),
    allowRouteOverride: record.allowRouteOverride,
    limitScopes: buildLimitScopes(record, team, defaults),
  };
  if (team !== undefined) principal.teamName = team.name;
  if (record.processing !== null) principal.processing = record.processing;
  if (team?.processing !== null && team?.processing !== undefined) principal.teamProcessing = team.processing;
  return principal;
}

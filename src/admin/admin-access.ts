import { GatewayError } from '../core/gateway-error.js';
import type { Role } from '../storage/types.js';
import type { AdminCaller } from './admin-auth.js';

const ROLE_RANK: Record<Role, number> = { member: 0, 'team-admin': 1, admin: 2 };

/** True when `role` grants at least what `other` does (admin > team-admin > member). */
export function roleCovers(role: Role, other: Role): boolean {
  return ROLE_RANK[role] >= ROLE_RANK[other];
}

/**
 * A 404 for an id the caller may not see: a team-admin asking for another team's record learns
 * nothing, not even that it exists.
 *
 * @example
 * throw notFound('key', params.id);
 */
export function notFound(kind: string, id: string): GatewayError {
  return new GatewayError('not_found', `No ${kind} with id \`${id}\`.`, { param: 'id' });
}

/** Throws 403 `permission_denied` unless the caller is a full admin. */
export function requireAdmin(caller: AdminCaller, action: string): void {
  if (caller.role !== 'admin') {
    throw new GatewayError('permission_denied', `Only admins may ${action}.`);
  }
}

/** Whether the caller may see a record of `teamId` (admins see all; team-admins only their team). */
export function canSeeTeam(caller: AdminCaller, teamId: string | null): boolean {
  return caller.role === 'admin' || (teamId !== null && teamId === caller.teamId);
}

/**
 * The team filter a caller's lists and usage queries must use: a team-admin's own team (asking for
 * another is refused), an admin's request as given.
 *
 * @example
 * const teamId = scopeTeamFilter(caller, query.teamId); // team-admin: always caller.teamId
 */
export function scopeTeamFilter(caller: AdminCaller, requested: string | undefined): string | undefined {
  if (caller.role === 'admin') return requested;
  if (requested !== undefined && requested !== caller.teamId) {
    throw new GatewayError('permission_denied', 'A team-admin key may only see its own team.', {
      param: 'teamId',
    });
  }
  return caller.teamId ?? undefined;
}

/**
 * Checks the team a record is being created in or moved to: a team-admin may only use its own.
 * Returns the team to use (a team-admin's own team when none was given).
 */
export function assignableTeam(caller: AdminCaller, teamId: string | null | undefined): string | null {
  if (caller.role === 'admin') return teamId ?? null;
  if (teamId !== undefined && teamId !== caller.teamId) {
    throw new GatewayError('permission_denied', 'A team-admin key may only manage its own team.', {
      param: 'teamId',
    });
  }
  return caller.teamId;
}

/** Refuses to hand out (or to act for) a role above the caller's own: team-admins cannot make admins. */
export function requireAssignableRole(caller: AdminCaller, role: Role, param = 'role'): void {
  if (!roleCovers(caller.role, role)) {
    throw new GatewayError(
      'permission_denied',
      `A ${caller.role} key may not grant or manage the role '${role}'.`,
      {
        param,
      },
    );
  }
}

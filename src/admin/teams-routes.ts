import { GatewayError } from '../core/gateway-error.js';
import type { TeamRecord } from '../storage/types.js';
import { canSeeTeam, notFound, requireAdmin } from './admin-access.js';
import type { AdminCaller } from './admin-auth.js';
import { type AdminContext, mapDuplicate } from './admin-context.js';
import { toTeamJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { IdParams, paginate } from './admin-schemas.js';
import { CreateTeamRequest, Team, TeamList, TeamListQuery, UpdateTeamRequest } from './resource-schemas.js';

/** Fields a team-admin may change on its own team; limits, budget, models and residency are the admins'. */
const TEAM_ADMIN_EDITABLE = new Set(['tags']);

/**
 * A live team the caller may see, or 404 (a team-admin asking for another team gets the same 404
 * as for an id that does not exist).
 *
 * @example
 * const team = await findVisibleTeam(context, caller, params.id);
 */
export async function findVisibleTeam(
  context: AdminContext,
  caller: AdminCaller,
  id: string,
): Promise<TeamRecord> {
  const team = await context.storage.teams.findById(id);
  if (team === undefined || team.deletedAt !== null || !canSeeTeam(caller, team.id))
    throw notFound('team', id);
  return team;
}

/**
 * Checks a team id a record is to be attached to: it must name a live team (400 on `param` otherwise).
 *
 * @example
 * await requireLiveTeam(context, body.teamId, 'teamId');
 */
export async function requireLiveTeam(context: AdminContext, teamId: string, param: string): Promise<void> {
  const team = await context.storage.teams.findById(teamId);
  if (team === undefined || team.deletedAt !== null) {
    throw new GatewayError('invalid_request', `No team with id \`${teamId}\`.`, { param });
  }
}

const duplicate = (name: string) => `A team named '${name}' already exists.`;

function createTeamRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'POST',
    path: '/teams',
    operationId: 'createTeam',
    summary: 'Create a team (admins only)',
    tag: 'Teams',
    body: CreateTeamRequest,
    bodyRequired: true,
    status: 201,
    response: Team,
    handle: async ({ caller, body }) => {
      requireAdmin(caller, 'create teams');
      const team = await mapDuplicate('name', duplicate(body.name), () => context.storage.teams.insert(body));
      await context.changed(caller, 'team.create', team.id);
      return toTeamJson(team);
    },
  });
}

function listTeamsRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'GET',
    path: '/teams',
    operationId: 'listTeams',
    summary: 'List teams (a team-admin sees only its own)',
    tag: 'Teams',
    query: TeamListQuery,
    response: TeamList,
    handle: async ({ caller, query }) => {
      const visible = (await context.storage.teams.list()).filter((team) => canSeeTeam(caller, team.id));
      return paginate(visible.map(toTeamJson), query);
    },
  });
}

function getTeamRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'GET',
    path: '/teams/{id}',
    operationId: 'getTeam',
    summary: 'Get a team',
    tag: 'Teams',
    params: IdParams,
    response: Team,
    errors: [404],
    handle: async ({ caller, params }) => toTeamJson(await findVisibleTeam(context, caller, params.id)),
  });
}

/** A team-admin may send only the fields it may change; the first other one is refused by name. */
function requireTeamAdminEditable(caller: AdminCaller, fields: readonly string[]): void {
  if (caller.role === 'admin') return;
  const denied = fields.find((field) => !TEAM_ADMIN_EDITABLE.has(field));
  if (denied !== undefined) {
    throw new GatewayError('permission_denied', `Only admins may change a team's \`${denied}\`.`, {
      param: denied,
    });
  }
}

function updateTeamRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'PATCH',
    path: '/teams/{id}',
    operationId: 'updateTeam',
    summary: 'Change a team (a team-admin: only the tags of its own team)',
    tag: 'Teams',
    params: IdParams,
    body: UpdateTeamRequest,
    bodyRequired: true,
    response: Team,
    errors: [404],
    handle: async ({ caller, params, body }) => {
      await findVisibleTeam(context, caller, params.id);
      requireTeamAdminEditable(caller, Object.keys(body));
      const team = await mapDuplicate('name', duplicate(body.name ?? ''), () =>
        context.storage.teams.update(params.id, body, context.now()),
      );
      if (team === undefined) throw notFound('team', params.id);
      await context.changed(caller, 'team.update', team.id);
      return toTeamJson(team);
    },
  });
}

function deleteTeamRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'DELETE',
    path: '/teams/{id}',
    operationId: 'deleteTeam',
    summary: 'Delete a team (admins only); its keys stop working',
    tag: 'Teams',
    params: IdParams,
    status: 204,
    errors: [404],
    handle: async ({ caller, params }) => {
      requireAdmin(caller, 'delete teams');
      if (!(await context.storage.teams.delete(params.id, context.now()))) throw notFound('team', params.id);
      await context.changed(caller, 'team.delete', params.id);
      return undefined;
    },
  });
}

/**
 * The `/teams` routes. Admins manage every team; a team-admin reads its own team and may change
 * only its `tags`.
 *
 * @example
 * for (const route of createTeamsRoutes(context)) registerAdminRoute(scope, route, authenticateCaller);
 */
export function createTeamsRoutes(context: AdminContext): AnyAdminRoute[] {
  return [
    createTeamRoute(context),
    listTeamsRoute(context),
    getTeamRoute(context),
    updateTeamRoute(context),
    deleteTeamRoute(context),
  ];
}

import { GatewayError } from '../core/gateway-error.js';
import { type Role, UnknownKeyError, type UserRecord } from '../storage/types.js';
import {
  assignableTeam,
  canSeeTeam,
  notFound,
  requireAssignableRole,
  roleCovers,
  scopeTeamFilter,
} from './admin-access.js';
import type { AdminCaller } from './admin-auth.js';
import { type AdminContext, mapDuplicate } from './admin-context.js';
import { toUserJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { IdParams, paginate } from './admin-schemas.js';
import { CreateUserRequest, UpdateUserRequest, User, UserList, UserListQuery } from './resource-schemas.js';
import { requireLiveTeam } from './teams-routes.js';

/**
 * A live user the caller may see, or 404.
 *
 * @example
 * const user = await findVisibleUser(context, caller, body.userId);
 */
export async function findVisibleUser(
  context: AdminContext,
  caller: AdminCaller,
  id: string,
): Promise<UserRecord> {
  const user = await context.storage.users.findById(id);
  if (user === undefined || user.deletedAt !== null || !canSeeTeam(caller, user.teamId))
    throw notFound('user', id);
  return user;
}

/** Only admins may belong to no team. */
function requireTeamUnlessAdmin(teamId: string | null, role: Role): void {
  if (teamId === null && role !== 'admin') {
    throw new GatewayError('invalid_request', `A user with the role '${role}' must belong to a team.`, {
      param: 'teamId',
    });
  }
}

/** The team a create or patch asks for, checked: the caller may use it and it is live. */
async function checkedTeam(
  context: AdminContext,
  caller: AdminCaller,
  requested: string | null | undefined,
): Promise<string | null> {
  const teamId = assignableTeam(caller, requested);
  if (teamId !== null && caller.role === 'admin') await requireLiveTeam(context, teamId, 'teamId');
  return teamId;
}

/** Lowers the role of a user's live keys that now exceed the user's role (a key never outranks its user). */
async function capKeyRoles(context: AdminContext, userId: string, role: Role): Promise<void> {
  const { keys } = context.storage;
  for (const key of await keys.list()) {
    if (key.userId === userId && key.revokedAt === null && !roleCovers(role, key.role)) {
      await keys.update(key.id, { role }, context.now());
    }
  }
}

async function revokeKeysOf(context: AdminContext, userId: string): Promise<void> {
  const { keys } = context.storage;
  for (const key of await keys.list()) {
    if (key.userId === userId && key.revokedAt === null) await keys.revoke(key.id, context.now());
  }
}

function mapUnknownTeam(error: unknown): never {
  if (error instanceof UnknownKeyError) {
    throw new GatewayError('invalid_request', 'The team does not exist.', { param: 'teamId' });
  }
  throw error;
}

const duplicate = (email: string) => `A user with the email '${email}' already exists.`;

function createUserRoute(context: AdminContext) {
  const { users } = context.storage;
  return defineAdminRoute({
    method: 'POST',
    path: '/users',
    operationId: 'createUser',
    summary: 'Create a user',
    tag: 'Users',
    body: CreateUserRequest,
    bodyRequired: true,
    status: 201,
    response: User,
    handle: async ({ caller, body }) => {
      requireAssignableRole(caller, body.role);
      const teamId = await checkedTeam(context, caller, body.teamId);
      requireTeamUnlessAdmin(teamId, body.role);
      const user = await mapDuplicate('email', duplicate(body.email), () =>
        users.insert({ email: body.email, displayName: body.displayName ?? null, teamId, role: body.role }),
      ).catch(mapUnknownTeam);
      await context.changed(caller, 'user.create', user.id);
      return toUserJson(user);
    },
  });
}

function listUsersRoute(context: AdminContext) {
  const { users } = context.storage;
  return defineAdminRoute({
    method: 'GET',
    path: '/users',
    operationId: 'listUsers',
    summary: 'List users (a team-admin sees only its own team)',
    tag: 'Users',
    query: UserListQuery,
    response: UserList,
    handle: async ({ caller, query }) => {
      const teamId = scopeTeamFilter(caller, query.teamId);
      const listed = await users.list(teamId === undefined ? undefined : { teamId });
      return paginate(listed.map(toUserJson), query);
    },
  });
}

function getUserRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'GET',
    path: '/users/{id}',
    operationId: 'getUser',
    summary: 'Get a user',
    tag: 'Users',
    params: IdParams,
    response: User,
    errors: [404],
    handle: async ({ caller, params }) => toUserJson(await findVisibleUser(context, caller, params.id)),
  });
}

function updateUserRoute(context: AdminContext) {
  const { users } = context.storage;
  return defineAdminRoute({
    method: 'PATCH',
    path: '/users/{id}',
    operationId: 'updateUser',
    summary: "Change a user's name, team or role; on a team change the user's keys move with it",
    tag: 'Users',
    params: IdParams,
    body: UpdateUserRequest,
    bodyRequired: true,
    response: User,
    errors: [404],
    handle: async ({ caller, params, body }) => {
      const current = await findVisibleUser(context, caller, params.id);
      requireAssignableRole(caller, current.role);
      if (body.role !== undefined) requireAssignableRole(caller, body.role);
      const teamId =
        body.teamId === undefined ? current.teamId : await checkedTeam(context, caller, body.teamId);
      requireTeamUnlessAdmin(teamId, body.role ?? current.role);
      const user = await users.update(params.id, body, context.now()).catch(mapUnknownTeam);
      if (user === undefined) throw notFound('user', params.id);
      if (body.role !== undefined) await capKeyRoles(context, user.id, body.role);
      // The user's keys follow it: from now on they spend, and are limited, as the new team.
      if (teamId !== current.teamId) await context.storage.keys.moveUserKeys(user.id, teamId, context.now());
      await context.changed(caller, 'user.update', user.id);
      return toUserJson(user);
    },
  });
}

function deleteUserRoute(context: AdminContext) {
  const { users } = context.storage;
  return defineAdminRoute({
    method: 'DELETE',
    path: '/users/{id}',
    operationId: 'deleteUser',
    summary: "Delete a user; the user's keys are revoked",
    tag: 'Users',
    params: IdParams,
    status: 204,
    errors: [404],
    handle: async ({ caller, params }) => {
      const current = await findVisibleUser(context, caller, params.id);
      requireAssignableRole(caller, current.role);
      if (!(await users.delete(params.id, context.now()))) throw notFound('user', params.id);
      await revokeKeysOf(context, params.id);
      await context.changed(caller, 'user.delete', params.id);
      return undefined;
    },
  });
}

/**
 * The `/users` routes. A team-admin manages the users of its own team, never admins.
 *
 * @example
 * const routes = createUsersRoutes(context);
 */
export function createUsersRoutes(context: AdminContext): AnyAdminRoute[] {
  return [
    createUserRoute(context),
    listUsersRoute(context),
    getUserRoute(context),
    updateUserRoute(context),
    deleteUserRoute(context),
  ];
}

import type { z } from 'zod';
import { GatewayError } from '../core/gateway-error.js';
import { type Role, UnknownKeyError, type UserRecord, type VirtualKeyRecord } from '../storage/types.js';
import {
  assignableTeam,
  canSeeTeam,
  requireAssignableRole,
  roleCovers,
  scopeTeamFilter,
} from './admin-access.js';
import type { AdminCaller } from './admin-auth.js';
import { type AdminContext, mapDuplicate } from './admin-context.js';
import { keyState, toKeyJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { IdParams, paginate } from './admin-schemas.js';
import {
  findManageableKey,
  findVisibleKey,
  issueKeySecret,
  requireIssuedKey,
  resolveExpiry,
} from './find-visible-key.js';
import {
  CreatedKey,
  CreateKeyRequest,
  Key,
  KeyList,
  KeyListQuery,
  UpdateKeyRequest,
} from './resource-schemas.js';
import { requireLiveTeam } from './teams-routes.js';

function invalid(param: string, message: string): GatewayError {
  return new GatewayError('invalid_request', message, { param });
}

/** The user a key is issued to: live and visible to the caller, else 400 on `userId`. */
async function findKeyUser(context: AdminContext, caller: AdminCaller, userId: string): Promise<UserRecord> {
  const user = await context.storage.users.findById(userId);
  if (user === undefined || user.deletedAt !== null || !canSeeTeam(caller, user.teamId)) {
    throw invalid('userId', `No user with id \`${userId}\`.`);
  }
  return user;
}

/** A key never outranks the user it is issued to. */
function requireRoleWithinUser(user: UserRecord | undefined, role: Role): void {
  if (user !== undefined && !roleCovers(user.role, role)) {
    throw invalid('role', `The key's role '${role}' is above its user's role '${user.role}'.`);
  }
}

/** The team and user of a new key, checked against the caller, the user's team and the role. */
async function resolveOwner(
  context: AdminContext,
  caller: AdminCaller,
  body: z.output<typeof CreateKeyRequest>,
) {
  requireAssignableRole(caller, body.role);
  let teamId = assignableTeam(caller, body.teamId);
  const user = body.userId ? await findKeyUser(context, caller, body.userId) : undefined;
  if (user !== undefined && user.teamId !== null) {
    if (body.teamId === undefined) teamId = user.teamId;
    else if (teamId !== user.teamId) throw invalid('teamId', "A user's keys belong to the user's team.");
  }
  requireRoleWithinUser(user, body.role);
  if (teamId !== null && caller.role === 'admin') await requireLiveTeam(context, teamId, 'teamId');
  if (teamId === null && body.role === 'team-admin')
    throw invalid('teamId', 'A team-admin key needs a team.');
  return { teamId, userId: user?.id ?? null };
}

/** A role change: within the caller's rights and the key's user's role; team-admin keys need a team. */
async function checkNewRole(context: AdminContext, caller: AdminCaller, key: VirtualKeyRecord, role: Role) {
  requireAssignableRole(caller, role);
  const user = key.userId === null ? undefined : await context.storage.users.findById(key.userId);
  requireRoleWithinUser(user, role);
  if (role === 'team-admin' && key.teamId === null) {
    throw invalid('role', 'A team-admin key needs a team; this key has none.');
  }
}

const duplicate = (name: string) => `A live key named '${name}' already exists.`;

function mapUnknownReference(error: unknown): never {
  if (error instanceof UnknownKeyError) throw invalid('teamId', 'The team or user does not exist.');
  throw error;
}

function createKeyRoute(context: AdminContext) {
  const { keys } = context.storage;
  return defineAdminRoute({
    method: 'POST',
    path: '/keys',
    operationId: 'createKey',
    summary: 'Issue a virtual key (the secret is in this response only)',
    tag: 'Keys',
    body: CreateKeyRequest,
    bodyRequired: true,
    status: 201,
    response: CreatedKey,
    handle: async ({ caller, body }) => {
      const owner = await resolveOwner(context, caller, body);
      const now = context.now();
      const expiresAt = resolveExpiry(body, now) ?? null;
      const { secret, hash, prefix } = issueKeySecret();
      const { expiresInDays: _days, ...fields } = body;
      const record = await mapDuplicate('name', duplicate(body.name), () =>
        keys.insert({ ...fields, ...owner, expiresAt, hash, prefix, source: 'issued' }),
      ).catch(mapUnknownReference);
      await context.changed(caller, 'key.create', record.id);
      return { ...toKeyJson(record, now), secret };
    },
  });
}

function listKeysRoute(context: AdminContext) {
  const { keys } = context.storage;
  return defineAdminRoute({
    method: 'GET',
    path: '/keys',
    operationId: 'listKeys',
    summary: 'List keys (a team-admin sees only its own team)',
    tag: 'Keys',
    query: KeyListQuery,
    response: KeyList,
    handle: async ({ caller, query }) => {
      const teamId = scopeTeamFilter(caller, query.teamId);
      const now = context.now();
      const listed = (await keys.list()).filter(
        (key) =>
          (teamId === undefined || key.teamId === teamId) &&
          (query.userId === undefined || key.userId === query.userId) &&
          (query.state === undefined || keyState(key, now) === query.state),
      );
      return paginate(
        listed.map((key) => toKeyJson(key, now)),
        query,
      );
    },
  });
}

function getKeyRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'GET',
    path: '/keys/{id}',
    operationId: 'getKey',
    summary: 'Get a key (prefix only; the secret is never shown again)',
    tag: 'Keys',
    params: IdParams,
    response: Key,
    errors: [404],
    handle: async ({ caller, params }) =>
      toKeyJson(await findVisibleKey(context, caller, params.id), context.now()),
  });
}

function updateKeyRoute(context: AdminContext) {
  const { keys } = context.storage;
  return defineAdminRoute({
    method: 'PATCH',
    path: '/keys/{id}',
    operationId: 'updateKey',
    summary: "Change a live key's name, role, expiry or policy",
    tag: 'Keys',
    params: IdParams,
    body: UpdateKeyRequest,
    bodyRequired: true,
    response: Key,
    errors: [404],
    handle: async ({ caller, params, body }) => {
      const current = await findManageableKey(context, caller, params.id);
      const now = context.now();
      if (current.revokedAt !== null) throw invalid('id', `The key \`${current.id}\` is revoked.`);
      requireIssuedKey(current);
      if (body.role !== undefined) await checkNewRole(context, caller, current, body.role);
      const expiresAt = resolveExpiry(body, now);
      const { expiresAt: _text, ...fields } = body;
      const patch = expiresAt === undefined ? fields : { ...fields, expiresAt };
      const name = body.name ?? current.name;
      const record = await mapDuplicate('name', duplicate(name), () => keys.update(params.id, patch, now));
      if (record === undefined) throw invalid('id', `The key \`${current.id}\` is no longer live.`);
      await context.changed(caller, 'key.update', record.id);
      return toKeyJson(record, now);
    },
  });
}

/**
 * `POST/GET/PATCH /keys`: virtual keys with their policy. The secret is returned once, by create
 * (and by rotate); lists and reads show the prefix only, never the hash.
 *
 * @example
 * const routes = createKeysRoutes(context);
 */
export function createKeysRoutes(context: AdminContext): AnyAdminRoute[] {
  return [createKeyRoute(context), listKeysRoute(context), getKeyRoute(context), updateKeyRoute(context)];
}

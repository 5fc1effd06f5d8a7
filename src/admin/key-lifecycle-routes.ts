import { GatewayError } from '../core/gateway-error.js';
import type { AdminCaller } from './admin-auth.js';
import type { AdminContext } from './admin-context.js';
import { toKeyJson } from './admin-records.js';
import { type AnyAdminRoute, defineAdminRoute } from './admin-route.js';
import { EmptyBody, IdParams } from './admin-schemas.js';
import { findManageableKey, issueKeySecret, requireActiveKey, requireIssuedKey } from './find-visible-key.js';
import { Key, RotatedKey, RotateKeyRequest } from './resource-schemas.js';

/** Revokes a key (idempotent: an already revoked key is returned as it is). */
async function revokeKey(context: AdminContext, caller: AdminCaller, id: string) {
  const key = await findManageableKey(context, caller, id);
  const now = context.now();
  if (key.revokedAt !== null) return toKeyJson(key, now);
  requireIssuedKey(key);
  await context.storage.keys.revoke(key.id, now);
  await context.changed(caller, 'key.revoke', key.id);
  const revoked = (await context.storage.keys.findById(key.id)) ?? { ...key, revokedAt: now };
  return toKeyJson(revoked, now);
}

function rotateKeyRoute(context: AdminContext) {
  return defineAdminRoute({
    method: 'POST',
    path: '/keys/{id}/rotate',
    operationId: 'rotateKey',
    summary: 'Rotate a key: a new secret (shown once); the old one expires after the overlap',
    tag: 'Keys',
    params: IdParams,
    body: RotateKeyRequest,
    status: 201,
    response: RotatedKey,
    errors: [404],
    handle: async ({ caller, params, body }) => {
      const key = await findManageableKey(context, caller, params.id);
      const now = context.now();
      requireIssuedKey(key);
      requireActiveKey(key, now, 'rotated');
      const { secret, hash, prefix } = issueKeySecret();
      const oldExpiresAt = now + body.overlapSeconds * 1000;
      const next = { hash, prefix, expiresAt: key.expiresAt };
      const rotated = await context.storage.keys.rotate(key.id, next, oldExpiresAt, now);
      if (rotated === undefined) {
        // Revoked or rotated by someone else between the read and the write.
        throw new GatewayError('invalid_request', `The key \`${key.id}\` is no longer live.`, {
          param: 'id',
        });
      }
      const { old, created } = rotated;
      await context.changed(caller, 'key.rotate', `${old.id} -> ${created.id}`);
      return { key: { ...toKeyJson(created, now), secret }, previous: toKeyJson(old, now) };
    },
  });
}

function revokeKeyRoutes(context: AdminContext) {
  const shared = { tag: 'Keys', params: IdParams, response: Key, errors: [404] } as const;
  return [
    defineAdminRoute({
      ...shared,
      method: 'POST',
      path: '/keys/{id}/revoke',
      operationId: 'revokeKey',
      summary: 'Revoke a key now (its AWS key pairs stop working too)',
      body: EmptyBody,
      handle: ({ caller, params }) => revokeKey(context, caller, params.id),
    }),
    defineAdminRoute({
      ...shared,
      method: 'DELETE',
      path: '/keys/{id}',
      operationId: 'deleteKey',
      summary: 'Revoke a key (alias of POST /keys/{id}/revoke; the record stays for reports)',
      handle: ({ caller, params }) => revokeKey(context, caller, params.id),
    }),
  ];
}

/**
 * `POST /keys/{id}/rotate`, `POST /keys/{id}/revoke` and `DELETE /keys/{id}` (revoke's alias).
 * Rotation issues a new secret for the same key settings; the old one keeps working for
 * `overlapSeconds` so clients can switch without downtime.
 *
 * @example
 * const routes = createKeyLifecycleRoutes(context);
 */
export function createKeyLifecycleRoutes(context: AdminContext): AnyAdminRoute[] {
  return [rotateKeyRoute(context), ...revokeKeyRoutes(context)];
}

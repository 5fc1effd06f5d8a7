import { GatewayError } from '../core/gateway-error.js';
import { hashKey } from '../pipeline/auth/key-resolver.js';
import { generateKeySecret, keyPrefix } from '../security/generate-key-secret.js';
import type { VirtualKeyRecord } from '../storage/types.js';
import { canSeeTeam, notFound, requireAssignableRole } from './admin-access.js';
import type { AdminCaller } from './admin-auth.js';
import type { AdminContext } from './admin-context.js';
import { keyState } from './admin-records.js';

/**
 * A key (live or not) the caller may see, or 404. A team-admin sees its team's keys only.
 *
 * @example
 * const key = await findVisibleKey(context, caller, params.id);
 */
export async function findVisibleKey(
  context: AdminContext,
  caller: AdminCaller,
  id: string,
): Promise<VirtualKeyRecord> {
  const key = await context.storage.keys.findById(id);
  if (key === undefined || !canSeeTeam(caller, key.teamId)) throw notFound('key', id);
  return key;
}

/**
 * A key the caller may change (rotate, revoke, add AWS pairs to): visible, and not of a role above
 * the caller's — a team-admin holding an admin key's new secret would be an escalation.
 */
export async function findManageableKey(
  context: AdminContext,
  caller: AdminCaller,
  id: string,
): Promise<VirtualKeyRecord> {
  const key = await findVisibleKey(context, caller, id);
  requireAssignableRole(caller, key.role);
  return key;
}

/**
 * Refuses to change a key declared in the config file (`keys:`): the next start would undo the
 * change, so it is made there.
 */
export function requireIssuedKey(key: VirtualKeyRecord): void {
  if (key.source === 'config') {
    throw new GatewayError(
      'invalid_request',
      `The key \`${key.name}\` is declared in the config file; change or remove it there.`,
      { param: 'id' },
    );
  }
}

/** Refuses keys that are revoked, expired or already replaced by a rotation (400 `invalid_request`). */
export function requireActiveKey(key: VirtualKeyRecord, now: number, action: string): void {
  const state = keyState(key, now);
  if (state !== 'active') {
    throw new GatewayError('invalid_request', `The key \`${key.id}\` is ${state}; it cannot be ${action}.`, {
      param: 'id',
    });
  }
  if (key.replacedBy !== null) {
    throw new GatewayError(
      'invalid_request',
      `The key \`${key.id}\` was rotated (replaced by \`${key.replacedBy}\`); it cannot be ${action}.`,
      { param: 'id' },
    );
  }
}

/** A new virtual key secret with what is stored of it (the hash and the displayable prefix). */
export function issueKeySecret(): { secret: string; hash: string; prefix: string } {
  const secret = generateKeySecret();
  return { secret, hash: hashKey(secret), prefix: keyPrefix(secret) };
}

/**
 * The expiry a create or patch asks for, in epoch ms: an ISO date-time (null = never) or a number of
 * days from now; refuses a moment already past.
 *
 * @example
 * resolveExpiry({ expiresInDays: 30 }, Date.now()); // now + 30 days
 */
export function resolveExpiry(
  body: { expiresAt?: string | null | undefined; expiresInDays?: number | undefined },
  now: number,
): number | null | undefined {
  if (body.expiresInDays !== undefined) return now + body.expiresInDays * 86_400_000;
  if (body.expiresAt === undefined || body.expiresAt === null) return body.expiresAt;
  const expiresAt = Date.parse(body.expiresAt);
  if (expiresAt <= now) {
    throw new GatewayError('invalid_request', `'expiresAt' must be in the future, not ${body.expiresAt}.`, {
      param: 'expiresAt',
    });
  }
  return expiresAt;
}

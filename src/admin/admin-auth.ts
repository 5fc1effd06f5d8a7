import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { GatewayError } from '../core/gateway-error.js';
import { readBearerToken } from '../dialects/openai/read-bearer-token.js';
import type { Principal } from '../pipeline/gateway-context.js';
import type { Role } from '../storage/types.js';

/** Who is calling the admin API: the master admin key, or a virtual key with an admin role. */
export interface AdminCaller {
  via: 'master-key' | 'virtual-key';
  /** `admin` for the master key; only `admin` and `team-admin` ever reach a handler. */
  role: Exclude<Role, 'member'>;
  /** The team a `team-admin` is confined to; null for admins. */
  teamId: string | null;
  /** The calling virtual key; null for the master key. */
  keyId: string | null;
  keyName: string | null;
}

export interface AdminAuthOptions {
  /** CONVERGE_ADMIN_KEY; undefined = no master key (only admin-role virtual keys get in). */
  masterKey: string | undefined;
  /** The gateway's key resolver: a live key's principal, undefined for unknown, revoked or expired keys. */
  authenticate(secret: string): Promise<Principal | undefined>;
}

function sha256(text: string): Buffer {
  return createHash('sha256').update(text, 'utf8').digest();
}

/**
 * Compares two secrets in constant time, whatever their lengths: both are hashed first, so the
 * comparison always runs over 32 bytes and leaks neither content nor length.
 *
 * @example
 * secretsMatch(presented, process.env.CONVERGE_ADMIN_KEY ?? ''); // true or false
 */
export function secretsMatch(presented: string, expected: string): boolean {
  return timingSafeEqual(sha256(presented), sha256(expected));
}

/** The secret from `Authorization: Bearer …` or `x-api-key`, undefined when neither is sent. */
export function readAdminCredential(headers: IncomingHttpHeaders): string | undefined {
  const bearer = readBearerToken(headers);
  if (bearer !== undefined) return bearer;
  const apiKey = headers['x-api-key'];
  const value = Array.isArray(apiKey) ? apiKey[0] : apiKey;
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function permissionDenied(message: string): GatewayError {
  return new GatewayError('permission_denied', message);
}

/**
 * Builds the admin API's authenticator: the master key is full admin; a virtual key needs role
 * `admin`, or `team-admin` with a team. No key → 401 `authentication_required`; an unknown, revoked
 * or expired key → 401 `invalid_api_key`; a `member` key → 403 `permission_denied`.
 *
 * @example
 * const authenticateCaller = createAdminAuthenticator({ masterKey, authenticate: resolver.resolve });
 * const caller = await authenticateCaller(request.headers); // throws GatewayError when refused
 */
export function createAdminAuthenticator(
  options: AdminAuthOptions,
): (headers: IncomingHttpHeaders) => Promise<AdminCaller> {
  const { masterKey } = options;
  return async (headers) => {
    const secret = readAdminCredential(headers);
    if (secret === undefined) {
      throw new GatewayError(
        'authentication_required',
        'Send an admin key as `Authorization: Bearer <key>` or `x-api-key: <key>`.',
      );
    }
    if (masterKey !== undefined && masterKey !== '' && secretsMatch(secret, masterKey)) {
      return { via: 'master-key', role: 'admin', teamId: null, keyId: null, keyName: null };
    }
    const principal = await options.authenticate(secret);
    if (principal === undefined) {
      throw new GatewayError('invalid_api_key', 'The key is unknown, revoked or expired.');
    }
    const base = { via: 'virtual-key', keyId: principal.keyId, keyName: principal.keyName } as const;
    if (principal.role === 'admin') return { ...base, role: 'admin', teamId: null };
    if (principal.role === 'team-admin') {
      if (principal.teamId === null || principal.teamId === undefined) {
        throw permissionDenied('This team-admin key belongs to no team, so it may not use the admin API.');
      }
      return { ...base, role: 'team-admin', teamId: principal.teamId };
    }
    throw permissionDenied('This key has no admin role; the admin API needs an `admin` or `team-admin` key.');
  };
}

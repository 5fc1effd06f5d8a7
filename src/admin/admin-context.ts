import type { Logger } from 'pino';
import { GatewayError } from '../core/gateway-error.js';
import type { Principal } from '../pipeline/gateway-context.js';
import type { SecretBox } from '../security/secret-box.js';
import type { Storage } from '../storage/open-storage.js';
import { DuplicateKeyError } from '../storage/types.js';
import type { AdminCaller } from './admin-auth.js';

/** What the admin API needs from the gateway. */
export interface AdminDeps {
  storage: Pick<Storage, 'teams' | 'users' | 'keys' | 'awsKeyPairs' | 'usage'>;
  /** The gateway's key resolver (`keyResolver.resolve`): a live key's principal, else undefined. */
  authenticate(secret: string): Promise<Principal | undefined>;
  /** CONVERGE_ADMIN_KEY (full admin); undefined or empty = none, only admin-role keys get in. */
  masterKey: string | undefined;
  /**
   * Called after every successful write, so the gateway re-reads keys, teams and policies; awaited
   * before the response is sent (so a client can use a new or rotated key right away). A failure is
   * logged, not returned: the write itself succeeded.
   */
  onChange(): void | Promise<void>;
  /** Opens the box that seals AWS secret access keys (called only when a pair is issued). */
  openSecretBox(): SecretBox;
  log: Logger;
  /** Epoch ms; `Date.now` by default (tests pass a clock). */
  now?: () => number;
}

/** What route handlers get: the deps, a clock, and the after-write hook that also leaves an audit line. */
export interface AdminContext {
  storage: AdminDeps['storage'];
  openSecretBox(): SecretBox;
  log: Logger;
  now(): number;
  /** Logs the change (never a secret) and calls `onChange`. */
  changed(caller: AdminCaller, action: string, target: string): Promise<void>;
}

/**
 * The handlers' context over the deps.
 *
 * @example
 * const context = createAdminContext(deps);
 * await context.changed(caller, 'team.create', team.id);
 */
export function createAdminContext(deps: AdminDeps): AdminContext {
  const now = deps.now ?? Date.now;
  return {
    storage: deps.storage,
    openSecretBox: () => deps.openSecretBox(),
    log: deps.log,
    now: () => now(),
    async changed(caller, action, target) {
      const by = caller.via === 'master-key' ? 'master-key' : caller.keyId;
      deps.log.info({ admin: { action, target, by } }, 'admin change');
      try {
        await deps.onChange();
      } catch (error: unknown) {
        deps.log.error({ err: error }, 'admin: refreshing the gateway after a change failed');
      }
    },
  };
}

/** A 400 `duplicate_name` naming the field that must be unique (`name`, `email`). */
export function duplicateName(param: string, message: string): GatewayError {
  return new GatewayError('duplicate_name', message, { param });
}

/**
 * Runs a store write, turning `DuplicateKeyError` into 400 `duplicate_name` on `param`.
 *
 * @example
 * const team = await mapDuplicate('name', `A team named '${name}' already exists.`, () => teams.insert(body));
 */
export async function mapDuplicate<T>(param: string, message: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error: unknown) {
    if (error instanceof DuplicateKeyError) throw duplicateName(param, message);
    throw error;
  }
}

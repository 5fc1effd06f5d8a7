import type { Storage } from '../storage/open-storage.js';
import {
  DuplicateKeyError,
  type TeamRecord,
  UnknownKeyError,
  type UserRecord,
  type VirtualKeyRecord,
} from '../storage/types.js';
import { CliError } from './cli-support.js';

/**
 * The live team with that id or name; a CliError (exit 1) when there is none.
 *
 * @example
 * const team = await findTeam(storage, 'search');
 */
export async function findTeam(storage: Storage, nameOrId: string): Promise<TeamRecord> {
  const byId = await storage.teams.findById(nameOrId);
  const team = byId?.deletedAt === null ? byId : await storage.teams.findByName(nameOrId);
  if (team === undefined || team.deletedAt !== null)
    throw new CliError(`no team named or with id '${nameOrId}'`, 1);
  return team;
}

/**
 * The live user with that id or email; a CliError (exit 1) when there is none.
 *
 * @example
 * const user = await findUser(storage, 'ada@example.com');
 */
export async function findUser(storage: Storage, emailOrId: string): Promise<UserRecord> {
  const byId = await storage.users.findById(emailOrId);
  const user = byId?.deletedAt === null ? byId : await storage.users.findByEmail(emailOrId);
  if (user === undefined || user.deletedAt !== null)
    throw new CliError(`no user with email or id '${emailOrId}'`, 1);
  return user;
}

/** Live: not revoked and not replaced by a rotation (a replaced key still works until its overlap ends). */
export function isLiveKey(key: VirtualKeyRecord): boolean {
  return key.revokedAt === null && key.replacedBy === null;
}

/**
 * The live key with that id or name; a CliError (exit 1) when there is none.
 *
 * @example
 * const key = await findLiveKey(storage, 'ci-bot');
 */
export async function findLiveKey(storage: Storage, nameOrId: string): Promise<VirtualKeyRecord> {
  const byId = await storage.keys.findById(nameOrId);
  const key = byId !== undefined && isLiveKey(byId) ? byId : await storage.keys.findByName(nameOrId);
  if (key === undefined || !isLiveKey(key))
    throw new CliError(`no live key named or with id '${nameOrId}'`, 1);
  return key;
}

/**
 * Refuses keys the CLI must not change: declared in the config file (the next start would undo the
 * change) or, for `action`s that need a working key, expired.
 *
 * @example
 * requireChangeableKey('keys rotate', key, Date.now(), { mustBeUnexpired: true });
 */
export function requireChangeableKey(
  command: string,
  key: VirtualKeyRecord,
  now: number,
  options: { mustBeUnexpired: boolean },
): void {
  if (key.source === 'config')
    throw new CliError(`${command}: key '${key.name}' is declared in the config file; change it there`, 1);
  if (options.mustBeUnexpired && key.expiresAt !== null && key.expiresAt <= now)
    throw new CliError(`${command}: key '${key.name}' has expired; issue a new one with keys create`, 1);
}

/**
 * Runs a store write, turning the store's duplicate/unknown errors into CLI errors (exit 1).
 *
 * @example
 * await translateStoreErrors(() => storage.teams.insert({ name: 'search' }));
 */
export async function translateStoreErrors<T>(write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error: unknown) {
    if (error instanceof DuplicateKeyError || error instanceof UnknownKeyError)
      throw new CliError(error.message, 1);
    throw error;
  }
}

/** Options every store-backed action accepts. */
const COMMON_OPTIONS = new Set(['help', 'data-dir', 'config', 'json']);

/**
 * Refuses options the action does not use, so nothing given on the command line is silently dropped.
 *
 * @example
 * acceptOnlyOptions('teams delete', values, []); // throws on `--models x`
 */
export function acceptOnlyOptions(command: string, values: object, accepted: readonly string[]): void {
  const refused = Object.entries(values)
    .filter(([name, value]) => value !== undefined && !COMMON_OPTIONS.has(name) && !accepted.includes(name))
    .map(([name]) => `--${name}`);
  if (refused.length > 0) throw new CliError(`${command}: ${refused.join(', ')} not accepted here`);
}

/**
 * Every team's name by id, deleted teams included (marked), for labelling keys, users and usage rows.
 *
 * @example
 * const names = await loadTeamNames(storage);
 * names.get(key.teamId ?? '') ?? key.teamId;
 */
export async function loadTeamNames(storage: Storage): Promise<Map<string, string>> {
  const teams = await storage.teams.listUpdatedSince(Number.NEGATIVE_INFINITY);
  return new Map(
    teams.map((team) => [team.id, team.deletedAt === null ? team.name : `${team.name} (deleted)`]),
  );
}

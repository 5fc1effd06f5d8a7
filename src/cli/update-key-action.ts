import type { KeyPatch } from '../storage/types.js';
import { CliError, parseDuration } from './cli-support.js';
import {
  acceptOnlyOptions,
  findLiveKey,
  findUser,
  requireChangeableKey,
  translateStoreErrors,
} from './find-records.js';
import type { KeysContext, KeysValues } from './parse-keys-args.js';
import { exceedsRole, parseRole } from './parse-role.js';
import { applyPolicyOptions, POLICY_OPTION_NAMES } from './policy-options.js';

const UPDATE_OPTIONS = [
  'name',
  'role',
  'allow-route-override',
  'deny-route-override',
  'expires-in',
  'never-expires',
  ...POLICY_OPTION_NAMES,
];

/** The fields of the patch that are not policy: name, role, route override, expiry. */
function patchBasics(values: KeysValues, now: number): KeyPatch {
  const patch: KeyPatch = {};
  if (values.name !== undefined) {
    if (values.name.trim() === '') throw new CliError('keys update: --name cannot be empty');
    patch.name = values.name;
  }
  if (values.role !== undefined) patch.role = parseRole('keys update', values.role);
  if (values['allow-route-override'] === true && values['deny-route-override'] === true)
    throw new CliError('keys update: give --allow-route-override or --deny-route-override, not both');
  if (values['allow-route-override'] === true) patch.allowRouteOverride = true;
  if (values['deny-route-override'] === true) patch.allowRouteOverride = false;
  if (values['expires-in'] !== undefined && values['never-expires'] === true)
    throw new CliError('keys update: give --expires-in or --never-expires, not both');
  if (values['expires-in'] !== undefined) patch.expiresAt = now + parseDuration(values['expires-in']);
  if (values['never-expires'] === true) patch.expiresAt = null;
  return patch;
}

/**
 * `converge keys update <key>`: changes a live key's name, role, route override, expiry or policy.
 * Its team and user are fixed at creation (issue a new key to move it).
 *
 * @example
 * await updateKeyAction(context, 'ci-bot'); // values: { rpm: '120', 'clear-models': true }
 */
export async function updateKeyAction(context: KeysContext, target: string): Promise<number> {
  const { storage, values, now } = context;
  if (values.team !== undefined || values.user !== undefined)
    throw new CliError("keys update: a key's team and user are fixed; issue a new key (keys create) instead");
  acceptOnlyOptions('keys update', values, UPDATE_OPTIONS);
  const given = Object.entries(values).some(
    ([name, value]) => value !== undefined && UPDATE_OPTIONS.includes(name),
  );
  if (!given) throw new CliError('keys update: nothing to change (see converge keys --help)');
  const key = await findLiveKey(storage, target);
  requireChangeableKey('keys update', key, now, { mustBeUnexpired: false });
  const patch: KeyPatch = { ...patchBasics(values, now), ...applyPolicyOptions('keys update', values, key) };
  const role = patch.role ?? key.role;
  if (role === 'team-admin' && key.teamId === null)
    throw new CliError('keys update: a team-admin key must belong to a team');
  const user = key.userId === null ? undefined : await findUser(storage, key.userId).catch(() => undefined);
  if (user !== undefined && exceedsRole(role, user.role))
    throw new CliError(`keys update: a key for ${user.role} '${user.email}' cannot have role ${role}`);
  const updated = await translateStoreErrors(() => storage.keys.update(key.id, patch, now));
  if (updated === undefined) throw new CliError(`no live key named or with id '${target}'`, 1);
  if (values.json === true) process.stdout.write(`${JSON.stringify({ ...updated, hash: undefined })}\n`);
  else process.stdout.write(`Updated key '${updated.name}' (${updated.id}).\n`);
  return 0;
}

import type { Storage } from '../storage/open-storage.js';
import { parseCommandArgs } from './cli-support.js';
import { STORAGE_ARG_OPTIONS } from './open-cli-storage.js';
import { POLICY_ARG_OPTIONS } from './policy-options.js';

/**
 * Parses every option of every `converge keys` action; each action then refuses the ones it ignores.
 *
 * @example
 * const { values, positionals } = parseKeysArgs(['rotate', 'ci-bot', '--overlap', '1h']);
 */
export function parseKeysArgs(args: string[]) {
  return parseCommandArgs('keys', args, {
    ...STORAGE_ARG_OPTIONS,
    ...POLICY_ARG_OPTIONS,
    name: { type: 'string' },
    'expires-in': { type: 'string' },
    'never-expires': { type: 'boolean' },
    aws: { type: 'boolean' },
    team: { type: 'string' },
    user: { type: 'string' },
    role: { type: 'string' },
    'allow-route-override': { type: 'boolean' },
    'deny-route-override': { type: 'boolean' },
    overlap: { type: 'string' },
    json: { type: 'boolean' },
  });
}

export type KeysValues = ReturnType<typeof parseKeysArgs>['values'];

/** What every `converge keys` action gets. */
export interface KeysContext {
  storage: Storage;
  /** Local state directory: the master key that seals AWS secrets lives here. */
  dataDir: string;
  values: KeysValues;
  now: number;
}

import type { Role } from '../storage/types.js';
import { CliError } from './cli-support.js';

export const ROLES: readonly Role[] = ['admin', 'team-admin', 'member'];

/**
 * A role from the command line; a CliError naming the allowed roles otherwise.
 *
 * @example
 * parseRole('users create', 'team-admin'); // 'team-admin'
 */
export function parseRole(command: string, text: string): Role {
  const role = ROLES.find((candidate) => candidate === text);
  if (role === undefined) throw new CliError(`${command}: --role must be ${ROLES.join(', ')}; got '${text}'`);
  return role;
}

const ROLE_RANK: Record<Role, number> = { member: 0, 'team-admin': 1, admin: 2 };

/**
 * Whether `role` grants more admin rights than `ceiling` (a key never gets more than its user).
 *
 * @example
 * exceedsRole('admin', 'team-admin'); // true
 */
export function exceedsRole(role: Role, ceiling: Role): boolean {
  return ROLE_RANK[role] > ROLE_RANK[ceiling];
}

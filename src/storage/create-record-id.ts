import { randomBytes } from 'node:crypto';

/**
 * A new team or user id: the kind, `_`, and 16 URL-safe random characters (96 bits), like key ids.
 *
 * @example
 * createRecordId('team'); // 'team_3q2-7wEAAAAbQk1z'
 */
export function createRecordId(kind: 'team' | 'user'): string {
  return `${kind}_${randomBytes(12).toString('base64url')}`;
}

import { randomBytes } from 'node:crypto';

/**
 * A new virtual key id: `key_` and 16 URL-safe random characters (96 bits). Ids are public (they
 * appear in usage rows and logs); only the hash of the secret is sensitive.
 *
 * @example
 * createKeyId(); // 'key_3q2-7wEAAAAbQk1z'
 */
export function createKeyId(): string {
  return `key_${randomBytes(12).toString('base64url')}`;
}

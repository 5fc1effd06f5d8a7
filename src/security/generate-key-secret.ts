import { randomBytes } from 'node:crypto';

const KEY_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/**
 * A new virtual key secret: `sk-cvg-` + 40 base62 characters (~238 bits).
 *
 * @example generateKeySecret() // 'sk-cvg-4yn8ZX5ezqXz0vEtTpjoldNF5XxvQKoIQAp8u5Cw'
 */
export function generateKeySecret(): string {
  const bytes = randomBytes(40);
  let secret = 'sk-cvg-';
  for (const byte of bytes) secret += KEY_ALPHABET[byte % KEY_ALPHABET.length];
  return secret;
}

/**
 * The part of a secret safe to show in lists and logs.
 *
 * @example keyPrefix('sk-cvg-4yn8ZX5ezq…') // 'sk-cvg-4yn8'
 */
export function keyPrefix(secret: string): string {
  return secret.slice(0, 11);
}

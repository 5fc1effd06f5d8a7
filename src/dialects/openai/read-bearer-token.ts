import type { IncomingHttpHeaders } from 'node:http';

const BEARER = /^\s*bearer\s+(\S+)\s*$/i;

/**
 * The token of an `Authorization: Bearer <token>` header (scheme case-insensitive, whitespace
 * trimmed), or undefined.
 *
 * @example
 * readBearerToken({ authorization: 'bearer  sk-abc ' }) // 'sk-abc'
 */
export function readBearerToken(headers: IncomingHttpHeaders): string | undefined {
  const value = headers.authorization;
  if (value === undefined) return undefined;
  return BEARER.exec(value)?.[1];
}

import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export interface SignedRequest {
  method: string;
  /** Path and query exactly as received, still percent-encoded. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export type SignatureCheck =
  | { valid: true; accessKeyId: string; signedHeaders: string[] }
  | { valid: false; reason: string };

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/;

/**
 * An independent SigV4 verifier (node:crypto only, following the AWS algorithm as written in
 * `protocols/bedrock.md` §8), so provider tests do not check `@smithy/signature-v4` against itself.
 * It is the server side: it rebuilds the canonical request from what arrived on the wire.
 *
 * @example
 * expect(verifySignatureV4(upstream.lastRequest(), { AKIDEXAMPLE: 'secret' }, 'us-east-1')).toMatchObject({ valid: true });
 */
export function verifySignatureV4(
  request: SignedRequest,
  secrets: Record<string, string>,
  region: string,
  service = 'bedrock',
): SignatureCheck {
  const match = AUTHORIZATION.exec(String(request.headers.authorization ?? ''));
  if (match === null) return { valid: false, reason: 'no SigV4 authorization header' };
  const [, accessKeyId = '', day = '', scopeRegion, scopeService, signedHeaderList = '', signature = ''] =
    match;
  const secret = secrets[accessKeyId];
  if (secret === undefined) return { valid: false, reason: `unknown access key ${accessKeyId}` };
  if (scopeRegion !== region || scopeService !== service) return { valid: false, reason: 'wrong scope' };
  const amzDate = String(request.headers['x-amz-date'] ?? '');
  if (!amzDate.startsWith(day)) return { valid: false, reason: 'x-amz-date does not match the scope date' };
  const bodyHash = sha256Hex(request.body);
  const declaredHash = request.headers['x-amz-content-sha256'];
  if (declaredHash !== undefined && declaredHash !== bodyHash)
    return { valid: false, reason: 'payload hash mismatch' };
  const signedHeaders = signedHeaderList.split(';');
  const canonicalRequest = [
    request.method,
    canonicalUri(request.url),
    canonicalQuery(request.url),
    ...signedHeaders.map((name) => `${name}:${headerValue(request.headers, name)}`),
    '',
    signedHeaderList,
    typeof declaredHash === 'string' ? declaredHash : bodyHash,
  ].join('\n');
  const scope = `${day}/${region}/${service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  let key = hmac(`AWS4${secret}`, day);
  for (const part of [region, service, 'aws4_request']) key = hmac(key, part);
  const expected = createHmac('sha256', key).update(stringToSign).digest();
  const actual = Buffer.from(signature, 'hex');
  if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) {
    return { valid: false, reason: 'signature mismatch' };
  }
  return { valid: true, accessKeyId, signedHeaders };
}

/** The raw (already encoded) path, each segment URI-encoded once more: `%3A` → `%253A`. */
function canonicalUri(url: string): string {
  const path = url.split('?')[0] ?? '/';
  return path
    .split('/')
    .map((segment) => rfc3986(segment))
    .join('/');
}

function canonicalQuery(url: string): string {
  const query = url.split('?')[1];
  if (query === undefined || query === '') return '';
  return [...new URLSearchParams(query)]
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

function headerValue(headers: IncomingHttpHeaders, name: string): string {
  const value = headers[name];
  const text = Array.isArray(value) ? value.join(',') : (value ?? '');
  return text.trim().replace(/\s+/g, ' ');
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

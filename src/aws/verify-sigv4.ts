import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A request as received, before anything decoded or normalised it. */
export interface SigV4Request {
  method: string;
  /** raw path as received, still percent-encoded */
  path: string;
  /** raw query string without '?' */
  query: string;
  headers: Record<string, string | string[] | undefined>;
  body: Uint8Array | string;
}

export type SigV4Failure =
  | 'missing_authentication'
  | 'incomplete_signature'
  | 'unknown_access_key'
  | 'signature_mismatch'
  | 'request_expired';

export type SigV4Result =
  | { ok: true; accessKeyId: string; region: string; service: string }
  | { ok: false; failure: SigV4Failure; message: string };

export interface VerifySigV4Options {
  /** The server's clock (tests pin it). */
  now?: Date;
  /** How far `x-amz-date` may be from `now`, either way; AWS allows 5 minutes. */
  maxSkewMs?: number;
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const DEFAULT_MAX_SKEW_MS = 5 * 60_000;
const AMZ_DATE = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/;
const SIGNATURE = /^[0-9a-f]{64}$/;

export const SIGNATURE_MISMATCH_MESSAGE =
  'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.';
export const UNKNOWN_ACCESS_KEY_MESSAGE = 'The security token included in the request is invalid.';

interface ParsedAuthorization {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
}

type Failed = { ok: false; failure: SigV4Failure; message: string };

function fail(failure: SigV4Failure, message: string): Failed {
  return { ok: false, failure, message };
}

/**
 * Header values by lower-case name; repeated headers joined with commas, as AWS canonicalises them.
 * HTTP/2 carries the host in the `:authority` pseudo-header, and the AWS SDK's HTTP/2 handler signs
 * it under that name; a proxy may have turned one into the other, so each stands in for the other.
 */
function normaliseHeaders(headers: SigV4Request['headers']): Map<string, string> {
  const result = new Map<string, string>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result.set(name.toLowerCase(), Array.isArray(value) ? value.join(',') : value);
  }
  const host = result.get('host');
  const authority = result.get(':authority');
  if (host === undefined && authority !== undefined) result.set('host', authority);
  if (authority === undefined && host !== undefined) result.set(':authority', host);
  return result;
}

function parseAuthorization(header: string): ParsedAuthorization | Failed {
  const space = header.indexOf(' ');
  const algorithm = space === -1 ? header : header.slice(0, space);
  if (algorithm !== ALGORITHM) {
    return fail('incomplete_signature', `Unsupported authorization type: ${algorithm.slice(0, 40)}.`);
  }
  const fields = new Map<string, string>();
  for (const item of header.slice(space + 1).split(',')) {
    const equals = item.indexOf('=');
    if (equals > 0) fields.set(item.slice(0, equals).trim(), item.slice(equals + 1).trim());
  }
  const missing = ['Credential', 'SignedHeaders', 'Signature'].filter((name) => !fields.get(name));
  if (missing.length > 0) {
    return fail(
      'incomplete_signature',
      missing.map((name) => `Authorization header requires '${name}' parameter.`).join(' '),
    );
  }
  const credential = (fields.get('Credential') ?? '').split('/');
  const [accessKeyId, date, region, service, terminator] = credential;
  if (
    credential.length !== 5 ||
    !accessKeyId ||
    !date ||
    !region ||
    !service ||
    terminator !== 'aws4_request'
  ) {
    return fail(
      'incomplete_signature',
      "Authorization header requires a 'Credential' of the form <access key id>/<date>/<region>/<service>/aws4_request.",
    );
  }
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (fields.get('SignedHeaders') ?? '').split(';'),
    signature: (fields.get('Signature') ?? '').toLowerCase(),
  };
}

/** `20240102T030405Z` → epoch ms, or undefined when it is not a valid ISO-8601 basic timestamp. */
function parseAmzDate(value: string): number | undefined {
  const match = AMZ_DATE.exec(value);
  if (match === null) return undefined;
  const [, year, month, day, hour, minute, second] = match.map(Number);
  const time = Date.UTC(year ?? 0, (month ?? 1) - 1, day, hour, minute, second);
  return Number.isNaN(time) ? undefined : time;
}

function formatAmzDate(time: number): string {
  return new Date(time)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** AWS's own wording, so clients that recognise clock-skew errors (the SDKs do) can correct and retry. */
function checkClock(amzDate: string, signedAt: number, now: number, maxSkewMs: number): Failed | undefined {
  const minutes = `${Math.round(maxSkewMs / 60_000)} min.`;
  if (signedAt < now - maxSkewMs) {
    return fail(
      'request_expired',
      `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - maxSkewMs)} (${formatAmzDate(now)} - ${minutes})`,
    );
  }
  if (signedAt > now + maxSkewMs) {
    return fail(
      'request_expired',
      `Signature not yet current: ${amzDate} is still later than ${formatAmzDate(now + maxSkewMs)} (${formatAmzDate(now)} + ${minutes})`,
    );
  }
  return undefined;
}

/** RFC 3986 encoding as the AWS signers do it (`encodeURIComponent` plus `!'()*`). */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function decodeComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // A stray `%` stays literal; the signature then simply fails to match.
    return text;
  }
}

/**
 * The canonical URI for every service but S3: dot segments and empty segments removed, then the
 * already-encoded path encoded once more (`%3A` → `%253A`), keeping `/`.
 */
export function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const leading = path.startsWith('/') ? '/' : '';
  const trailing = segments.length > 0 && path.endsWith('/') ? '/' : '';
  return escapeUri(`${leading}${segments.join('/')}${trailing}`).replace(/%2F/g, '/');
}

/** Parameters decoded, re-encoded strictly, sorted by key and then by value. */
export function canonicalQuery(query: string): string {
  const byKey = new Map<string, string[]>();
  for (const pair of query.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const key = escapeUri(decodeComponent(equals === -1 ? pair : pair.slice(0, equals)));
    const value = equals === -1 ? '' : escapeUri(decodeComponent(pair.slice(equals + 1)));
    if (key.toLowerCase() === 'x-amz-signature') continue;
    const values = byKey.get(key) ?? [];
    values.push(`${key}=${value}`);
    byKey.set(key, values);
  }
  return [...byKey.keys()]
    .sort()
    .map((key) => (byKey.get(key) ?? []).sort().join('&'))
    .join('&');
}

function sha256Hex(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function hmac(key: Uint8Array | string, data: string): Buffer {
  return createHmac('sha256', key).update(data, 'utf8').digest();
}

function buildCanonicalRequest(
  request: SigV4Request,
  headers: Map<string, string>,
  signedHeaders: readonly string[],
  payloadHash: string,
): string {
  const canonicalHeaders = signedHeaders.map(
    (name) => `${name}:${(headers.get(name) ?? '').trim().replace(/\s+/g, ' ')}\n`,
  );
  return [
    request.method.toUpperCase(),
    canonicalUri(request.path),
    canonicalQuery(request.query),
    canonicalHeaders.join(''),
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

function computeSignature(
  secret: string,
  auth: ParsedAuthorization,
  amzDate: string,
  canonicalRequest: string,
): Buffer {
  const scope = `${auth.date}/${auth.region}/${auth.service}/aws4_request`;
  const stringToSign = [ALGORITHM, amzDate, scope, sha256Hex(canonicalRequest)].join('\n');
  const dateKey = hmac(`AWS4${secret}`, auth.date);
  const signingKey = hmac(hmac(hmac(dateKey, auth.region), auth.service), 'aws4_request');
  return hmac(signingKey, stringToSign);
}

/** The request's shape is right for signature checking; returns what verification needs or a failure. */
function readSignedParts(
  headers: Map<string, string>,
): { auth: ParsedAuthorization; amzDate: string; signedAt: number } | Failed {
  const authorization = headers.get('authorization');
  if (authorization === undefined || authorization.trim() === '') {
    return fail('missing_authentication', 'Missing Authentication Token');
  }
  const auth = parseAuthorization(authorization.trim());
  if ('ok' in auth) return auth;
  if (!auth.signedHeaders.includes('host') && !auth.signedHeaders.includes(':authority')) {
    return fail(
      'incomplete_signature',
      "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization.",
    );
  }
  if (!SIGNATURE.test(auth.signature)) return fail('signature_mismatch', SIGNATURE_MISMATCH_MESSAGE);
  const amzDate = headers.get('x-amz-date');
  const signedAt = amzDate === undefined ? undefined : parseAmzDate(amzDate.trim());
  if (amzDate === undefined || signedAt === undefined) {
    return fail(
      'incomplete_signature',
      "Authorization header requires existence of a valid 'X-Amz-Date' header.",
    );
  }
  if (!amzDate.startsWith(auth.date)) {
    return fail(
      'signature_mismatch',
      `Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '${auth.date}' != '${amzDate.slice(0, 8)}'.`,
    );
  }
  return { auth, amzDate: amzDate.trim(), signedAt };
}

/**
 * Verifies an AWS Signature Version 4 `Authorization` header the way AWS does: it rebuilds the
 * canonical request from the raw path, query, the listed signed headers and the body hash, derives
 * the signing key from the secret `lookupSecret` returns for the access key id, and compares
 * signatures in constant time. `x-amz-date` must be within `maxSkewMs` (5 minutes) of `now`.
 * It does not check the region or service named in the scope; the caller decides what it accepts.
 *
 * @example
 * const result = await verifySigV4(
 *   { method: 'POST', path: '/model/m/converse', query: '', headers: request.headers, body },
 *   async (accessKeyId) => secrets.get(accessKeyId),
 * );
 * if (!result.ok) reply.code(403).send({ message: result.message });
 */
export async function verifySigV4(
  request: SigV4Request,
  lookupSecret: (accessKeyId: string) => Promise<string | undefined>,
  options: VerifySigV4Options = {},
): Promise<SigV4Result> {
  const headers = normaliseHeaders(request.headers);
  const parts = readSignedParts(headers);
  if ('ok' in parts) return parts;
  const { auth, amzDate, signedAt } = parts;
  const secret = await lookupSecret(auth.accessKeyId);
  if (secret === undefined) return fail('unknown_access_key', UNKNOWN_ACCESS_KEY_MESSAGE);
  const now = (options.now ?? new Date()).getTime();
  const expired = checkClock(amzDate, signedAt, now, options.maxSkewMs ?? DEFAULT_MAX_SKEW_MS);
  if (expired !== undefined) return expired;

  const bodyHash = sha256Hex(request.body);
  const declaredHash = headers.get('x-amz-content-sha256');
  if (declaredHash !== undefined && declaredHash.trim().toLowerCase() !== bodyHash) {
    return fail(
      'signature_mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  const canonicalRequest = buildCanonicalRequest(request, headers, auth.signedHeaders, bodyHash);
  const expected = computeSignature(secret, auth, amzDate, canonicalRequest);
  if (!timingSafeEqual(expected, Buffer.from(auth.signature, 'hex'))) {
    return fail('signature_mismatch', SIGNATURE_MISMATCH_MESSAGE);
  }
  return { ok: true, accessKeyId: auth.accessKeyId, region: auth.region, service: auth.service };
}

import type { ProviderConfig } from '../../config/schema.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import { UpstreamError } from '../../core/upstream-error.js';

export type GoogleCredentialsConfig = Extract<ProviderConfig, { type: 'vertex' }>['credentials'];

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** Per-call auth headers (`authorization`, plus `x-goog-user-project` when ADC names a quota project). */
export type GoogleAuthHeaders = (url: string, signal: AbortSignal) => Promise<Record<string, string>>;

/** The part of `google-auth-library`'s GoogleAuth used here; tests substitute it. */
export interface GoogleAuthLike {
  getRequestHeaders(url?: string): Promise<Headers>;
}
export interface GoogleAuthOptionsLike {
  scopes: string[];
  keyFile?: string;
  credentials?: Record<string, unknown>;
}
export type LoadGoogleAuth = () => Promise<new (options: GoogleAuthOptionsLike) => GoogleAuthLike>;

const loadLibrary: LoadGoogleAuth = async () => (await import('google-auth-library')).GoogleAuth;

/**
 * Auth headers for Vertex AI. `access-token` sends the fixed token. The others use
 * `google-auth-library`'s GoogleAuth with the cloud-platform scope — ADC, a key file, or the
 * service-account JSON — which caches the token and refreshes it before expiry. The library is loaded
 * on the first call, so gateways without Vertex never pay for it. Bad JSON fails at start-up.
 *
 * @example
 * const headers = createGoogleAuthHeaders('vertex-eu', { type: 'adc' });
 * await headers(url, signal); // { authorization: 'Bearer ya29…' }
 */
export function createGoogleAuthHeaders(
  name: string,
  credentials: GoogleCredentialsConfig,
  load: LoadGoogleAuth = loadLibrary,
): GoogleAuthHeaders {
  if (credentials.type === 'access-token') {
    const headers = { authorization: `Bearer ${credentials.token}` };
    return async () => headers;
  }
  const options = authOptions(name, credentials);
  let auth: Promise<GoogleAuthLike> | undefined;
  return async (url, signal) => {
    auth ??= load().then((GoogleAuth) => new GoogleAuth(options));
    auth.catch(() => {
      auth = undefined;
    });
    let headers: Headers;
    try {
      headers = await raceAbort(
        auth.then((client) => client.getRequestHeaders(url)),
        signal,
      );
    } catch (error: unknown) {
      if (signal.aborted) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      // No status: retryable, so a deployment on another account can still serve the call.
      throw new UpstreamError(`Could not get a Google access token (${credentials.type}): ${reason}`, {
        url: 'https://oauth2.googleapis.com/token',
        statusCode: undefined,
        code: 'upstream_auth_failed',
        cause: error,
      });
    }
    return Object.fromEntries(headers.entries());
  };
}

function authOptions(
  name: string,
  credentials: Exclude<GoogleCredentialsConfig, { type: 'access-token' }>,
): GoogleAuthOptionsLike {
  const scopes = [CLOUD_PLATFORM_SCOPE];
  if (credentials.type === 'adc') return { scopes };
  if (credentials.type === 'service-account-file') return { scopes, keyFile: credentials.path };
  const parsed = safeParseJson(credentials.json);
  if (
    !parsed.success ||
    typeof parsed.value !== 'object' ||
    parsed.value === null ||
    Array.isArray(parsed.value)
  ) {
    throw new Error(`providers.${name}.credentials.json: not a service-account JSON object`);
  }
  return { scopes, credentials: parsed.value as Record<string, unknown> };
}

/** Lets one caller stop waiting without cancelling the token fetch other callers share. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

import type { AccessToken, TokenCredential } from '@azure/identity';
import { UpstreamError } from '../../core/upstream-error.js';

/** Hands out a bearer token for each upstream call. */
export interface AccessTokenProvider {
  getToken(signal?: AbortSignal): Promise<string>;
}

export interface EntraTokenProviderOptions {
  credential: TokenCredential;
  /** e.g. `https://cognitiveservices.azure.com/.default` */
  scope: string;
  /** Refresh this long before expiry. Default 5 minutes. */
  refreshMarginMs?: number;
  /** Stop using a token this close to expiry, even while a refresh is pending. Default 30 s. */
  expirySafetyMs?: number;
  now?: () => number;
}

/**
 * Caches a Microsoft Entra ID token across calls. A token is reused until it is due for refresh
 * (`refreshAfterTimestamp`, or `refreshMarginMs` before `expiresOnTimestamp`); then one refresh runs
 * for all callers, and until the token is nearly expired callers keep the old one instead of waiting.
 *
 * @example
 * const tokens = createEntraTokenProvider({ credential: new DefaultAzureCredential(), scope });
 * headers.authorization = `Bearer ${await tokens.getToken(signal)}`;
 */
export function createEntraTokenProvider(options: EntraTokenProviderOptions): AccessTokenProvider {
  const now = options.now ?? Date.now;
  const refreshMarginMs = options.refreshMarginMs ?? 5 * 60_000;
  const expirySafetyMs = options.expirySafetyMs ?? 30_000;
  let cached: AccessToken | undefined;
  let refreshing: Promise<AccessToken> | undefined;

  function refresh(): Promise<AccessToken> {
    refreshing ??= fetchToken(options.credential, options.scope)
      .then((token) => {
        cached = token;
        return token;
      })
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  return {
    async getToken(signal) {
      const at = now();
      if (cached !== undefined && at < refreshAt(cached, refreshMarginMs)) return cached.token;
      const pending = refresh();
      if (cached !== undefined && at < cached.expiresOnTimestamp - expirySafetyMs) {
        // Still valid: answer now; a failed background refresh is retried by the next call.
        pending.catch(() => undefined);
        return cached.token;
      }
      return (await raceAbort(pending, signal)).token;
    },
  };
}

function refreshAt(token: AccessToken, refreshMarginMs: number): number {
  return Math.min(
    token.refreshAfterTimestamp ?? Number.POSITIVE_INFINITY,
    token.expiresOnTimestamp - refreshMarginMs,
  );
}

async function fetchToken(credential: TokenCredential, scope: string): Promise<AccessToken> {
  let token: AccessToken | null;
  try {
    token = await credential.getToken(scope);
  } catch (error: unknown) {
    const reason = error instanceof Error ? error.message : String(error);
    throw authError(`Could not get a Microsoft Entra ID token for ${scope}: ${reason}`, error);
  }
  if (token === null) throw authError(`Microsoft Entra ID returned no token for ${scope}.`, undefined);
  return token;
}

function authError(message: string, cause: unknown): UpstreamError {
  // No status: retryable, so a deployment on another account can still serve the call.
  return new UpstreamError(message, {
    url: 'https://login.microsoftonline.com',
    statusCode: undefined,
    code: 'upstream_auth_failed',
    cause,
  });
}

/** Lets one caller stop waiting without cancelling the refresh other callers share. */
function raceAbort<T>(promise: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return promise;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

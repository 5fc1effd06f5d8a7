import { GatewayError } from '../../core/gateway-error.js';
import type { Stage } from '../compose.js';
import type { GatewayContext, Principal } from '../gateway-context.js';
import type { KeyResolver } from './key-resolver.js';

/** Runs a dialect's own authenticator; anything but a GatewayError is a gateway fault, logged here. */
async function runAuthenticator(
  context: GatewayContext,
  authenticate: () => Promise<Principal>,
): Promise<Principal> {
  try {
    return await authenticate();
  } catch (error: unknown) {
    if (error instanceof GatewayError) throw error;
    context.log.error({ err: error }, 'authentication failed');
    throw new GatewayError('internal_error', 'The request could not be authenticated.', { cause: error });
  }
}

/**
 * Authenticates the caller and attaches the principal — the one place auth happens. Usually that
 * is the presented virtual key; a dialect that authenticates another way (Bedrock's SigV4) supplies
 * `context.authenticate`. Runs before the body is parsed, as the providers do: a wrong key gets
 * 401 whatever the body holds.
 */
export function createAuthStage(keys: KeyResolver): Stage {
  return async function authenticate(context, next) {
    if (context.authenticate !== undefined) {
      context.principal = await runAuthenticator(context, context.authenticate);
      await next();
      return;
    }
    if (context.credential === undefined || context.credential === '') {
      throw new GatewayError(
        'authentication_required',
        'No API key was provided. Send your Converge virtual key as `Authorization: Bearer <key>` (or the header your SDK uses).',
      );
    }
    const principal = await keys.resolve(context.credential);
    if (principal === undefined) {
      throw new GatewayError(
        'invalid_api_key',
        `Incorrect API key provided: ${maskKey(context.credential)}.`,
      );
    }
    context.principal = principal;
    await next();
  };
}

/** Shows the first and last four characters of a key, as providers do in their 401 messages. */
export function maskKey(key: string): string {
  if (key.length <= 12) return '*'.repeat(key.length);
  return `${key.slice(0, 4)}${'*'.repeat(Math.min(key.length - 8, 16))}${key.slice(-4)}`;
}

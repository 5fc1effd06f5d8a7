import { type SigV4Failure, type SigV4Request, verifySigV4 } from '../../aws/verify-sigv4.js';
import { GatewayError, type GatewayErrorCode } from '../../core/gateway-error.js';
import type { Principal } from '../gateway-context.js';
import type { AccessKeyGrant, KeyResolver } from './key-resolver.js';

const CODES: Record<SigV4Failure, GatewayErrorCode> = {
  missing_authentication: 'authentication_required',
  incomplete_signature: 'incomplete_signature',
  unknown_access_key: 'unknown_access_key',
  signature_mismatch: 'signature_mismatch',
  request_expired: 'request_expired',
};

export interface AuthenticateSigV4Options {
  /** The signing name the scope must carry, e.g. `bedrock`. */
  service: string;
  now?: Date;
}

/**
 * Verifies a SigV4-signed request against the gateway-issued AWS key pairs and returns the
 * principal of the virtual key the pair belongs to. Failures throw GatewayErrors with stable codes
 * (`signature_mismatch`, `request_expired`, `unknown_access_key`, `incomplete_signature`) and
 * AWS's own messages, which the dialect writes in AWS's shape.
 *
 * @example
 * const spec = { authenticate: () => authenticateSigV4(request, gateway.keys, { service: 'bedrock' }) };
 */
export async function authenticateSigV4(
  request: SigV4Request,
  keys: KeyResolver,
  options: AuthenticateSigV4Options,
): Promise<Principal> {
  let grant: AccessKeyGrant | undefined;
  const result = await verifySigV4(
    request,
    async (accessKeyId) => {
      grant = await keys.resolveAccessKey(accessKeyId);
      return grant?.secretAccessKey;
    },
    { now: options.now },
  );
  if (!result.ok) throw new GatewayError(CODES[result.failure], result.message);
  if (result.service !== options.service) {
    throw new GatewayError(
      'signature_mismatch',
      `Credential should be scoped to correct service: '${options.service}'.`,
    );
  }
  if (grant === undefined) throw new Error('a verified signature without a grant');
  return grant.principal;
}

import type { IncomingHttpHeaders } from 'node:http';
import { type SigV4Failure, UNKNOWN_ACCESS_KEY_MESSAGE, verifySigV4 } from '../../aws/verify-sigv4.js';
import { authError, type BedrockError } from './bedrock-error.js';
import type { ResolvedBedrockOptions } from './bedrock-sandbox-options.js';

/** Who made the request: an access key id (SigV4) or a Bedrock API key (Bearer). */
export type BedrockPrincipal = { type: 'sigv4'; accessKeyId: string } | { type: 'api-key'; key: string };

export interface SignedRequest {
  method: string;
  /** Raw, still percent-encoded, as it arrived. */
  path: string;
  query: string;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** The AWS front end's error code for each way a signature can fail. */
const FAILURE_CODES: Record<SigV4Failure, string> = {
  missing_authentication: 'MissingAuthenticationTokenException',
  incomplete_signature: 'IncompleteSignatureException',
  unknown_access_key: 'UnrecognizedClientException',
  signature_mismatch: 'InvalidSignatureException',
  request_expired: 'InvalidSignatureException',
};

function checkApiKey(header: string, options: ResolvedBedrockOptions): BedrockPrincipal {
  const key = header.slice('bearer '.length).trim();
  if (!options.apiKeys.includes(key))
    throw authError('UnrecognizedClientException', UNKNOWN_ACCESS_KEY_MESSAGE);
  return { type: 'api-key', key };
}

function scopeError(
  region: string,
  service: string,
  options: ResolvedBedrockOptions,
): BedrockError | undefined {
  // AWS's wording, trailing space included.
  if (service !== 'bedrock')
    return authError(
      'InvalidSignatureException',
      "Credential should be scoped to correct service: 'bedrock'. ",
    );
  if (region !== options.region)
    return authError('InvalidSignatureException', 'Credential should be scoped to a valid region. ');
  return undefined;
}

/**
 * Authenticates as Bedrock Runtime does: `Authorization: Bearer <Bedrock API key>`, or a SigV4
 * signature by one of the configured key pairs, scoped to the sandbox's region and service `bedrock`.
 * Throws the front end's 403 (UnrecognizedClientException, InvalidSignatureException — also for
 * "Signature expired: …" —, IncompleteSignatureException, MissingAuthenticationTokenException).
 * @example const principal = await authenticateBedrock(request, options.bedrock);
 */
export async function authenticateBedrock(
  request: SignedRequest,
  options: ResolvedBedrockOptions,
): Promise<BedrockPrincipal> {
  const authorization = request.headers.authorization;
  if (authorization !== undefined && /^bearer /i.test(authorization))
    return checkApiKey(authorization, options);
  const secrets = new Map(options.credentials.map((pair) => [pair.accessKeyId, pair.secretAccessKey]));
  const result = await verifySigV4(request, async (accessKeyId) => secrets.get(accessKeyId));
  if (!result.ok) throw authError(FAILURE_CODES[result.failure], result.message);
  const scope = scopeError(result.region, result.service, options);
  if (scope) throw scope;
  return { type: 'sigv4', accessKeyId: result.accessKeyId };
}

import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { UpstreamError } from '../../core/upstream-error.js';
import type { BedrockConfig } from './resolve-bedrock-endpoint.js';

/** Bedrock signs as `bedrock`, not as its endpoint prefix `bedrock-runtime`. */
const SIGNING_SERVICE = 'bedrock';

/** One request as it will go on the wire: what SigV4 signs is exactly what is sent. */
export interface BedrockWireRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Returns the request's headers plus authentication (SigV4 headers, or a Bearer token). */
export type BedrockAuthorizer = (
  request: BedrockWireRequest,
  signal: AbortSignal,
) => Promise<Record<string, string>>;

/**
 * Authentication for one Bedrock account, from `config.credentials`:
 * - `keys`: SigV4 with a static access key (and optional session token);
 * - `default-chain`: SigV4 with the AWS SDK's Node provider chain (env, shared profile / `profile`,
 *   SSO, web identity, ECS and EC2 roles). `@aws-sdk/credential-providers` is heavy, so it is loaded
 *   on the first call. The chain memoizes what it resolved and refreshes temporary credentials
 *   five minutes before they expire, so one chain lives as long as the provider;
 * - `bearer`: a Bedrock API key sent as `Authorization: Bearer`, no signing.
 * Credentials that cannot be resolved fail the call with a retryable `upstream_auth_failed`
 * (another target may well be in an account that works).
 *
 * @example
 * const authorize = createBedrockAuthorizer('bedrock-eu', { region: 'eu-west-1', credentials: { type: 'default-chain' } });
 * const headers = await authorize({ url, headers: { 'content-type': 'application/json' }, body }, signal);
 */
export function createBedrockAuthorizer(
  name: string,
  config: Pick<BedrockConfig, 'region' | 'credentials'>,
): BedrockAuthorizer {
  const credentials = config.credentials;
  if (credentials.type === 'bearer') {
    const authorization = `Bearer ${credentials.token}`;
    return async (request) => ({ ...request.headers, authorization });
  }
  const identity: AwsCredentialIdentity | AwsCredentialIdentityProvider =
    credentials.type === 'keys'
      ? {
          accessKeyId: credentials.accessKeyId,
          secretAccessKey: credentials.secretAccessKey,
          ...(credentials.sessionToken === undefined ? {} : { sessionToken: credentials.sessionToken }),
        }
      : createDefaultChainProvider(name, credentials.profile);
  const signer = new SignatureV4({
    service: SIGNING_SERVICE,
    region: config.region,
    credentials: identity,
    sha256: Sha256,
  });
  return async (request, signal) => {
    const url = new URL(request.url);
    const signed = await signer.sign({
      method: 'POST',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port === '' ? {} : { port: Number(url.port) }),
      // Still percent-encoded (`%3A`): SigV4 encodes the path once more for its canonical form.
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: { ...request.headers, host: url.host },
      body: request.body,
    });
    signal.throwIfAborted();
    return signed.headers;
  };
}

function createDefaultChainProvider(
  name: string,
  profile: string | undefined,
): AwsCredentialIdentityProvider {
  let chain: Promise<AwsCredentialIdentityProvider> | undefined;
  return async () => {
    chain ??= import('@aws-sdk/credential-providers').then(
      (module) => module.fromNodeProviderChain(profile === undefined ? {} : { profile }),
      (error: unknown) => {
        chain = undefined;
        throw error;
      },
    );
    try {
      return await (await chain)();
    } catch (error: unknown) {
      throw new UpstreamError(
        `Could not load AWS credentials for providers.${name} (${error instanceof Error ? error.message : String(error)}).`,
        { url: `aws-credentials:${name}`, statusCode: undefined, code: 'upstream_auth_failed', cause: error },
      );
    }
  };
}

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UpstreamError } from '../../core/upstream-error.js';
import { type BedrockWireRequest, createBedrockAuthorizer } from './create-bedrock-authorizer.js';
import { type SignedRequest, verifySignatureV4 } from './test-support/verify-signature-v4.js';

const URL_TEXT =
  'https://bedrock-runtime.eu-west-1.amazonaws.com/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse';
const wire: BedrockWireRequest = {
  url: URL_TEXT,
  headers: { 'content-type': 'application/json', accept: 'application/json' },
  body: '{"messages":[{"role":"user","content":[{"text":"Hi"}]}]}',
};
const signal = new AbortController().signal;

function asReceived(headers: Record<string, string>): SignedRequest {
  return { method: 'POST', url: new URL(URL_TEXT).pathname, headers, body: wire.body };
}

/** Env vars the default chain reads; each test starts with none of them and with no network sources. */
const CHAIN_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_DEFAULT_PROFILE',
  'AWS_WEB_IDENTITY_TOKEN_FILE',
  'AWS_ROLE_ARN',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
];
let saved: Record<string, string | undefined> = {};

beforeEach(() => {
  saved = Object.fromEntries(CHAIN_VARIABLES.map((name) => [name, process.env[name]]));
  for (const name of CHAIN_VARIABLES) delete process.env[name];
  // No shared files and no instance metadata: the chain must never leave this process.
  process.env['AWS_CONFIG_FILE'] = '/nonexistent/converge-test/config';
  process.env['AWS_SHARED_CREDENTIALS_FILE'] = '/nonexistent/converge-test/credentials';
  process.env['AWS_EC2_METADATA_DISABLED'] = 'true';
});

afterEach(() => {
  for (const [name, value] of Object.entries(saved)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
});

describe('createBedrockAuthorizer', () => {
  it('static keys: SigV4 for service bedrock in the configured region', async () => {
    const authorize = createBedrockAuthorizer('b', {
      region: 'eu-west-1',
      credentials: { type: 'keys', accessKeyId: 'AKIDSTATIC', secretAccessKey: 'static-secret' },
    });
    const headers = await authorize(wire, signal);
    expect(headers).toMatchObject({ host: 'bedrock-runtime.eu-west-1.amazonaws.com', ...wire.headers });
    expect(headers['authorization']).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDSTATIC\/\d{8}\/eu-west-1\/bedrock\/aws4_request/,
    );
    expect(
      verifySignatureV4(asReceived(headers), { AKIDSTATIC: 'static-secret' }, 'eu-west-1'),
    ).toMatchObject({
      valid: true,
    });
  });

  it('bearer: the API key as Authorization, the request headers untouched, nothing signed', async () => {
    const authorize = createBedrockAuthorizer('b', {
      region: 'eu-west-1',
      credentials: { type: 'bearer', token: 'bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t' },
    });
    expect(await authorize(wire, signal)).toEqual({
      ...wire.headers,
      authorization: 'Bearer bedrock-api-key-YmVkcm9jay5hbWF6b25hd3MuY29t',
    });
  });

  it('default chain: picks up AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN, and caches them', async () => {
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDFROMENV';
    process.env['AWS_SECRET_ACCESS_KEY'] = 'env-secret';
    process.env['AWS_SESSION_TOKEN'] = 'env-session-token';
    const authorize = createBedrockAuthorizer('b', {
      region: 'eu-west-1',
      credentials: { type: 'default-chain' },
    });
    const first = await authorize(wire, signal);
    expect(first['x-amz-security-token']).toBe('env-session-token');
    expect(verifySignatureV4(asReceived(first), { AKIDFROMENV: 'env-secret' }, 'eu-west-1')).toMatchObject({
      valid: true,
      accessKeyId: 'AKIDFROMENV',
    });
    // Resolved once and memoized by the chain: changing the environment does not change the identity.
    process.env['AWS_ACCESS_KEY_ID'] = 'AKIDCHANGED';
    const second = await authorize(wire, signal);
    expect(verifySignatureV4(asReceived(second), { AKIDFROMENV: 'env-secret' }, 'eu-west-1')).toMatchObject({
      valid: true,
    });
  });

  it('default chain without any credentials: a retryable upstream_auth_failed naming the provider', async () => {
    const authorize = createBedrockAuthorizer('bedrock-eu', {
      region: 'eu-west-1',
      credentials: { type: 'default-chain', profile: 'missing-profile' },
    });
    const error = await authorize(wire, signal).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(UpstreamError);
    expect(error).toMatchObject({
      code: 'upstream_auth_failed',
      isRetryable: true,
      message: expect.stringContaining('Could not load AWS credentials for providers.bedrock-eu'),
    });
  });
});

import { ConverseCommand, type Message } from '@aws-sdk/client-bedrock-runtime';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ACCESS_KEY_ID,
  BEDROCK_KEY,
  type BedrockFixture,
  bedrockClient,
  CLAUDE_ID,
  LIMITED_ACCESS_KEY_ID,
  LIMITED_BEDROCK_KEY,
  LIMITED_SECRET_ACCESS_KEY,
  startBedrockFixture,
} from '../../test-support/start-bedrock-fixture.js';

let fixture: BedrockFixture;
beforeAll(async () => {
  fixture = await startBedrockFixture();
});
afterAll(async () => {
  await fixture?.close();
});
afterEach(() => {
  delete process.env['AWS_BEARER_TOKEN_BEDROCK'];
});

const hi: Message[] = [{ role: 'user', content: [{ text: 'Hi' }] }];
const converse = (modelId = CLAUDE_ID) => new ConverseCommand({ modelId, messages: hi });

async function failure(
  promise: Promise<unknown>,
): Promise<{ name: string; message: string; requestId: string }> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (caught: unknown) =>
      caught as { name: string; message: string; $metadata: { httpStatusCode: number; requestId: string } },
  );
  expect(error.$metadata.httpStatusCode).toBe(403);
  return { name: error.name, message: error.message, requestId: error.$metadata.requestId };
}

describe('SigV4 with gateway-issued AWS key pairs', () => {
  it('authenticates as the virtual key the pair belongs to, with its model list', async () => {
    const limited = bedrockClient(fixture.url, {
      credentials: { accessKeyId: LIMITED_ACCESS_KEY_ID, secretAccessKey: LIMITED_SECRET_ACCESS_KEY },
    });
    const allowed = await limited.send(converse('gpt-4o'));
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === allowed.$metadata.requestId,
    );
    expect(row).toMatchObject({ status: 'ok', keyName: 'limited', modelRequested: 'gpt-4o' });
    const denied = await limited.send(converse()).catch((caught: unknown) => caught);
    expect(denied).toMatchObject({ name: 'ResourceNotFoundException', $metadata: { httpStatusCode: 404 } });
  });

  it('refuses a wrong secret with InvalidSignatureException and records the rejection', async () => {
    const client = bedrockClient(fixture.url, {
      credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: LIMITED_SECRET_ACCESS_KEY },
    });
    const callsBefore = fixture.provider.calls.length;
    const error = await failure(client.send(converse()));
    expect(fixture.provider.calls).toHaveLength(callsBefore);
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(
      /^The request signature we calculated does not match the signature you provided/,
    );
    const row = await fixture.waitForUsageRow((candidate) => candidate.requestId === error.requestId);
    expect(row).toMatchObject({
      status: 'rejected',
      errorCode: 'signature_mismatch',
      keyName: null,
      httpStatus: 403,
    });
  });

  it('refuses an unknown access key id with UnrecognizedClientException', async () => {
    const client = bedrockClient(fixture.url, {
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      },
    });
    const error = await failure(client.send(converse()));
    expect(error).toMatchObject({
      name: 'UnrecognizedClientException',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('refuses a request signed 10 minutes in the past with the clock-skew error', async () => {
    const client = bedrockClient(fixture.url, { systemClockOffset: -10 * 60_000 });
    const error = await failure(client.send(converse()));
    expect(error.name).toBe('InvalidSignatureException');
    expect(error.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than \d{8}T\d{6}Z/);
  });

  it('sends a Date header the SDK corrects its clock from, so its next call succeeds', async () => {
    const client = bedrockClient(fixture.url, { systemClockOffset: 10 * 60_000 });
    const error = await failure(client.send(converse()));
    expect(error.message).toMatch(/^Signature not yet current/);
    const output = await client.send(converse());
    expect(output.output?.message?.content).toEqual([{ text: 'Hello world' }]);
  });
});

describe('Bedrock API keys (Authorization: Bearer) carrying a Converge virtual key', () => {
  it('accepts a virtual key given as the client token', async () => {
    const client = bedrockClient(fixture.url, {
      token: { token: LIMITED_BEDROCK_KEY },
      authSchemePreference: ['httpBearerAuth'],
    });
    const output = await client.send(converse('gpt-4o'));
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === output.$metadata.requestId,
    );
    expect(row).toMatchObject({ status: 'ok', keyName: 'limited' });
  });

  it('accepts a virtual key from AWS_BEARER_TOKEN_BEDROCK', async () => {
    process.env['AWS_BEARER_TOKEN_BEDROCK'] = BEDROCK_KEY;
    const client = bedrockClient(fixture.url, {
      credentials: {
        accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
        secretAccessKey: 'not-used-when-a-bearer-token-is-set',
      },
    });
    const output = await client.send(converse());
    const row = await fixture.waitForUsageRow(
      (candidate) => candidate.requestId === output.$metadata.requestId,
    );
    expect(row).toMatchObject({ status: 'ok', keyName: 'full' });
  });

  it('refuses an unknown bearer key with UnrecognizedClientException', async () => {
    const client = bedrockClient(fixture.url, {
      token: { token: 'sk-cvg-not-a-real-key-000000000000' },
      authSchemePreference: ['httpBearerAuth'],
    });
    const error = await failure(client.send(converse()));
    expect(error).toMatchObject({
      name: 'UnrecognizedClientException',
      message: expect.stringContaining('sk-c'),
    });
  });

  it('refuses a request with no credentials at all with MissingAuthenticationTokenException', async () => {
    const response = await fetch(`${fixture.url}/model/${encodeURIComponent(CLAUDE_ID)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe(
      'MissingAuthenticationTokenException:http://internal.amazon.com/coral/com.amazon.bedrock/',
    );
    expect(response.headers.get('x-converge-error-code')).toBe('authentication_required');
    expect(await response.json()).toEqual({ message: expect.stringContaining('No API key was provided') });
  });
});

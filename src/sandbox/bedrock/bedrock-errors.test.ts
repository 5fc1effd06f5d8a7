import {
  ConverseCommand,
  type ConverseCommandInput,
  ConverseStreamCommand,
  InternalServerException,
  type Message,
  ResourceNotFoundException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from '../index.js';
import { SANDBOX_BEDROCK_API_KEY } from './bedrock-sandbox-options.js';
import {
  type BedrockTestClient,
  createBedrockTestClient,
  TRANSPORTS,
  withHeaders,
} from './create-bedrock-test-client.js';

const HAIKU = 'anthropic.claude-3-5-haiku-20241022-v1:0';
/** Each transport gets its own capacity-limited profile, so the suites do not share a window. */
const LIMITED = { http2: `us.${HAIKU}`, http1: `eu.${HAIKU}` } as const;

let sandbox: RunningSandbox;
beforeAll(async () => {
  sandbox = await startSandbox({
    latency: 'zero',
    bedrock: {
      capacity: { [LIMITED.http2]: { rpm: 1 }, [LIMITED.http1]: { rpm: 1 } },
      provisioned: { tinyptu00001: { model: HAIKU, capacity: { tpm: 50 } } },
    },
  });
});
afterAll(() => sandbox.close());

const ask = (text: string): Message[] => [{ role: 'user', content: [{ text }] }];

async function failure(
  promise: Promise<unknown>,
): Promise<Error & { $metadata?: { httpStatusCode?: number } }> {
  try {
    await promise;
  } catch (error: unknown) {
    if (error instanceof Error) return error;
  }
  throw new Error('the call succeeded');
}

describe.each(TRANSPORTS)('errors the AWS SDK names, over %s', (transport) => {
  let test: BedrockTestClient;
  beforeAll(() => {
    test = createBedrockTestClient(sandbox, transport);
  });
  afterAll(() => test.client.destroy());
  const converse = (input: Partial<ConverseCommandInput>, client = test.client) =>
    client.send(new ConverseCommand({ modelId: HAIKU, messages: ask('Hello'), ...input }));

  it('a wrong secret → 403 InvalidSignatureException; an unknown key id → UnrecognizedClientException', async () => {
    const wrongSecret = createBedrockTestClient(sandbox, transport, {
      credentials: { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'not-the-secret' },
    });
    const unknownKey = createBedrockTestClient(sandbox, transport, {
      credentials: { accessKeyId: 'AKIAUNKNOWNKEY000000', secretAccessKey: 'whatever' },
    });
    const mismatch = await failure(converse({}, wrongSecret.client));
    const unknown = await failure(converse({}, unknownKey.client));
    wrongSecret.client.destroy();
    unknownKey.client.destroy();
    expect(mismatch.name).toBe('InvalidSignatureException');
    expect(mismatch.message).toMatch(
      /^The request signature we calculated does not match the signature you provided/,
    );
    expect(mismatch.$metadata?.httpStatusCode).toBe(403);
    expect(unknown.name).toBe('UnrecognizedClientException');
    expect(unknown.message).toBe('The security token included in the request is invalid.');
  });

  it('a signature from a skewed clock → "Signature expired"; another region → a scope error', async () => {
    const skewed = createBedrockTestClient(sandbox, transport, { systemClockOffset: -20 * 60_000 });
    const elsewhere = createBedrockTestClient(sandbox, transport, { region: 'eu-west-1' });
    const expired = await failure(converse({}, skewed.client));
    const scoped = await failure(converse({}, elsewhere.client));
    skewed.client.destroy();
    elsewhere.client.destroy();
    expect(expired.name).toBe('InvalidSignatureException');
    expect(expired.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
    expect(scoped.name).toBe('InvalidSignatureException');
    expect(scoped.message).toMatch(/^Credential should be scoped to a valid region/);
  });

  it('accepts a Bedrock API key as a Bearer token, and refuses an unknown one', async () => {
    const bearer = (token: string) =>
      createBedrockTestClient(sandbox, transport, {
        token: { token },
        authSchemePreference: ['httpBearerAuth'],
      });
    const good = bearer(SANDBOX_BEDROCK_API_KEY);
    const bad = bearer('ABSKbm90LWEta2V5');
    const answer = await converse({}, good.client);
    const refused = await failure(converse({}, bad.client));
    good.client.destroy();
    bad.client.destroy();
    expect(answer.stopReason).toBe('end_turn');
    expect(refused.name).toBe('UnrecognizedClientException');
  });

  it('unknown model → ResourceNotFoundException; malformed id or embedding model → ValidationException', async () => {
    await expect(converse({ modelId: 'anthropic.claude-9-opus-20990101-v1:0' })).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
    const malformed = await failure(converse({ modelId: 'not a model!' }));
    expect(malformed).toBeInstanceOf(ValidationException);
    expect(malformed.message).toBe('The provided model identifier is invalid.');
    const embedding = await failure(converse({ modelId: 'amazon.titan-embed-text-v2:0' }));
    expect(embedding.message).toMatch(/^This action doesn't support the model that you provided/);
  });

  it('bad bodies → ValidationException worded like the service', async () => {
    const zero = await failure(converse({ inferenceConfig: { maxTokens: 0 } }));
    expect(zero).toBeInstanceOf(ValidationException);
    expect(zero.message).toBe(
      "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
    );
    const tooMany = await failure(converse({ inferenceConfig: { maxTokens: 100_000 } }));
    expect(tooMany.message).toMatch(/^The maximum tokens you requested exceeds the model limit of 8192/);
    const assistantFirst = await failure(
      converse({ messages: [{ role: 'assistant', content: [{ text: 'Hi' }] }] }),
    );
    expect(assistantFirst.message).toMatch(/^A conversation must start with a user message/);
    const twoUsers = await failure(converse({ messages: [...ask('a'), ...ask('b')] }));
    expect(twoUsers.message).toMatch(/^A conversation must alternate between user and assistant roles/);
    const noToolConfig = await failure(
      converse({
        messages: [{ role: 'user', content: [{ toolResult: { toolUseId: 'x', content: [{ text: 'r' }] } }] }],
      }),
    );
    expect(noToolConfig.message).toBe(
      'The toolConfig field must be defined when using toolUse and toolResult content blocks.',
    );
  });

  it('capacity: RPM and TPM over the limit → ThrottlingException, counted as rejections', async () => {
    const modelId = LIMITED[transport];
    await converse({ modelId });
    const throttled = await failure(converse({ modelId }));
    expect(throttled).toBeInstanceOf(ThrottlingException);
    expect(throttled.message).toBe('Too many requests, please wait before trying again.');
    const arn = 'arn:aws:bedrock:us-east-1:123456789012:provisioned-model/tinyptu00001';
    const tokens = await failure(converse({ modelId: arn, inferenceConfig: { maxTokens: 100 } }));
    expect(tokens.message).toBe('Too many tokens, please wait before trying again.');
    expect(sandbox.stats()['bedrock']?.[modelId]?.rejections).toBe(1);
  });

  it('faults by header: 500, 503, 429 and reset', async () => {
    const withFault = (fault: string) =>
      test.client.send(
        withHeaders(new ConverseCommand({ modelId: HAIKU, messages: ask('Fault') }), {
          'x-sandbox-fault': fault,
        }),
      );
    await expect(withFault('500')).rejects.toBeInstanceOf(InternalServerException);
    await expect(withFault('503')).rejects.toBeInstanceOf(ServiceUnavailableException);
    await expect(withFault('429')).rejects.toBeInstanceOf(ThrottlingException);
    await expect(withFault('reset')).rejects.toBeInstanceOf(Error);
  });

  it('timeout: the request is held until the client gives up', async () => {
    const requestHandler =
      transport === 'http1'
        ? new NodeHttpHandler({ requestTimeout: 200, throwOnRequestTimeout: true })
        : new NodeHttp2Handler({ requestTimeout: 200 });
    const patient = createBedrockTestClient(sandbox, transport, { requestHandler });
    const command = withHeaders(new ConverseCommand({ modelId: HAIKU, messages: ask('Hold') }), {
      'x-sandbox-fault': 'timeout',
    });
    const error = await failure(patient.client.send(command));
    patient.client.destroy();
    expect(error.name).toMatch(/TimeoutError|RequestTimeout/);
  });

  it('guardrails: the marker with guardrailConfig → guardrail_intervened and a trace; without → a normal answer', async () => {
    const guardrailConfig = {
      guardrailIdentifier: 'gr-sandbox',
      guardrailVersion: '1',
      trace: 'enabled' as const,
    };
    const messages = ask('Tell me about GUARDRAIL_BLOCK please');
    const blocked = await converse({ messages, guardrailConfig });
    expect(blocked.stopReason).toBe('guardrail_intervened');
    expect(blocked.output?.message?.content?.[0]?.text).toBe('Sorry, the model cannot answer this question.');
    expect(blocked.usage?.outputTokens).toBe(0);
    const assessment = blocked.trace?.guardrail?.inputAssessment?.['gr-sandbox'];
    expect(assessment?.wordPolicy?.customWords?.[0]).toMatchObject({
      match: 'GUARDRAIL_BLOCK',
      action: 'BLOCKED',
    });

    const unguarded = await converse({ messages });
    expect(unguarded.stopReason).toBe('end_turn');
    expect(unguarded.output?.message?.content?.[0]?.text).not.toContain('GUARDRAIL_BLOCK');
    const clean = await converse({ messages: ask('Tell me about gardens please'), guardrailConfig });
    expect(clean.stopReason).toBe('end_turn');

    const streamed = await test.client.send(
      new ConverseStreamCommand({ modelId: HAIKU, messages, guardrailConfig }),
    );
    const events = [];
    for await (const event of streamed.stream ?? []) events.push(event);
    expect(events.find((event) => event.messageStop)?.messageStop?.stopReason).toBe('guardrail_intervened');
    expect(events.at(-1)?.metadata?.trace?.guardrail?.inputAssessment).toHaveProperty('gr-sandbox');
  });
});

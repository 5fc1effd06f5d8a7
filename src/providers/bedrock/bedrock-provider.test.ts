import { createHash } from 'node:crypto';
import { BedrockRuntimeClient, ConverseCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { Provider } from '../provider.js';
import { callOptions, type FixtureHandler, readFixture, replyJson } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { type BedrockConfig, createBedrockProvider } from './bedrock-provider.js';
import { verifySignatureV4 } from './test-support/verify-signature-v4.js';

const upstream = useFixtureServer();
const fixture = (name: string) => readFixture(import.meta.url, name);
const KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const SECRETS = { [KEYS.accessKeyId]: KEYS.secretAccessKey };
const CLAUDE = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const PROFILE_ARN =
  'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-3-7-sonnet-20250219-v1:0';

let origin = '';

async function startBedrock(handler: FixtureHandler, config: Partial<BedrockConfig> = {}): Promise<Provider> {
  const server = await upstream.start(handler);
  origin = server.origin;
  return createBedrockProvider(
    'bedrock-test',
    {
      type: 'bedrock',
      region: 'us-east-1',
      partition: 'aws',
      credentials: { type: 'keys', ...KEYS },
      endpoint: server.origin,
      ...config,
    },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'claude',
  stream: false,
  messages: [
    { role: 'system', content: [{ type: 'text', text: 'Be brief.' }] },
    { role: 'user', content: [{ type: 'text', text: 'Hi' }] },
  ],
  maxOutputTokens: 256,
};

const zeroUsage = { cacheReadTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 };

describe('bedrock provider: the outgoing request', () => {
  it('POSTs Converse to /model/{encoded id}/converse, SigV4-signed over exactly the bytes sent', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-text.json')));
    await provider.generate(hello, callOptions(PROFILE_ARN));
    const sent = upstream.lastRequest();
    expect(sent.method).toBe('POST');
    expect(sent.url).toBe(
      '/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A123456789012%3Ainference-profile%2Fus.anthropic.claude-3-7-sonnet-20250219-v1%3A0/converse',
    );
    expect(sent.json).toEqual({
      messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
      system: [{ text: 'Be brief.' }],
      inferenceConfig: { maxTokens: 256 },
    });
    expect(sent.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-amz-content-sha256': createHash('sha256').update(sent.body).digest('hex'),
      'x-amz-date': expect.stringMatching(/^\d{8}T\d{6}Z$/),
    });
    expect(sent.headers['x-amz-security-token']).toBeUndefined();
    expect(verifySignatureV4(sent, SECRETS, 'us-east-1')).toEqual({
      valid: true,
      accessKeyId: 'AKIDEXAMPLE',
      signedHeaders: ['accept', 'content-type', 'host', 'x-amz-content-sha256', 'x-amz-date'],
    });
    // The verifier is not a rubber stamp: another secret, or one changed byte, fails.
    expect(verifySignatureV4(sent, { AKIDEXAMPLE: 'other' }, 'us-east-1')).toMatchObject({ valid: false });
    expect(
      verifySignatureV4({ ...sent, body: sent.body.replace('Hi', 'Ho') }, SECRETS, 'us-east-1'),
    ).toMatchObject({
      valid: false,
    });
    expect(verifySignatureV4(sent, SECRETS, 'eu-west-1')).toMatchObject({
      valid: false,
      reason: 'wrong scope',
    });
  });

  it('signs with the session token of temporary keys', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-text.json')), {
      credentials: { type: 'keys', ...KEYS, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' },
    });
    await provider.generate(hello, callOptions(CLAUDE));
    const sent = upstream.lastRequest();
    expect(sent.headers['x-amz-security-token']).toBe('FwoGZXIvYXdzEXAMPLETOKEN');
    expect(verifySignatureV4(sent, SECRETS, 'us-east-1')).toMatchObject({
      valid: true,
      signedHeaders: expect.arrayContaining(['x-amz-security-token']),
    });
  });

  it('encodes model ids and signs exactly like the official AWS SDK (same path, both verify)', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-text.json')));
    await provider.generate(hello, callOptions(PROFILE_ARN));
    const client = new BedrockRuntimeClient({
      region: 'us-east-1',
      endpoint: origin,
      credentials: KEYS,
      requestHandler: new NodeHttpHandler(),
      maxAttempts: 1,
    });
    try {
      await client.send(
        new ConverseCommand({
          modelId: PROFILE_ARN,
          messages: [{ role: 'user', content: [{ text: 'Hi' }] }],
        }),
      );
    } finally {
      client.destroy();
    }
    const [ours, official] = upstream.requests();
    expect(official?.url).toBe(ours?.url);
    expect(official && verifySignatureV4(official, SECRETS, 'us-east-1')).toMatchObject({ valid: true });
  });

  it('bearer credentials: Authorization: Bearer <API key>, no SigV4 headers', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-text.json')), {
      credentials: { type: 'bearer', token: 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl' },
    });
    await provider.generate(hello, callOptions(CLAUDE));
    const sent = upstream.lastRequest();
    expect(sent.headers.authorization).toBe('Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxl');
    expect(sent.headers['x-amz-date']).toBeUndefined();
    expect(sent.headers['x-amz-content-sha256']).toBeUndefined();
    expect(sent.url).toBe('/model/anthropic.claude-3-5-sonnet-20241022-v2%3A0/converse');
  });
});

describe('bedrock provider: generate() results', () => {
  it('text: content, stop, usage, latency and the request id', async () => {
    const provider = await startBedrock(
      replyJson(200, fixture('bedrock-text.json'), { 'x-amzn-requestid': 'req-abc' }),
    );
    const result = await provider.generate(hello, callOptions(CLAUDE));
    expect(result).toEqual<ChatResult>({
      content: [{ type: 'text', text: 'Hello! How can I help you today?' }],
      finishReason: { unified: 'stop', raw: 'end_turn' },
      usage: { inputTokens: 14, outputTokens: 10, ...zeroUsage },
      warnings: [],
      modelId: CLAUDE,
      responseId: 'req-abc',
      providerMetadata: { bedrock: { latencyMs: 412 } },
    });
  });

  it('tool use: input object → JSON text, finish tool-calls', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-tool-use.json')));
    const result = await provider.generate(hello, callOptions(CLAUDE));
    expect(result.content).toEqual([
      { type: 'text', text: "I'll look up the weather in Paris." },
      {
        type: 'tool-call',
        toolCallId: 'tooluse_kZJMlvQmRJ6eAyJE5GIl7Q',
        toolName: 'get_weather',
        input: '{"city":"Paris","unit":"celsius"}',
      },
    ]);
    expect(result.finishReason).toEqual({ unified: 'tool-calls', raw: 'tool_use' });
  });

  it('reasoning: text with signature, redacted data, then the answer; extra model fields kept', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-reasoning.json')));
    const result = await provider.generate(hello, callOptions('us.anthropic.claude-sonnet-4-20250514-v1:0'));
    expect(result.content).toEqual([
      {
        type: 'reasoning',
        text: 'The user asks for 17 * 23. 17 * 20 = 340, 17 * 3 = 51, total 391.',
        signature: 'EqoBCkgIARABGAIiQJ3cW8m0ZsigOutWz0cV1x5x1pUpOvdKa0Y2Mx7pW7w',
      },
      { type: 'reasoning', text: '', redactedData: 'RXF3RUNrZ0lBUkFCR0FJaVFNeW4=' },
      { type: 'text', text: '17 × 23 = 391.' },
    ]);
    expect(result.providerMetadata?.['bedrock']).toMatchObject({
      additionalModelResponseFields: { stop_sequence: null },
    });
  });

  it('guardrail_intervened: content-filter, with the guardrail trace in providerMetadata', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-guardrail.json')));
    const result = await provider.generate(hello, callOptions(CLAUDE));
    expect(result.finishReason).toEqual({ unified: 'content-filter', raw: 'guardrail_intervened' });
    expect(result.providerMetadata?.['bedrock']).toMatchObject({
      trace: {
        guardrail: {
          inputAssessment: { gr7ekz0xl8vu: { topicPolicy: { topics: [{ action: 'BLOCKED' }] } } },
        },
      },
    });
  });

  it('cache read and write: inputTokens counts every prompt token; tier and cache details kept', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-cache-usage.json')));
    const result = await provider.generate(hello, callOptions(CLAUDE));
    expect(result.usage).toEqual({
      inputTokens: 18 + 3200 + 624,
      outputTokens: 7,
      cacheReadTokens: 3200,
      cacheWriteTokens: 624,
      reasoningTokens: 0,
    });
    expect(result.providerMetadata).toEqual({
      bedrock: {
        latencyMs: 690,
        serviceTier: { type: 'priority' },
        performanceConfig: { latency: 'standard' },
        cacheDetails: [{ ttl: '5m', inputTokens: 624 }],
      },
    });
  });

  it('emulated JSON mode: the forced tool is sent, its input comes back as the answer text', async () => {
    const provider = await startBedrock(replyJson(200, fixture('bedrock-json-answer.json')));
    const result = await provider.generate(
      {
        ...hello,
        responseFormat: {
          type: 'json-schema',
          name: 'city_facts',
          schema: {
            type: 'object',
            properties: { city: { type: 'string' }, population: { type: 'integer' } },
          },
        },
      },
      callOptions(CLAUDE),
    );
    expect(upstream.lastRequest().json).toMatchObject({
      toolConfig: { toolChoice: { tool: { name: 'city_facts' } } },
    });
    expect(result.content).toEqual([{ type: 'text', text: '{"city":"Lyon","population":522250}' }]);
    expect(result.finishReason).toEqual({ unified: 'stop', raw: 'tool_use' });
    expect(result.warnings).toEqual([]);
  });

  it('a prompt router names the model it invoked', async () => {
    const body = JSON.parse(fixture('bedrock-text.json')) as Record<string, unknown>;
    const invokedModelId =
      'arn:aws:bedrock:us-east-1::foundation-model/anthropic.claude-3-haiku-20240307-v1:0';
    const provider = await startBedrock(
      replyJson(200, JSON.stringify({ ...body, trace: { promptRouter: { invokedModelId } } })),
    );
    const result = await provider.generate(
      hello,
      callOptions('arn:aws:bedrock:us-east-1:123456789012:default-prompt-router/anthropic.claude:1'),
    );
    expect(result.modelId).toBe(invokedModelId);
  });
});

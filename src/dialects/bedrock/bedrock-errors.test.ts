import {
  ConverseCommand,
  ConverseStreamCommand,
  type Message,
  ModelErrorException,
  ModelTimeoutException,
  ServiceUnavailableException,
  ThrottlingException,
  ValidationException,
} from '@aws-sdk/client-bedrock-runtime';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GATEWAY_ERROR_CODES, GatewayError, type GatewayErrorCode } from '../../core/gateway-error.js';
import { UpstreamError } from '../../core/upstream-error.js';
import {
  BEDROCK_KEY,
  type BedrockFixture,
  bedrockClient,
  CLAUDE_ID,
  startBedrockFixture,
} from '../../test-support/start-bedrock-fixture.js';
import { bedrockErrorFor, streamExceptionFor } from './write-error.js';

let fixture: BedrockFixture;
beforeAll(async () => {
  fixture = await startBedrockFixture();
});
afterAll(async () => {
  await fixture?.close();
});
beforeEach(() => fixture.provider.reset());

const hi: Message[] = [{ role: 'user', content: [{ text: 'Hi' }] }];
const converseUrl = () => `${fixture.url}/model/${encodeURIComponent(CLAUDE_ID)}/converse`;

/** A raw call with a Bearer virtual key, for bodies the SDK would not produce. */
function post(body: string, url = converseUrl(), method = 'POST') {
  return fetch(url, {
    method,
    headers: { authorization: `Bearer ${BEDROCK_KEY}`, 'content-type': 'application/json' },
    body: method === 'GET' ? undefined : body,
  });
}

async function errorOf(response: Response) {
  return {
    status: response.status,
    type: response.headers.get('x-amzn-errortype')?.split(':')[0],
    code: response.headers.get('x-converge-error-code'),
    requestId: response.headers.get('x-amzn-requestid'),
    message: ((await response.json()) as { message: string }).message,
  };
}

describe('Bedrock validation errors', () => {
  it('names the field in a ValidationException the SDK throws', async () => {
    const error = await bedrockClient(fixture.url)
      .send(new ConverseCommand({ modelId: CLAUDE_ID, messages: hi, inferenceConfig: { maxTokens: 0 } }))
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ValidationException);
    expect(error).toMatchObject({
      $metadata: { httpStatusCode: 400 },
      message:
        "1 validation error detected: Value '0' at 'inferenceConfig.maxTokens' failed to satisfy constraint: Member must have value greater than or equal to 1",
    });
    expect(fixture.provider.calls).toHaveLength(0);
  });

  it.each([
    [
      'an image format',
      { messages: [{ role: 'user', content: [{ image: { format: 'bmp', source: { bytes: 'AA==' } } }] }] },
      "Value 'bmp' at 'messages.1.member.content.1.member.image.format' failed to satisfy constraint: Member must satisfy enum value set: [png, jpeg, gif, webp]",
    ],
    [
      'a block with two members',
      {
        messages: [
          { role: 'user', content: [{ text: 'a', image: { format: 'png', source: { bytes: 'AA==' } } }] },
        ],
      },
      "at 'messages.1.member.content.1.member' failed to satisfy constraint: Member must have exactly one of the following fields set",
    ],
    [
      'a misspelt member',
      { messages: [{ role: 'user', content: [{ txt: 'a' }] }] },
      'Member must not contain the unknown field(s) [txt]',
    ],
    [
      'missing messages',
      { system: [{ text: 'x' }] },
      "Value null at 'messages' failed to satisfy constraint: Member must not be null",
    ],
  ])('reports %s', async (_what, body, message) => {
    const error = await errorOf(await post(JSON.stringify(body)));
    expect(error).toMatchObject({ status: 400, type: 'ValidationException', code: 'invalid_request' });
    expect(error.message).toContain(message);
  });

  it('refuses a conversation that starts with the assistant, and content it cannot carry', async () => {
    const assistantFirst = await errorOf(
      await post(JSON.stringify({ messages: [{ role: 'assistant', content: [{ text: 'x' }] }] })),
    );
    expect(assistantFirst).toMatchObject({
      status: 400,
      type: 'ValidationException',
      message: expect.stringMatching(/^A conversation must start with a user message/),
    });
    const video = { video: { format: 'mp4', source: { bytes: 'AA==' } } };
    const unsupported = await errorOf(
      await post(JSON.stringify({ messages: [{ role: 'user', content: [video] }] })),
    );
    expect(unsupported).toMatchObject({
      status: 400,
      type: 'ValidationException',
      code: 'unsupported_parameter',
      message: expect.stringContaining("'messages.1.member.content.1.member.video'"),
    });
  });

  it('answers malformed JSON and an oversized body in Bedrock shape', async () => {
    expect(await errorOf(await post('{"messages": ['))).toMatchObject({
      status: 400,
      type: 'ValidationException',
      code: 'invalid_json',
      requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
    });
    const big = await bedrockClient(fixture.url)
      .send(
        new ConverseCommand({
          modelId: CLAUDE_ID,
          messages: [{ role: 'user', content: [{ text: 'x'.repeat(70_000) }] }],
        }),
      )
      .catch((caught: unknown) => caught);
    expect(big).toMatchObject({ name: 'ValidationException', $metadata: { httpStatusCode: 413 } });
  });

  it('answers unknown operations with 404 and other methods with 405', async () => {
    const unknown = await errorOf(
      await post('{}', `${fixture.url}/model/${encodeURIComponent(CLAUDE_ID)}/count-tokens`),
    );
    expect(unknown).toMatchObject({ status: 404, type: 'UnknownOperationException', code: 'not_found' });
    const response = await post('', converseUrl(), 'GET');
    expect(response.headers.get('allow')).toBe('POST');
    expect(await errorOf(response)).toMatchObject({ status: 405, code: 'method_not_allowed' });
  });
});

describe('Upstream failures as AWS exceptions', () => {
  it.each([
    [429, ThrottlingException, 429],
    [503, ServiceUnavailableException, 503],
    [504, ModelTimeoutException, 408],
    [500, ModelErrorException, 424],
    [422, ValidationException, 422],
  ] as const)('an upstream %s becomes %s (%s)', async (upstreamStatus, type, status) => {
    const error = new UpstreamError('upstream said no', {
      url: 'https://upstream.test',
      statusCode: upstreamStatus,
    });
    fixture.provider.enqueue({ type: 'error', error });
    const thrown = await bedrockClient(fixture.url)
      .send(new ConverseStreamCommand({ modelId: CLAUDE_ID, messages: hi }))
      .catch((caught: unknown) => caught);
    expect(thrown).toBeInstanceOf(type);
    expect(thrown).toMatchObject({ $metadata: { httpStatusCode: status }, message: 'upstream said no' });
  });
});

describe('the error mapping', () => {
  const codes = Object.keys(GATEWAY_ERROR_CODES) as GatewayErrorCode[];

  it('gives every gateway code an AWS exception name and a 4xx/5xx status', () => {
    for (const code of codes) {
      const { name, status } = bedrockErrorFor(new GatewayError(code, 'x'));
      expect(`${code}: ${name}`).toMatch(/^[a-z_]+: [A-Z][A-Za-z]+Exception$/);
      expect(status).toBeGreaterThanOrEqual(400);
    }
  });

  it('uses only the in-stream exceptions each operation declares', () => {
    const converse = new Set(
      codes.map((code) => streamExceptionFor(new GatewayError(code, 'x'), 'converse')),
    );
    const invoke = new Set(codes.map((code) => streamExceptionFor(new GatewayError(code, 'x'), 'invoke')));
    const declared = [
      'internalServerException',
      'modelStreamErrorException',
      'validationException',
      'throttlingException',
      'serviceUnavailableException',
    ];
    expect([...converse].sort()).toEqual([...declared].sort());
    expect([...invoke].sort()).toEqual([...declared, 'modelTimeoutException'].sort());
  });
});

import { describe, expect, it } from 'vitest';
import type { ChatRequest } from '../../core/chat-request.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { Provider } from '../provider.js';
import { callOptions, type FixtureHandler, replyJson } from '../test-support/fixture-server.js';
import { useFixtureServer } from '../test-support/use-fixture-server.js';
import { createBedrockProvider } from './bedrock-provider.js';

const upstream = useFixtureServer();
const CLAUDE = 'anthropic.claude-3-5-sonnet-20241022-v2:0';
const ERROR_URI = ':http://internal.amazon.com/coral/com.amazon.bedrock/';

async function startBedrock(handler: FixtureHandler): Promise<Provider> {
  const server = await upstream.start(handler);
  return createBedrockProvider(
    'bedrock-test',
    {
      type: 'bedrock',
      region: 'us-east-1',
      partition: 'aws',
      credentials: { type: 'keys', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
      endpoint: server.origin,
    },
    { http: upstream.http, log: upstream.log },
  );
}

const hello: ChatRequest = {
  model: 'claude',
  stream: false,
  messages: [{ role: 'user', content: [{ type: 'text', text: 'Hi' }] }],
};

function replyError(status: number, errorType: string, message: string): FixtureHandler {
  return replyJson(status, JSON.stringify({ message }), {
    'x-amzn-errortype': `${errorType}${ERROR_URI}`,
    'x-amzn-requestid': 'b2f9c7a0-0000-4000-8000-000000000001',
  });
}

describe('bedrock provider: non-2xx answers → UpstreamError', () => {
  it.each([
    [
      429,
      'ThrottlingException',
      'Too many requests, please wait before trying again.',
      'upstream_rate_limited',
      429,
      true,
    ],
    [
      400,
      'ServiceQuotaExceededException',
      'Your account quota is exceeded.',
      'upstream_rate_limited',
      429,
      true,
    ],
    [
      429,
      'ModelNotReadyException',
      'Model is not ready to serve inference requests.',
      'upstream_unavailable',
      503,
      true,
    ],
    [
      503,
      'ServiceUnavailableException',
      'Bedrock is unable to process your request.',
      'upstream_unavailable',
      503,
      true,
    ],
    [500, 'InternalServerException', 'Internal server error.', 'upstream_error', 502, true],
    [
      408,
      'ModelTimeoutException',
      'Model has timed out in processing the request.',
      'upstream_timeout',
      504,
      true,
    ],
    [424, 'ModelErrorException', 'The model returned an error.', 'upstream_error', 502, true],
    [
      400,
      'ValidationException',
      'The provided model identifier is invalid.',
      'upstream_invalid_request',
      400,
      false,
    ],
    [
      400,
      'ValidationException',
      'Input is too long for requested model.',
      'context_length_exceeded',
      400,
      false,
    ],
    [
      400,
      'ValidationException',
      'prompt is too long: 215000 tokens > 200000 maximum',
      'context_length_exceeded',
      400,
      false,
    ],
    [
      404,
      'ResourceNotFoundException',
      'This model version has reached the end of its life.',
      'upstream_error',
      502,
      false,
    ],
  ] as const)(
    '%d %s "%s" → %s (%d, retryable %s)',
    async (status, type, message, code, gatewayStatus, retryable) => {
      const provider = await startBedrock(replyError(status, type, message));
      const error = await provider.generate(hello, callOptions(CLAUDE)).catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(UpstreamError);
      expect(error).toMatchObject({
        code,
        status: gatewayStatus,
        isRetryable: retryable,
        message,
        retryAfterMs: undefined,
        details: { upstreamCode: type, requestId: 'b2f9c7a0-0000-4000-8000-000000000001' },
      });
    },
  );

  it.each([
    'AccessDeniedException',
    'UnrecognizedClientException',
    'ExpiredTokenException',
    'InvalidSignatureException',
  ])('403 %s → upstream_auth_failed, not retryable, without repeating the upstream message', async (type) => {
    const message =
      'User: arn:aws:sts::123456789012:assumed-role/gw/i-0abc is not authorized to perform: bedrock:InvokeModel';
    const provider = await startBedrock(replyError(403, type, message));
    const error = await provider.generate(hello, callOptions(CLAUDE)).catch((caught: unknown) => caught);
    expect(error).toMatchObject({
      code: 'upstream_auth_failed',
      status: 502,
      isRetryable: false,
      message: `The upstream rejected the gateway's AWS credentials (${type}).`,
    });
    expect((error as UpstreamError).responseBody).toContain('123456789012');
  });

  it('reads the code from the body (__type) when the header is missing, and honours a retry hint if one comes', async () => {
    const provider = await startBedrock(
      replyJson(429, '{"__type":"com.amazon.coral.availability#ThrottlingException","message":"Slow down"}', {
        'retry-after': '3',
      }),
    );
    await expect(provider.generate(hello, callOptions(CLAUDE))).rejects.toMatchObject({
      code: 'upstream_rate_limited',
      retryAfterMs: 3000,
      details: { upstreamCode: 'ThrottlingException' },
    });
  });

  it('an unknown code falls back to the HTTP status', async () => {
    const provider = await startBedrock(replyError(502, 'BadGatewayException', 'upstream hiccup'));
    await expect(provider.generate(hello, callOptions(CLAUDE))).rejects.toMatchObject({
      code: 'upstream_error',
      isRetryable: true,
      message: 'upstream hiccup',
    });
  });
});

describe('bedrock provider: transport failures', () => {
  it('a 2xx that is not JSON is upstream_bad_response (retryable)', async () => {
    const provider = await startBedrock((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('<html>proxy</html>');
    });
    await expect(provider.generate(hello, callOptions(CLAUDE))).rejects.toMatchObject({
      code: 'upstream_bad_response',
      isRetryable: true,
    });
  });

  it('a refused connection is upstream_unavailable', async () => {
    const server = await upstream.start(replyJson(200, '{}'));
    const origin = server.origin;
    await server.close();
    const provider = createBedrockProvider(
      'bedrock-test',
      {
        type: 'bedrock',
        region: 'us-east-1',
        partition: 'aws',
        credentials: { type: 'bearer', token: 't' },
        endpoint: origin,
      },
      { http: upstream.http, log: upstream.log },
    );
    await expect(provider.generate(hello, callOptions(CLAUDE))).rejects.toMatchObject({
      code: 'upstream_unavailable',
      isRetryable: true,
    });
  });

  it('aborting before Bedrock answered rejects with AbortError and closes the connection', async () => {
    let received: () => void = () => {};
    const arrived = new Promise<void>((resolve) => {
      received = resolve;
    });
    const provider = await startBedrock(() => received());
    const controller = new AbortController();
    const pending = provider.generate(hello, callOptions(CLAUDE, controller.signal));
    await arrived;
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
    await upstream.lastRequest().closed;
  });
});

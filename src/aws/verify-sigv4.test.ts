import { createServer as createHttpServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createHttp2Server } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { Sha256 } from '@aws-crypto/sha256-js';
import { BedrockRuntimeClient, ConverseCommand, InvokeModelCommand } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttp2Handler, NodeHttpHandler } from '@smithy/node-http-handler';
import { SignatureV4 } from '@smithy/signature-v4';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalQuery, canonicalUri, type SigV4Request, verifySigV4 } from './verify-sigv4.js';

const ACCESS_KEY_ID = 'CVGTESTKEY0000000001';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const lookup = async (accessKeyId: string) => (accessKeyId === ACCESS_KEY_ID ? SECRET : undefined);

const CONVERSE_REPLY = JSON.stringify({
  output: { message: { role: 'assistant', content: [{ text: 'ok' }] } },
  stopReason: 'end_turn',
  usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 },
  metrics: { latencyMs: 1 },
});

/** Answers every request with a Converse reply and keeps what arrived, byte for byte. */
function createCapture() {
  const captured: SigV4Request[] = [];
  const handle = (
    request: { method?: string; url?: string; headers: IncomingHttpHeaders } & AsyncIterable<Buffer>,
    reply: (body: string) => void,
  ) => {
    void (async () => {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk);
      const [path = '', query = ''] = (request.url ?? '').split(/\?(.*)/s);
      captured.push({
        method: request.method ?? '',
        path,
        query,
        headers: { ...request.headers },
        body: new Uint8Array(Buffer.concat(chunks)),
      });
      reply(CONVERSE_REPLY);
    })();
  };
  return { captured, handle };
}

const http1 = createCapture();
const http2 = createCapture();
const http1Server = createHttpServer((request, response) =>
  http1.handle(request, (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body)),
);
const http2Server = createHttp2Server((request, response) =>
  http2.handle(request, (body) => response.writeHead(200, { 'content-type': 'application/json' }).end(body)),
);
let http1Url = '';
let http2Url = '';

beforeAll(async () => {
  await new Promise<void>((resolve) => http1Server.listen(0, '127.0.0.1', resolve));
  await new Promise<void>((resolve) => http2Server.listen(0, '127.0.0.1', resolve));
  http1Url = `http://127.0.0.1:${(http1Server.address() as AddressInfo).port}`;
  http2Url = `http://127.0.0.1:${(http2Server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  http1Server.closeAllConnections();
  await new Promise((resolve) => http1Server.close(resolve));
  await new Promise((resolve) => http2Server.close(resolve));
});

function sdkClient(endpoint: string, handler: 'http1' | 'http2', secretAccessKey = SECRET) {
  return new BedrockRuntimeClient({
    region: 'eu-west-1',
    endpoint,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey },
    requestHandler: handler === 'http1' ? new NodeHttpHandler() : new NodeHttp2Handler(),
    maxAttempts: 1,
  });
}

const MODEL_IDS = [
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
  'arn:aws:bedrock:eu-central-1:123456789012:inference-profile/eu.anthropic.claude-3-7-sonnet-20250219-v1:0',
  'arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-1-70b-instruct-v1:0',
];

describe('verifySigV4 with requests signed by @aws-sdk/client-bedrock-runtime', () => {
  it.each(MODEL_IDS)('accepts a Converse request over HTTP/1.1 for %s', async (modelId) => {
    const client = sdkClient(http1Url, 'http1');
    await client.send(
      new ConverseCommand({ modelId, messages: [{ role: 'user', content: [{ text: 'Grüße, 世界!' }] }] }),
    );
    client.destroy();
    const request = http1.captured.at(-1);
    if (request === undefined) throw new Error('nothing captured');
    // The id travels percent-encoded once, `/` included; the signature covers it encoded twice.
    expect(request.path).toBe(`/model/${encodeURIComponent(modelId)}/converse`);
    expect(await verifySigV4(request, lookup)).toEqual({
      ok: true,
      accessKeyId: ACCESS_KEY_ID,
      region: 'eu-west-1',
      service: 'bedrock',
    });
  });

  it('accepts an InvokeModel request, whose body is raw bytes', async () => {
    const client = sdkClient(http1Url, 'http1');
    const body = JSON.stringify({ anthropic_version: 'bedrock-2023-05-31', max_tokens: 5, messages: [] });
    await client.send(
      new InvokeModelCommand({ modelId: MODEL_IDS[0], body: new TextEncoder().encode(body) }),
    );
    client.destroy();
    const request = http1.captured.at(-1);
    if (request === undefined) throw new Error('nothing captured');
    expect(request.path.endsWith('/invoke')).toBe(true);
    expect((await verifySigV4(request, lookup)).ok).toBe(true);
  });

  it('accepts the SDK default HTTP/2 handler, whose requests carry :authority instead of host', async () => {
    const client = sdkClient(http2Url, 'http2');
    await client.send(
      new ConverseCommand({ modelId: MODEL_IDS[2], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    );
    client.destroy();
    const request = http2.captured.at(-1);
    if (request === undefined) throw new Error('nothing captured');
    expect(request.headers['host']).toBeUndefined();
    expect(request.headers[':authority']).toBe(http2Url.slice('http://'.length));
    expect(String(request.headers['authorization'])).toContain('SignedHeaders=:authority;');
    expect((await verifySigV4(request, lookup)).ok).toBe(true);
    // Behind a proxy that speaks HTTP/1.1 upstream, the same authority arrives as `host`.
    const { ':authority': authority, ...rest } = request.headers;
    expect((await verifySigV4({ ...request, headers: { ...rest, host: authority } }, lookup)).ok).toBe(true);
  });

  it('rejects an SDK request signed with another secret', async () => {
    const client = sdkClient(http1Url, 'http1', 'another-secret-another-secret-another-sec');
    await client.send(
      new ConverseCommand({ modelId: MODEL_IDS[0], messages: [{ role: 'user', content: [{ text: 'Hi' }] }] }),
    );
    client.destroy();
    const request = http1.captured.at(-1);
    if (request === undefined) throw new Error('nothing captured');
    expect(await verifySigV4(request, lookup)).toMatchObject({
      ok: false,
      failure: 'signature_mismatch',
      message: expect.stringMatching(/^The request signature we calculated does not match/),
    });
  });
});

const SIGNED_AT = new Date('2025-03-04T05:06:07Z');

async function signWithSmithy(
  overrides: { path?: string; query?: Record<string, string | string[]>; body?: string } = {},
  secretAccessKey = SECRET,
): Promise<SigV4Request> {
  const signer = new SignatureV4({
    service: 'bedrock',
    region: 'us-east-1',
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey },
    sha256: Sha256,
  });
  const query = overrides.query ?? {};
  const body = overrides.body ?? '{"messages":[]}';
  const signed = await signer.sign(
    {
      method: 'POST',
      protocol: 'https:',
      hostname: 'bedrock-runtime.us-east-1.amazonaws.com',
      path: overrides.path ?? '/model/anthropic.claude-3-haiku-20240307-v1%3A0/converse',
      query,
      headers: {
        host: 'bedrock-runtime.us-east-1.amazonaws.com',
        'content-type': 'application/json',
        'x-custom': '  spaced    value  ',
      },
      body,
    },
    { signingDate: SIGNED_AT },
  );
  const rawQuery = Object.entries(query)
    .flatMap(([key, value]) =>
      (Array.isArray(value) ? value : [value]).map(
        (item) => `${encodeURIComponent(key)}=${encodeURIComponent(item)}`,
      ),
    )
    .join('&');
  return { method: 'POST', path: signed.path, query: rawQuery, headers: { ...signed.headers }, body };
}

const at = (offsetMs: number) => ({ now: new Date(SIGNED_AT.getTime() + offsetMs) });

describe('verifySigV4 with requests signed by @smithy/signature-v4', () => {
  it('accepts an untouched request, with query parameters and repeated keys', async () => {
    const request = await signWithSmithy({ query: { b: ['2', '1'], 'a key': 'x y', z: '' } });
    expect(await verifySigV4(request, lookup, at(0))).toMatchObject({ ok: true, region: 'us-east-1' });
  });

  it('accepts header names in any case and a string body', async () => {
    const request = await signWithSmithy();
    const headers = Object.fromEntries(
      Object.entries(request.headers).map(([name, value]) => [name.toUpperCase(), value]),
    );
    expect((await verifySigV4({ ...request, headers }, lookup, at(0))).ok).toBe(true);
  });

  it.each([
    ['body', (request: SigV4Request) => ({ ...request, body: '{"messages":[1]}' })],
    ['path', (request: SigV4Request) => ({ ...request, path: request.path.replace('haiku', 'sonnet') })],
    ['query', (request: SigV4Request) => ({ ...request, query: 'extra=1' })],
    ['method', (request: SigV4Request) => ({ ...request, method: 'PUT' })],
    [
      'a signed header',
      (request: SigV4Request) => ({ ...request, headers: { ...request.headers, 'x-custom': 'other' } }),
    ],
  ])('rejects a tampered %s', async (_what, tamper) => {
    const request = tamper(await signWithSmithy());
    expect(await verifySigV4(request, lookup, at(0))).toMatchObject({
      ok: false,
      failure: 'signature_mismatch',
    });
  });

  it('rejects a body that does not match the declared x-amz-content-sha256', async () => {
    const request = await signWithSmithy();
    const headers = { ...request.headers, 'x-amz-content-sha256': 'a'.repeat(64) };
    expect(await verifySigV4({ ...request, headers }, lookup, at(0))).toMatchObject({
      failure: 'signature_mismatch',
      message: expect.stringContaining('x-amz-content-sha256'),
    });
  });

  it('rejects a tampered x-amz-date, even within the allowed skew', async () => {
    const request = await signWithSmithy();
    const headers = { ...request.headers, 'x-amz-date': '20250304T050608Z' };
    expect(await verifySigV4({ ...request, headers }, lookup, at(0))).toMatchObject({
      failure: 'signature_mismatch',
    });
  });

  it('rejects a signature made with the wrong secret', async () => {
    const request = await signWithSmithy({}, 'not-the-secret');
    expect(await verifySigV4(request, lookup, at(0))).toMatchObject({ failure: 'signature_mismatch' });
  });

  it('rejects an unknown access key id', async () => {
    const request = await signWithSmithy();
    expect(await verifySigV4(request, async () => undefined, at(0))).toEqual({
      ok: false,
      failure: 'unknown_access_key',
      message: 'The security token included in the request is invalid.',
    });
  });

  it('accepts a clock 5 minutes off and rejects one further off, in both directions, in AWS words', async () => {
    const request = await signWithSmithy();
    expect((await verifySigV4(request, lookup, at(5 * 60_000))).ok).toBe(true);
    expect((await verifySigV4(request, lookup, at(-5 * 60_000))).ok).toBe(true);
    expect(await verifySigV4(request, lookup, at(5 * 60_000 + 1000))).toEqual({
      ok: false,
      failure: 'request_expired',
      message:
        'Signature expired: 20250304T050607Z is now earlier than 20250304T050608Z (20250304T051108Z - 5 min.)',
    });
    expect(await verifySigV4(request, lookup, at(-6 * 60_000))).toMatchObject({
      failure: 'request_expired',
      message: expect.stringMatching(/^Signature not yet current: 20250304T050607Z is still later than/),
    });
    expect((await verifySigV4(request, lookup, { ...at(60 * 60_000), maxSkewMs: 61 * 60_000 })).ok).toBe(
      true,
    );
  });

  it('reports a missing or malformed Authorization header', async () => {
    const request = await signWithSmithy();
    const without = { ...request, headers: { ...request.headers, authorization: undefined } };
    expect(await verifySigV4(without, lookup, at(0))).toMatchObject({ failure: 'missing_authentication' });
    const cases: Array<[string, RegExp]> = [
      ['Bearer abc', /Unsupported authorization type/],
      ['AWS4-HMAC-SHA256 Credential=x/y', /requires 'SignedHeaders'.*requires 'Signature'/],
      [
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20250304/us-east-1/bedrock, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
        /Credential/,
      ],
      [
        `AWS4-HMAC-SHA256 Credential=${ACCESS_KEY_ID}/20250304/us-east-1/bedrock/aws4_request, SignedHeaders=x-amz-date, Signature=${'0'.repeat(64)}`,
        /'Host' or ':authority' must be a 'SignedHeader'/,
      ],
    ];
    for (const [authorization, message] of cases) {
      const result = await verifySigV4(
        { ...request, headers: { ...request.headers, authorization } },
        lookup,
        at(0),
      );
      expect(result).toMatchObject({
        failure: 'incomplete_signature',
        message: expect.stringMatching(message),
      });
    }
    const noDate = { ...request, headers: { ...request.headers, 'x-amz-date': undefined } };
    expect(await verifySigV4(noDate, lookup, at(0))).toMatchObject({ failure: 'incomplete_signature' });
  });

  it('rejects a credential scope whose date is not the x-amz-date', async () => {
    const request = await signWithSmithy();
    const authorization = String(request.headers['authorization']).replace('/20250304/', '/20250305/');
    const result = await verifySigV4(
      { ...request, headers: { ...request.headers, authorization } },
      lookup,
      at(0),
    );
    expect(result).toMatchObject({ failure: 'signature_mismatch', message: expect.stringMatching(/scope/) });
  });
});

describe('canonical forms', () => {
  it('encodes the already-encoded path again and normalises dot segments', () => {
    expect(canonicalUri('/model/a%3Ab/converse')).toBe('/model/a%253Ab/converse');
    expect(canonicalUri('/model/arn%3Aaws%2Fx/./y/../converse/')).toBe('/model/arn%253Aaws%252Fx/converse/');
    expect(canonicalUri('/model/literal:colon/converse')).toBe('/model/literal%3Acolon/converse');
    expect(canonicalUri('')).toBe('');
  });

  it('sorts and strictly re-encodes the query, dropping X-Amz-Signature', () => {
    expect(canonicalQuery('b=2&a=x%20y&b=1&c&X-Amz-Signature=s&d=%2A!')).toBe('a=x%20y&b=1&b=2&c=&d=%2A%21');
    expect(canonicalQuery('')).toBe('');
  });
});

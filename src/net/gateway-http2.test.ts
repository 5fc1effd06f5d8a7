import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from 'node:http2';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ChatResult } from '../core/chat-result.js';
import type { StreamPart } from '../core/stream-part.js';
import { emptyUsage } from '../core/usage.js';
import type { Provider } from '../providers/provider.js';
import { type DialectFixture, FULL_KEY, startDialectFixture } from '../test-support/start-dialect-fixture.js';
import { startTestGateway } from '../test-support/start-test-gateway.js';

/** The gateway's Fastify server on the dual-protocol front, driven by a raw `http2.connect` client. */
let fixture: DialectFixture;
let session: ClientHttp2Session;
beforeAll(async () => {
  fixture = await startDialectFixture('openai');
});
afterAll(async () => {
  session?.close();
  await fixture?.close();
});
beforeEach(() => {
  fixture.provider.reset();
  if (!session || session.closed || session.destroyed) session = connect(fixture.url);
});

interface Http2Response {
  headers: IncomingHttpHeaders;
  body: string;
}

function post(path: string, body: string, headers: Record<string, string> = {}): Promise<Http2Response> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/json',
      authorization: `Bearer ${FULL_KEY}`,
      ...headers,
    });
    let received: IncomingHttpHeaders = {};
    let text = '';
    stream.on('response', (value) => {
      received = value;
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      text += chunk;
    });
    stream.on('end', () => resolve({ headers: received, body: text }));
    stream.on('error', reject);
    stream.end(body);
  });
}

const chat = (stream: boolean) =>
  JSON.stringify({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }], stream });

const textStream: StreamPart[] = [
  { type: 'stream-start', warnings: [], modelId: 'gpt-4o-2024-08-06' },
  { type: 'text-start', id: 't' },
  { type: 'text-delta', id: 't', delta: 'Hel' },
  { type: 'text-delta', id: 't', delta: 'lo' },
  { type: 'text-end', id: 't' },
  {
    type: 'finish',
    usage: { ...emptyUsage(), inputTokens: 3, outputTokens: 2 },
    finishReason: { unified: 'stop', raw: 'stop' },
  },
];

describe('the gateway over cleartext HTTP/2', () => {
  it('answers a chat completion with the x-converge headers', async () => {
    const response = await post('/v1/chat/completions', chat(false));
    expect(response.headers[':status']).toBe(200);
    expect(response.headers['x-converge-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(response.headers['x-converge-target']).toBe('scripted/gpt-4o@scripted/eu');
    const body = JSON.parse(response.body) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]?.message.content).toBe('Hello world');
    const row = await fixture.waitForUsageRow((candidate) => candidate.httpStatus === 200);
    expect(row.status).toBe('ok');
  });

  it('streams server-sent events through writeHead/flushHeaders/write on the HTTP/2 response', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream });
    const response = await post('/v1/chat/completions', chat(true));
    expect(response.headers[':status']).toBe(200);
    expect(response.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const events = response.body.split('\n\n').filter((event) => event.startsWith('data: '));
    expect(events.at(-1)).toBe('data: [DONE]');
    const text = events
      .slice(0, -1)
      .map((event) => JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] })
      .map((chunk) => chunk.choices[0]?.delta.content ?? '')
      .join('');
    expect(text).toBe('Hello');
  });

  it('stops the upstream stream when the HTTP/2 client cancels its stream', async () => {
    fixture.provider.enqueue({ type: 'stream', parts: textStream.slice(0, 3), ending: 'hang' });
    const outcome = fixture.provider.nextStreamOutcome();
    const stream = session.request({
      ':method': 'POST',
      ':path': '/v1/chat/completions',
      'content-type': 'application/json',
      authorization: `Bearer ${FULL_KEY}`,
    });
    stream.on('error', () => {});
    stream.end(chat(true));
    await new Promise((resolve) => stream.once('data', resolve));
    stream.close();
    expect(await outcome).toMatchObject({ completed: false, aborted: true });
  });

  it('writes dialect errors, including Fastify body-limit errors that set Connection: close', async () => {
    const unauthorized = await post('/v1/chat/completions', chat(false), { authorization: 'Bearer sk-nope' });
    expect(unauthorized.headers[':status']).toBe(401);
    const tooLarge = await post('/v1/chat/completions', 'x'.repeat(100 * 1024));
    expect(tooLarge.headers[':status']).toBe(413);
    expect(tooLarge.headers.connection).toBeUndefined();
    expect(JSON.parse(tooLarge.body)).toMatchObject({ error: { code: 'request_too_large' } });
  });
});

/** Streams the first parts, then waits for `release()` before finishing: an in-flight stream to drain. */
class GatedProvider implements Provider {
  readonly name = 'gated';
  readonly type = 'openai';
  release: () => void = () => {};
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });

  async generate(): Promise<ChatResult> {
    throw new Error('only streams are scripted');
  }

  async stream(): Promise<AsyncIterable<StreamPart>> {
    const gate = this.gate;
    return (async function* () {
      yield* textStream.slice(0, 3);
      await gate;
      yield* textStream.slice(3);
    })();
  }
}

describe('gateway shutdown with HTTP/2 clients', () => {
  it('sends GOAWAY, lets the in-flight stream finish, then closes', async () => {
    const provider = new GatedProvider();
    let app: FastifyInstance | undefined;
    const test = await startTestGateway({
      providers: [provider],
      deployments: { 'gpt-4o@gated': { provider: 'gated', model: 'gpt-4o' } },
      models: { 'gpt-4o': { deployments: ['gpt-4o@gated'] } },
      keys: [{ name: 'full', secret: FULL_KEY }],
      registerRoutes: (instance) => {
        app = instance;
      },
    });
    const client = connect(test.url);
    const stream = client.request({
      ':method': 'POST',
      ':path': '/v1/chat/completions',
      'content-type': 'application/json',
      authorization: `Bearer ${FULL_KEY}`,
    });
    let body = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    const ended = new Promise((resolve) => stream.once('end', resolve));
    stream.end(chat(true));
    await new Promise((resolve) => stream.once('data', resolve));

    const goaway = new Promise((resolve) => client.once('goaway', resolve));
    const closing = app?.close();
    await goaway;
    expect(() => client.request({ ':path': '/healthz' })).toThrow(/GOAWAY/);
    provider.release();
    await ended;
    expect(body.trimEnd().endsWith('data: [DONE]')).toBe(true);
    await closing;
    client.close();
    await test.close();
  });
});

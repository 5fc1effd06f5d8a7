import { type ClientHttp2Session, connect, type IncomingHttpHeaders } from 'node:http2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSandbox, startSandbox } from './index.js';

/** The OpenAI-family emulators, written against node:http, served unchanged over cleartext HTTP/2. */
let sandbox: RunningSandbox;
let session: ClientHttp2Session;
beforeAll(async () => {
  sandbox = await startSandbox({ latency: 'zero' });
  session = connect(sandbox.url);
});
afterAll(async () => {
  session.close();
  await sandbox.close();
});

function request(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({
      ':method': 'POST',
      ':path': path,
      'content-type': 'application/json',
      authorization: 'Bearer sk-sandbox',
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
    stream.on('end', () => {
      // A stream reset before any headers ends without a response: for a client, that is a failure.
      if (received[':status'] === undefined)
        reject(new Error(`stream closed without a response (${stream.rstCode})`));
      else resolve({ headers: received, body: text });
    });
    stream.on('error', reject);
    stream.end(JSON.stringify(body));
  });
}

const chat = (stream: boolean) => ({
  model: 'gpt-4o',
  messages: [{ role: 'user', content: 'Hi over h2' }],
  stream,
});

describe('the sandbox over prior-knowledge HTTP/2', () => {
  it('serves OpenAI chat completions, plain and streamed, with the same text', async () => {
    const plain = await request('/v1/chat/completions', chat(false));
    expect(plain.headers[':status']).toBe(200);
    expect(plain.headers['x-request-id']).toMatch(/^req_/);
    const content = (JSON.parse(plain.body) as { choices: { message: { content: string } }[] }).choices[0]
      ?.message.content;
    const streamed = await request('/v1/chat/completions', chat(true));
    expect(streamed.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    const text = streamed.body
      .split('\n\n')
      .filter((event) => event.startsWith('data: {'))
      .map(
        (event) => (JSON.parse(event.slice(6)) as { choices: { delta: { content?: string } }[] }).choices[0],
      )
      .map((choice) => choice?.delta.content ?? '')
      .join('');
    expect(text).toBe(content);
  });

  it('a reset fault resets only its own stream; the session keeps serving', async () => {
    await expect(
      request('/v1/chat/completions', chat(false), { 'x-sandbox-fault': 'reset' }),
    ).rejects.toThrow();
    const after = await request('/v1/chat/completions', chat(false));
    expect(after.headers[':status']).toBe(200);
    expect(session.closed).toBe(false);
  });
});

import { readFileSync } from 'node:fs';
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import {
  type ClientHttp2Session,
  connect as connectHttp2,
  constants,
  type IncomingHttpHeaders,
} from 'node:http2';
import { request as httpsRequest } from 'node:https';
import {
  type AddressInfo,
  connect as connectTcp,
  createServer as createTcpServer,
  type Socket,
} from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDualProtocolServer,
  type DualProtocolServer,
  type DualRequestListener,
} from './dual-protocol-server.js';
import { HTTP2_PREFACE } from './sniff-http2-preface.js';

const KEY = readFileSync(new URL('./__fixtures__/test-only-localhost.key.pem', import.meta.url));
const CERT = readFileSync(new URL('./__fixtures__/test-only-localhost.cert.pem', import.meta.url));

/** Echoes the protocol and path; `/hold` waits until released, `/hop` sets headers HTTP/2 forbids. */
function createEchoHandler() {
  const held: (() => void)[] = [];
  const listener: DualRequestListener = (request, response) => {
    const reply = () => {
      response.setHeader('x-protocol', request.httpVersion);
      response.end(`${request.httpVersion} ${request.url}`);
    };
    if (request.url === '/hold') {
      held.push(reply);
      return;
    }
    if (request.url === '/hop') {
      response.setHeader('connection', 'close');
      response.writeHead(200, { 'transfer-encoding': 'chunked', 'keep-alive': 'timeout=5', 'x-kept': 'yes' });
      (response as { write(chunk: string): boolean }).write('chunked ');
      response.end('body');
      return;
    }
    reply();
  };
  return { listener, held, waitForHeld: (count: number) => waitFor(() => held.length >= count) };
}

async function waitFor(condition: () => boolean): Promise<void> {
  for (let attempt = 0; attempt < 2_000; attempt++) {
    if (condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  throw new Error('condition never became true');
}

const servers: DualProtocolServer[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(
  listener: DualRequestListener,
  options = {},
): Promise<{ server: DualProtocolServer; port: number }> {
  const server = createDualProtocolServer(listener, options);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

function http2Get(
  session: ClientHttp2Session,
  path: string,
): Promise<{ headers: IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const stream = session.request({ ':path': path });
    let headers: IncomingHttpHeaders = {};
    let body = '';
    stream.on('response', (received) => {
      headers = received;
    });
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('end', () => {
      if (headers[':status'] === undefined) reject(new Error(`stream closed, code ${stream.rstCode}`));
      else resolve({ headers, body });
    });
    stream.on('error', reject);
    stream.end();
  });
}

function http1Get(
  port: number,
  path: string,
  agent?: HttpAgent,
): Promise<{ response: IncomingMessage; body: string; reused: boolean }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, path, agent }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => {
        body += chunk;
      });
      response.on('end', () => resolve({ response, body, reused: request.reusedSocket }));
    });
    request.on('error', reject);
    request.end();
  });
}

describe('cleartext: HTTP/1.1 and prior-knowledge HTTP/2 on one port', () => {
  it('serves fetch (undici) over HTTP/1.1', async () => {
    const { port } = await listen(createEchoHandler().listener);
    const response = await fetch(`http://127.0.0.1:${port}/fetch`);
    expect(await response.text()).toBe('1.1 /fetch');
  });

  it('keeps an HTTP/1.1 socket alive across requests', async () => {
    const { port } = await listen(createEchoHandler().listener);
    const agent = new HttpAgent({ keepAlive: true, maxSockets: 1 });
    const first = await http1Get(port, '/one', agent);
    const second = await http1Get(port, '/two', agent);
    agent.destroy();
    expect([first.body, second.body]).toEqual(['1.1 /one', '1.1 /two']);
    expect(second.reused).toBe(true);
  });

  it('multiplexes concurrent HTTP/2 streams on one session', async () => {
    const { server, port } = await listen(createEchoHandler().listener);
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const paths = ['/a', '/b', '/c', '/d', '/e'];
    const results = await Promise.all(paths.map((path) => http2Get(session, path)));
    expect(results.map((result) => result.body)).toEqual(paths.map((path) => `2.0 ${path}`));
    expect(results[0]?.headers[':status']).toBe(200);
    expect(server.http2SessionCount).toBe(1);
    session.close();
  });

  it('accepts an HTTP/2 preface dribbled one byte per write', async () => {
    const { port } = await listen(createEchoHandler().listener);
    // A relay that forwards the client's first 30 bytes one write at a time, then the rest as it comes.
    const relay = createTcpServer((client) => {
      const upstream = connectTcp(port, '127.0.0.1');
      upstream.setNoDelay(true);
      let forwarded = 0;
      let queue = Promise.resolve();
      client.on('data', (chunk: Buffer) => {
        queue = queue.then(async () => {
          for (const byte of chunk) {
            upstream.write(Buffer.of(byte));
            if (forwarded++ < 30) await new Promise((resolve) => setImmediate(resolve));
          }
        });
      });
      upstream.pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const relayPort = (relay.address() as AddressInfo).port;
    const session = connectHttp2(`http://127.0.0.1:${relayPort}`);
    const result = await http2Get(session, '/dribbled');
    session.close();
    await new Promise((resolve) => relay.close(resolve));
    expect(result.body).toBe('2.0 /dribbled');
  });

  it('destroys a connection that never completes the preface', async () => {
    const { port } = await listen(createEchoHandler().listener, { prefaceTimeoutMs: 20 });
    const socket = connectTcp(port, '127.0.0.1');
    socket.write(HTTP2_PREFACE.subarray(0, 10));
    const closed = new Promise<boolean>((resolve) => socket.once('close', resolve));
    socket.resume();
    await closed;
    expect(socket.destroyed).toBe(true);
  });

  it('reports a stream the HTTP/2 client cancelled as unfinished, as HTTP/1.1 does for a disconnect', async () => {
    let closedFinished: boolean | undefined;
    const { port } = await listen((_request, response) => {
      response.writeHead(200);
      (response as { write(chunk: string): boolean }).write('partial');
      response.once('close', () => {
        closedFinished = response.writableFinished;
      });
    });
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const stream = session.request({ ':path': '/cancel' });
    stream.on('error', () => {});
    stream.end();
    await new Promise((resolve) => stream.once('data', resolve));
    stream.close(constants.NGHTTP2_CANCEL);
    await waitFor(() => closedFinished !== undefined);
    session.close();
    expect(closedFinished).toBe(false);
  });

  it('turns destroy() before end() into a stream reset with an error code, not a clean end', async () => {
    const { port } = await listen((_request, response) => {
      response.writeHead(200);
      (response as { write(chunk: string, callback: () => void): boolean }).write('partial', () =>
        response.destroy(),
      );
    });
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const outcome = await http2Get(session, '/cut').then(
      () => 'completed',
      (error: unknown) => error,
    );
    session.close();
    expect((outcome as { code?: string }).code).toBe('ERR_HTTP2_STREAM_ERROR');
  });

  it('drops connection-specific headers on HTTP/2 instead of crashing, and keeps them on HTTP/1.1', async () => {
    const { port } = await listen(createEchoHandler().listener);
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const h2 = await http2Get(session, '/hop');
    session.close();
    expect(h2.headers[':status']).toBe(200);
    expect(h2.headers['x-kept']).toBe('yes');
    expect(h2.headers['transfer-encoding']).toBeUndefined();
    expect(h2.body).toBe('chunked body');
    const h1 = await http1Get(port, '/hop');
    expect(h1.response.headers['transfer-encoding']).toBe('chunked');
    expect(h1.body).toBe('chunked body');
  });
});

describe('graceful close', () => {
  it('finishes in-flight requests on both protocols, refuses new HTTP/2 streams, then calls back', async () => {
    const echo = createEchoHandler();
    const { server, port } = await listen(echo.listener);
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    const h2InFlight = http2Get(session, '/hold');
    const h1InFlight = http1Get(port, '/hold');
    const idleAgent = new HttpAgent({ keepAlive: true });
    await http1Get(port, '/warm', idleAgent);
    await echo.waitForHeld(2);

    let closed = false;
    const closing = new Promise<void>((resolve) =>
      server.close(() => {
        closed = true;
        resolve();
      }),
    );
    await new Promise((resolve) => session.once('goaway', resolve));
    await expect(http2Get(session, '/late')).rejects.toThrow();
    expect(closed).toBe(false);
    for (const release of echo.held) release();
    expect((await h2InFlight).body).toBe('2.0 /hold');
    expect((await h1InFlight).body).toBe('1.1 /hold');
    await closing;
    await waitFor(() => server.http2SessionCount === 0);
    idleAgent.destroy();
  });

  it('closeAllConnections cuts in-flight requests on both protocols', async () => {
    const echo = createEchoHandler();
    const { server, port } = await listen(echo.listener);
    const session = connectHttp2(`http://127.0.0.1:${port}`);
    session.on('error', () => {});
    const h2InFlight = http2Get(session, '/hold');
    const h1InFlight = http1Get(port, '/hold');
    await echo.waitForHeld(2);
    const closing = new Promise((resolve) => server.close(resolve));
    server.closeAllConnections();
    const [h2, h1] = await Promise.allSettled([h2InFlight, h1InFlight]);
    expect(h2.status).toBe('rejected');
    expect(h1.status).toBe('rejected');
    await closing;
  });
});

describe('TLS: ALPN picks h2 or http/1.1', () => {
  it('serves HTTP/2 and HTTP/1.1 clients on one TLS port', async () => {
    const { port } = await listen(createEchoHandler().listener, { tls: { key: KEY, cert: CERT } });
    const session = connectHttp2(`https://localhost:${port}`, { ca: CERT });
    const h2 = await http2Get(session, '/tls');
    const alpn = (session.socket as Socket & { alpnProtocol?: string }).alpnProtocol;
    session.close();
    expect(h2.body).toBe('2.0 /tls');
    expect(alpn).toBe('h2');

    const h1 = await new Promise<string>((resolve, reject) => {
      const request = httpsRequest({ host: 'localhost', port, path: '/tls', ca: CERT }, (response) => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve(body));
      });
      request.on('error', reject);
      request.end();
    });
    expect(h1).toBe('1.1 /tls');
  });

  it('drains both protocols on close', async () => {
    const echo = createEchoHandler();
    const { server, port } = await listen(echo.listener, { tls: { key: KEY, cert: CERT } });
    const session = connectHttp2(`https://localhost:${port}`, { ca: CERT });
    const inFlight = http2Get(session, '/hold');
    const hop = await http2Get(session, '/hop');
    expect(hop.headers['x-kept']).toBe('yes');
    await echo.waitForHeld(1);
    const closing = new Promise((resolve) => server.close(resolve));
    await new Promise((resolve) => session.once('goaway', resolve));
    for (const release of echo.held) release();
    expect((await inFlight).body).toBe('2.0 /hold');
    await closing;
    await waitFor(() => server.http2SessionCount === 0);
  });
});

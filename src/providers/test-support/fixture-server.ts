import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { pino } from 'pino';
import { createHttpClient, type HttpClient } from '../http/http-client.js';
import type { ProviderCallOptions } from '../provider.js';

/** One request the fixture server received, as the upstream would see it. */
export interface RecordedRequest {
  method: string;
  /** Path and query, e.g. `/v1/chat/completions`. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** The client port: equal ports on two requests mean one reused keep-alive connection. */
  remotePort: number | undefined;
  /** Resolves when the connection that carried this request closes. */
  closed: Promise<void>;
}

export type FixtureHandler = (request: RecordedRequest, response: ServerResponse) => void | Promise<void>;

export interface FixtureServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  requests: RecordedRequest[];
  close(): Promise<void>;
}

/**
 * A real HTTP server on 127.0.0.1:0 standing in for an upstream: it records every request and
 * answers with the handler, usually replaying a fixture.
 *
 * @example
 * const server = await startFixtureServer(replyJson(200, readFixture(import.meta.url, 'openai-text.json')));
 */
export async function startFixtureServer(handler: FixtureHandler): Promise<FixtureServer> {
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const closedBySocket = new WeakMap<Socket, Promise<void>>();
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      const recorded: RecordedRequest = {
        method: request.method ?? '',
        url: request.url ?? '',
        headers: request.headers,
        body,
        json,
        remotePort: request.socket.remotePort,
        closed: closedBySocket.get(request.socket) ?? Promise.resolve(),
      };
      requests.push(recorded);
      void Promise.resolve(handler(recorded, response)).catch((error: unknown) => {
        response.destroy(error instanceof Error ? error : new Error(String(error)));
      });
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    closedBySocket.set(socket, new Promise((resolve) => socket.once('close', () => resolve())));
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Reads a fixture next to the test file: `readFixture(import.meta.url, 'openai-text.json')`. */
export function readFixture(testFileUrl: string, name: string): string {
  return readFileSync(new URL(`./__fixtures__/${name}`, testFileUrl), 'utf8');
}

export function replyJson(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): FixtureHandler {
  return (_request, response) => {
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(body);
  };
}

export interface ReplyEventsOptions {
  /** Write the body in pieces of this many bytes, to split events and line endings across chunks. */
  pieceBytes?: number;
  /** Stop after this many bytes and destroy the connection: a stream cut mid-way. */
  cutAfterBytes?: number;
  /** Send the first bytes, then keep the response open forever (until the client goes away). */
  hangAfterBytes?: number;
  /** Send everything, then end the response only once this settles. */
  endWhen?: Promise<void>;
}

/** Replays a recorded SSE body (`*.chunks.txt`), optionally in small pieces, cut, or hung. */
export function replyEvents(text: string, options: ReplyEventsOptions = {}): FixtureHandler {
  return async (_request, response) => {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache',
    });
    const bytes = Buffer.from(text, 'utf8');
    const limit = options.cutAfterBytes ?? options.hangAfterBytes ?? bytes.length;
    const pieceBytes = options.pieceBytes ?? bytes.length;
    for (let offset = 0; offset < limit; offset += pieceBytes) {
      const piece = bytes.subarray(offset, Math.min(offset + pieceBytes, limit));
      await new Promise<void>((resolve) => response.write(piece, () => resolve()));
    }
    if (options.cutAfterBytes !== undefined) response.socket?.destroy();
    else if (options.hangAfterBytes === undefined) {
      await options.endWhen;
      response.end();
    }
  };
}

/** Call options for tests; `signal` never aborts unless one is passed. */
export function callOptions(
  modelId: string,
  signal: AbortSignal = new AbortController().signal,
): ProviderCallOptions {
  return { modelId, signal, requestId: 'req-test', log: pino({ level: 'silent' }) };
}

export function createTestHttpClient(): HttpClient {
  return createHttpClient({ connections: 4 });
}

/** Drains a stream into an array. */
export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

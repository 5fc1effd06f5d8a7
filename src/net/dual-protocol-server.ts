import type { EventEmitter } from 'node:events';
import {
  createServer as createHttpServer,
  Server as HttpServer,
  type ServerOptions as HttpServerOptions,
  type IncomingMessage,
  type ServerResponse,
} from 'node:http';
import {
  createServer as createHttp2Server,
  createSecureServer,
  type ServerOptions as Http2ServerOptions,
  type Http2ServerRequest,
  type Http2ServerResponse,
  type Http2Session,
} from 'node:http2';
import type { Server as NetServer, Socket } from 'node:net';
import { Http2SafeResponse } from './http2-safe-response.js';
import { sniffHttp2Preface } from './sniff-http2-preface.js';

/** One handler for both protocols: HTTP/1.1 objects, or HTTP/2 compatibility-API objects. */
export type DualRequestListener = (
  request: IncomingMessage | Http2ServerRequest,
  response: ServerResponse | Http2ServerResponse,
) => void;

export interface DualProtocolServerOptions {
  /** PEM key and certificate: TLS with ALPN `h2` and `http/1.1` instead of cleartext sniffing. */
  tls?: { key: string | Buffer; cert: string | Buffer } | undefined;
  /** Cleartext only: how long a new connection may take to show its protocol. Default 10 s. */
  prefaceTimeoutMs?: number;
  /** HTTP/2 sessions with no frames for this long are closed gracefully (GOAWAY). Default 72 s; 0 = never. */
  sessionIdleTimeoutMs?: number;
  /** HTTP/1.1 timeouts, as on `http.Server`. */
  http1?: Pick<HttpServerOptions, 'keepAliveTimeout' | 'requestTimeout' | 'headersTimeout' | 'maxHeaderSize'>;
  /** HTTP/2 settings and limits, as on `http2.createServer`. */
  http2?: Pick<Http2ServerOptions, 'settings' | 'maxSessionMemory' | 'maxHeaderListPairs'>;
}

/** Drain controls covering both protocols, named as on `http.Server` so Fastify finds them. */
export interface DrainControls {
  /** HTTP/1 sockets between requests are destroyed; HTTP/2 sessions get GOAWAY and end after their streams. */
  closeIdleConnections(): void;
  /** Every socket is destroyed, in-flight or not: the end of a drain. */
  closeAllConnections(): void;
  /** GOAWAY to every HTTP/2 session (Fastify calls this on close when it exists). */
  closeHttp2Sessions(): void;
  /** Open HTTP/2 sessions, for tests and metrics. */
  readonly http2SessionCount: number;
}

/** A listening socket (plain `http.Server`, or the HTTP/2 TLS server) that speaks both protocols. */
export type DualProtocolServer = NetServer & DrainControls;

const DEFAULT_PREFACE_TIMEOUT_MS = 10_000;
const DEFAULT_SESSION_IDLE_TIMEOUT_MS = 72_000;

/** Tracks HTTP/2 sessions so a drain can reach them (Node 20's `close()` leaves them open). */
function trackSessions(
  server: { on(event: 'session', listener: (session: Http2Session) => void): unknown },
  idleTimeoutMs: number,
): Set<Http2Session> {
  const sessions = new Set<Http2Session>();
  server.on('session', (session) => {
    sessions.add(session);
    session.once('close', () => sessions.delete(session));
    if (idleTimeoutMs > 0) session.setTimeout(idleTimeoutMs, () => session.close());
  });
  return sessions;
}

function closeSessions(sessions: ReadonlySet<Http2Session>): void {
  for (const session of sessions) if (!session.closed) session.close();
}

function destroySessions(sessions: ReadonlySet<Http2Session>): void {
  for (const session of sessions) session.destroy();
}

/**
 * Both front servers track HTTP/1 connections the way `http.Server` does (the TLS one only with
 * `allowHTTP1`, which Node implements with these same methods), so http's methods apply to either.
 */
function closeIdleHttp1(server: NetServer): void {
  HttpServer.prototype.closeIdleConnections.call(server as HttpServer);
}

/**
 * `http.Server#close` closes the keep-alive sockets that are idle at that moment; one that was busy would
 * then sit idle until its keep-alive timeout. Closing idle sockets again after each response that ends
 * once the listener is closed lets a drained server actually finish.
 */
function closeKeepAliveWhileClosing(server: NetServer): void {
  const closeIdle = (): void => closeIdleHttp1(server);
  server.on('request', (request: IncomingMessage | Http2ServerRequest, response: EventEmitter) => {
    if (request.httpVersionMajor === 2) return;
    response.once('close', () => {
      if (!server.listening) setImmediate(closeIdle);
    });
  });
}

/**
 * Puts the HTTP/1 server's own 'connection' listener behind the preface sniff: HTTP/1 sockets go back to
 * it, HTTP/2 ones to the HTTP/2 server. Returns the sockets still being sniffed (for close).
 */
function routeByPreface(server: HttpServer, http2Server: NetServer, timeoutMs: number): Set<Socket> {
  const sniffing = new Set<Socket>();
  const [httpConnectionListener] = server.listeners('connection') as ((socket: Socket) => void)[];
  if (httpConnectionListener === undefined) throw new Error('http.Server has no connection listener');
  server.removeListener('connection', httpConnectionListener);
  server.on('connection', (socket: Socket) => {
    sniffing.add(socket);
    socket.once('close', () => sniffing.delete(socket));
    sniffHttp2Preface(socket, timeoutMs, (protocol) => {
      sniffing.delete(socket);
      if (protocol === 'h2') {
        // nghttp2 reads the socket handle itself (buffered bytes included); a JS resume would steal bytes.
        http2Server.emit('connection', socket);
        return;
      }
      httpConnectionListener.call(server, socket);
      socket.resume();
    });
  });
  return sniffing;
}

function createCleartextServer(
  listener: DualRequestListener,
  options: DualProtocolServerOptions,
): DualProtocolServer {
  // The front *is* the HTTP/1 server, so listen/close/timeouts/`clientError` and its connection
  // tracking (idle vs busy) all work natively; only its 'connection' listener is put behind the sniff.
  const server = createHttpServer({ ...options.http1 }, listener as (request: IncomingMessage) => void);
  const http2Server = createHttp2Server({ ...options.http2, Http2ServerResponse: Http2SafeResponse });
  http2Server.on('request', listener);
  const sessions = trackSessions(
    http2Server,
    options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS,
  );
  const sniffing = routeByPreface(
    server,
    http2Server,
    options.prefaceTimeoutMs ?? DEFAULT_PREFACE_TIMEOUT_MS,
  );
  const destroySniffing = (): void => {
    for (const socket of sniffing) socket.destroy();
  };
  closeKeepAliveWhileClosing(server);
  const controls: DrainControls = {
    closeIdleConnections: () => {
      closeIdleHttp1(server);
      destroySniffing();
      closeSessions(sessions);
    },
    closeAllConnections: () => {
      HttpServer.prototype.closeAllConnections.call(server);
      destroySniffing();
      destroySessions(sessions);
    },
    closeHttp2Sessions: () => closeSessions(sessions),
    get http2SessionCount() {
      return sessions.size;
    },
  };
  const close = server.close.bind(server);
  return Object.defineProperties(server, {
    ...Object.getOwnPropertyDescriptors(controls),
    close: {
      value: (callback?: (error?: Error) => void) => {
        // http.Server#close already closes idle HTTP/1 sockets; the sessions and half-sniffed sockets are ours.
        destroySniffing();
        closeSessions(sessions);
        return close(callback);
      },
    },
  }) as unknown as DualProtocolServer;
}

function createTlsServer(
  listener: DualRequestListener,
  options: DualProtocolServerOptions,
): DualProtocolServer {
  const tls = options.tls;
  if (tls === undefined) throw new Error('tls options are required');
  const server = createSecureServer(
    {
      ...options.http2,
      key: tls.key,
      cert: tls.cert,
      allowHTTP1: true,
      Http2ServerResponse: Http2SafeResponse,
    },
    listener,
  );
  // HTTP/1 over ALPN runs through http's own connection code, which reads these off the server.
  Object.assign(server, { keepAliveTimeout: 5_000, ...options.http1 });
  const sessions = trackSessions(server, options.sessionIdleTimeoutMs ?? DEFAULT_SESSION_IDLE_TIMEOUT_MS);
  closeKeepAliveWhileClosing(server);
  const close = server.close.bind(server);
  const controls: DrainControls = {
    closeIdleConnections: () => {
      closeIdleHttp1(server);
      closeSessions(sessions);
    },
    closeAllConnections: () => {
      HttpServer.prototype.closeAllConnections.call(server as unknown as HttpServer);
      destroySessions(sessions);
    },
    closeHttp2Sessions: () => closeSessions(sessions),
    get http2SessionCount() {
      return sessions.size;
    },
  };
  return Object.defineProperties(server, {
    ...Object.getOwnPropertyDescriptors(controls),
    close: {
      value: (callback?: (error?: Error) => void) => {
        closeSessions(sessions);
        return close(callback);
      },
    },
  }) as unknown as DualProtocolServer;
}

/**
 * One port, HTTP/1.1 and HTTP/2, one `(request, response)` handler. Cleartext: the first bytes of each
 * connection pick the protocol (the HTTP/2 preface means prior-knowledge h2c, anything else HTTP/1.x;
 * there is no `Upgrade: h2c`). With `tls`: ALPN picks `h2` or `http/1.1`. On HTTP/2, connection-specific
 * response headers are dropped instead of crashing. `close()` stops accepting, closes idle HTTP/1
 * sockets and sends GOAWAY to every HTTP/2 session; its callback runs when the last connection ended.
 * @example
 * const server = createDualProtocolServer((request, response) => response.end(request.httpVersion));
 * server.listen(0, '127.0.0.1');
 * // later: server.close(); await drained; server.closeAllConnections();
 */
export function createDualProtocolServer(
  listener: DualRequestListener,
  options: DualProtocolServerOptions = {},
): DualProtocolServer {
  return options.tls ? createTlsServer(listener, options) : createCleartextServer(listener, options);
}

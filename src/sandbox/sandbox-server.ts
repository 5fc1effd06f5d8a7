import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import {
  createDualProtocolServer,
  type DualProtocolServer,
  type DualRequestListener,
} from '../net/dual-protocol-server.js';

/**
 * One request as handlers see it. Over HTTP/2 `request`/`response` are the compatibility-API objects
 * (`Http2ServerRequest`/`Http2ServerResponse`), which implement every member the emulators use.
 */
export interface SandboxContext {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  readonly method: string;
  readonly path: string;
  readonly query: URLSearchParams;
  readonly params: Readonly<Record<string, string>>;
  /** `performance.now()` when the request arrived, for `openai-processing-ms`. */
  readonly startedAt: number;
}

export type RouteHandler = (context: SandboxContext) => void | Promise<void>;

interface Route {
  method: string;
  pattern: RegExp;
  names: string[];
  handler: RouteHandler;
  /** Narrows a path two providers share (e.g. `GET /v1/models`) by something else in the request. */
  when: ((request: IncomingMessage) => boolean) | undefined;
}

/**
 * A deliberately tiny router: method + path pattern with `{param}` segments, plus per-prefix fallbacks so
 * an unknown path gets the owning provider's own 404. Each emulated provider registers its routes on it.
 * @example router.add('POST', '/openai/deployments/{deployment}/chat/completions', handleChat)
 */
export class SandboxRouter {
  private readonly routes: Route[] = [];
  private readonly fallbacks: { prefix: string; handler: RouteHandler }[] = [];
  private lastResort: RouteHandler = (context) => {
    context.response.writeHead(404, { 'content-type': 'text/plain' }).end('Not Found');
  };

  add(
    method: string,
    pattern: string,
    handler: RouteHandler,
    when?: (request: IncomingMessage) => boolean,
  ): this {
    const names: string[] = [];
    const source = pattern
      .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
      .replace(/\{(\w+)\}/g, (_match, name: string) => {
        names.push(name);
        return '([^/]+)';
      });
    this.routes.push({ method, pattern: new RegExp(`^${source}/?$`), names, handler, when });
    return this;
  }

  /** Handles unmatched requests whose path starts with `prefix` (longest prefix wins; '' matches all). */
  fallback(prefix: string, handler: RouteHandler): this {
    if (prefix === '') this.lastResort = handler;
    else this.fallbacks.push({ prefix, handler });
    this.fallbacks.sort((a, b) => b.prefix.length - a.prefix.length);
    return this;
  }

  /** Node's request listener. Never throws: a handler failure becomes a bare 500 or a closed socket. */
  readonly listener: DualRequestListener = (incoming, outgoing): void => {
    // The HTTP/2 compatibility API mirrors the HTTP/1 members handlers use; see SandboxContext.
    const request = incoming as IncomingMessage;
    const response = outgoing as ServerResponse;
    const startedAt = performance.now();
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    const query = new URLSearchParams(queryAt < 0 ? '' : url.slice(queryAt + 1));
    const method = request.method ?? 'GET';
    const { handler, params } = this.match(request, method, path);
    const context: SandboxContext = { request, response, method, path, query, params, startedAt };
    try {
      const result = handler(context);
      if (result) result.catch((error: unknown) => failRequest(context, error));
    } catch (error: unknown) {
      failRequest(context, error);
    }
  };

  private match(
    request: IncomingMessage,
    method: string,
    path: string,
  ): { handler: RouteHandler; params: Record<string, string> } {
    for (const route of this.routes) {
      if (route.method !== method) continue;
      if (route.when !== undefined && !route.when(request)) continue;
      const found = route.pattern.exec(path);
      if (!found) continue;
      const params: Record<string, string> = {};
      route.names.forEach((name, index) => {
        params[name] = safeDecode(found[index + 1] ?? '');
      });
      return { handler: route.handler, params };
    }
    const fallback = this.fallbacks.find((entry) => path.startsWith(entry.prefix));
    return { handler: fallback?.handler ?? this.lastResort, params: {} };
  }
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function failRequest(context: SandboxContext, error: unknown): void {
  // Route handlers render their own errors; reaching here is a sandbox bug, so say so loudly but safely.
  const message = error instanceof Error ? error.message : String(error);
  if (context.response.headersSent) {
    context.response.destroy();
    return;
  }
  context.response.writeHead(500, { 'content-type': 'application/json' }).end(
    JSON.stringify({
      error: { message: `sandbox failure: ${message}`, type: 'server_error', param: null, code: null },
    }),
  );
}

/** Thrown by readBody when the body exceeds the limit. */
export class BodyTooLargeError extends Error {}

/** Reads the whole request body. Rejects with BodyTooLargeError past `limitBytes`. */
export function readBody(request: IncomingMessage, limitBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        request.removeAllListeners('data');
        request.resume();
        reject(new BodyTooLargeError(`body larger than ${limitBytes} bytes`));
        return;
      }
      chunks.push(chunk);
    });
    request.once('end', () => resolve(chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks)));
    request.once('error', reject);
  });
}

/**
 * The router on one port that speaks HTTP/1.1 and cleartext HTTP/2 with prior knowledge (what the AWS
 * SDK's default Node handler uses for `http://` endpoints); keep-alive as Node defaults it.
 */
export function createSandboxServer(router: SandboxRouter): DualProtocolServer {
  // Streams may be slow on purpose (pacing); only the request head needs a deadline.
  return createDualProtocolServer(router.listener, { http1: { requestTimeout: 0 } });
}

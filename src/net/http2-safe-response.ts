import type { OutgoingHttpHeader, OutgoingHttpHeaders } from 'node:http';
import { constants, Http2ServerResponse } from 'node:http2';

/**
 * Connection-specific headers HTTP/2 forbids (RFC 9113 §8.2.2). Node throws
 * `ERR_HTTP2_INVALID_CONNECTION_HEADERS` when a response carrying one is written, which is long after
 * the `setHeader` call that put it there and outside any try/catch of the handler.
 */
const CONNECTION_SPECIFIC = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'http2-settings',
  'te',
]);

/** @example isConnectionSpecificHeader('Transfer-Encoding') // true */
export function isConnectionSpecificHeader(name: string): boolean {
  return CONNECTION_SPECIFIC.has(name.toLowerCase());
}

type HeaderList = OutgoingHttpHeaders | readonly OutgoingHttpHeader[] | readonly OutgoingHttpHeader[][];

function withoutConnectionHeaders(headers: HeaderList): HeaderList {
  if (!Array.isArray(headers)) {
    const record = headers as OutgoingHttpHeaders;
    return Object.fromEntries(Object.entries(record).filter(([name]) => !isConnectionSpecificHeader(name)));
  }
  if (headers.length > 0 && Array.isArray(headers[0])) {
    const pairs = headers as readonly OutgoingHttpHeader[][];
    return pairs.filter((pair) => !isConnectionSpecificHeader(String(pair[0])));
  }
  const flat = headers as readonly OutgoingHttpHeader[];
  const kept: OutgoingHttpHeader[] = [];
  for (let index = 0; index + 1 < flat.length; index += 2) {
    const name = flat[index];
    const value = flat[index + 1];
    if (name !== undefined && value !== undefined && !isConnectionSpecificHeader(String(name)))
      kept.push(name, value);
  }
  return kept;
}

/**
 * The HTTP/2 compatibility response made to behave like HTTP/1.1's where Node 20's differs, so one
 * handler serves both protocols:
 * - connection-specific headers are dropped instead of crashing the process (Fastify sets
 *   `Connection: close` on some errors, proxies relay upstream `Transfer-Encoding`); a reason phrase
 *   is dropped too (HTTP/2 has none, and Node warns on every one);
 * - `writableFinished` is false when the client reset the stream before `end()`: Node reports true
 *   (and emits 'finish') even then, which would hide a client abort from `close` listeners;
 * - `destroy()` before `end()` resets the stream with INTERNAL_ERROR. Node resets it with NO_ERROR,
 *   which clients read as a complete response; on HTTP/1.1 the same call cuts the connection, which
 *   clients read as a failure — the meaning handlers intend ("the only honest signal left").
 * @example http2.createServer({ Http2ServerResponse: Http2SafeResponse }, handler)
 */
export class Http2SafeResponse extends Http2ServerResponse {
  override setHeader(name: string, value: number | string | readonly string[]): this {
    if (!isConnectionSpecificHeader(name)) super.setHeader(name, value);
    return this;
  }

  override appendHeader(name: string, value: string | string[]): this {
    if (!isConnectionSpecificHeader(name)) super.appendHeader(name, value);
    return this;
  }

  override destroy(error?: Error): this {
    if (error === undefined && !this.writableEnded && !this.stream.destroyed) {
      this.stream.close(constants.NGHTTP2_INTERNAL_ERROR);
      return this;
    }
    super.destroy(error);
    return this;
  }

  override writeHead(
    statusCode: number,
    reasonOrHeaders?: string | HeaderList,
    maybeHeaders?: HeaderList,
  ): this {
    const headers = typeof reasonOrHeaders === 'string' ? maybeHeaders : reasonOrHeaders;
    if (headers === undefined) return super.writeHead(statusCode);
    return super.writeHead(statusCode, withoutConnectionHeaders(headers) as OutgoingHttpHeaders);
  }
}

const finished = Object.getOwnPropertyDescriptor(Http2ServerResponse.prototype, 'writableFinished');
// A property in the type declarations, an accessor at runtime: redefine it rather than `override get`.
Object.defineProperty(Http2SafeResponse.prototype, 'writableFinished', {
  configurable: true,
  get(this: Http2ServerResponse): boolean {
    return this.writableEnded && finished?.get?.call(this) === true;
  },
});

import { type Dispatcher, Pool } from 'undici';

export interface HttpRequest {
  method: 'GET' | 'POST' | 'DELETE';
  headers: Record<string, string>;
  body?: string | Uint8Array;
  signal: AbortSignal;
  /** Time allowed until response headers arrive. */
  headersTimeoutMs?: number;
  /** Time allowed between body chunks. */
  bodyTimeoutMs?: number;
}

export type HttpResponse = Dispatcher.ResponseData;

/**
 * Upstream HTTP: one keep-alive undici Pool per origin, created on first use and reused for the
 * life of the process.
 *
 * @example
 * const http = createHttpClient();
 * const response = await http.request('https://api.openai.com/v1/models', { method: 'GET', headers, signal });
 */
export interface HttpClient {
  request(url: string, request: HttpRequest): Promise<HttpResponse>;
  close(): Promise<void>;
}

export interface HttpClientOptions {
  connections?: number;
  keepAliveTimeoutMs?: number;
  connectTimeoutMs?: number;
}

export function createHttpClient(options: HttpClientOptions = {}): HttpClient {
  const pools = new Map<string, Pool>();

  function poolFor(origin: string): Pool {
    let pool = pools.get(origin);
    if (pool === undefined) {
      pool = new Pool(origin, {
        connections: options.connections ?? 256,
        keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
        connect: { timeout: options.connectTimeoutMs ?? 10_000 },
        pipelining: 1,
      });
      pools.set(origin, pool);
    }
    return pool;
  }

  return {
    request(url, request) {
      const parsed = new URL(url);
      return poolFor(parsed.origin).request({
        path: parsed.pathname + parsed.search,
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        headersTimeout: request.headersTimeoutMs,
        bodyTimeout: request.bodyTimeoutMs,
      });
    },
    async close() {
      const closing = [...pools.values()].map((pool) => pool.close());
      pools.clear();
      await Promise.all(closing);
    },
  };
}

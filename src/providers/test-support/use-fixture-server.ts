import { type Logger, pino } from 'pino';
import { afterAll, afterEach } from 'vitest';
import type { HttpClient } from '../http/http-client.js';
import {
  createTestHttpClient,
  type FixtureHandler,
  type FixtureServer,
  type RecordedRequest,
  startFixtureServer,
} from './fixture-server.js';

export interface FixtureServerHarness {
  http: HttpClient;
  log: Logger;
  /** Starts this test's upstream; it is closed after the test. */
  start(handler: FixtureHandler): Promise<FixtureServer>;
  /** The requests the current test's upstream received. */
  requests(): RecordedRequest[];
  lastRequest(): RecordedRequest;
}

/**
 * Per-file setup for provider tests: one HTTP client for the file, one fixture upstream per test.
 *
 * @example
 * const upstream = useFixtureServer();
 * const server = await upstream.start(replyJson(200, body));
 * expect(upstream.lastRequest().json).toEqual({ ... });
 */
export function useFixtureServer(): FixtureServerHarness {
  const http = createTestHttpClient();
  let server: FixtureServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  afterAll(() => http.close());
  return {
    http,
    log: pino({ level: 'silent' }),
    async start(handler) {
      server = await startFixtureServer(handler);
      return server;
    },
    requests: () => server?.requests ?? [],
    lastRequest() {
      const request = server?.requests.at(-1);
      if (request === undefined) throw new Error('the fixture server saw no request');
      return request;
    },
  };
}

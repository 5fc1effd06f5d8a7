import type { Server } from 'node:http';
import Fastify, { type FastifyInstance } from 'fastify';
import { type AdminDeps, registerAdminRoutes } from '../admin/register-admin-routes.js';
import { ANTHROPIC_PREFIX, registerAnthropicRoutes } from '../dialects/anthropic/routes.js';
import { registerAzureOpenAIRoutes } from '../dialects/azure-openai/routes.js';
import { registerBedrockRoutes } from '../dialects/bedrock/routes.js';
import { registerGeminiRoutes } from '../dialects/gemini/routes.js';
import { registerOpenAIRoutes } from '../dialects/openai/routes.js';
import { createDualProtocolServer, type DualRequestListener } from '../net/dual-protocol-server.js';
import type { Gateway } from './gateway.js';

export interface ServerOptions {
  bodyLimitBytes: number;
  /** Serves the admin API (`/admin/v1`) with these dependencies; omitted = no admin API. */
  admin?: AdminDeps | undefined;
  /** PEM key and certificate: serve TLS with ALPN (`h2`, `http/1.1`) instead of cleartext. */
  tls?: { key: string | Buffer; cert: string | Buffer } | undefined;
}

// Fastify's defaults, which it only applies to servers it creates itself.
const KEEP_ALIVE_TIMEOUT_MS = 72_000;

/**
 * The HTTP surface: every dialect's routes, health endpoints. Bodies arrive as strings and each
 * dialect parses them itself, so malformed JSON gets an error in the caller's own dialect.
 */
export function createServer(gateway: Gateway, options: ServerOptions): FastifyInstance {
  const app = Fastify({
    bodyLimit: options.bodyLimitBytes,
    logger: false,
    return503OnClosing: true,
    // Keep-alive sockets must not hold a shutdown open past the drain.
    forceCloseConnections: 'idle',
    // HTTP/1.1 and HTTP/2 (prior-knowledge h2c, or ALPN with TLS) on the one port. Fastify's handler
    // takes the HTTP/2 compatibility objects as they are; the typing below is Fastify's default server.
    serverFactory: (handler) =>
      createDualProtocolServer(handler as DualRequestListener, {
        tls: options.tls,
        http1: { keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS, requestTimeout: 0 },
      }) as unknown as Server,
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/metrics', async (_request, reply) => {
    const { registry } = gateway.registry.routing.metrics;
    return reply.type(registry.contentType).send(await registry.metrics());
  });
  app.get('/readyz', async (_request, reply) => {
    if (gateway.closing) return reply.code(503).send({ status: 'shutting_down' });
    const { registry } = gateway;
    if (!gateway.keys.isAvailable()) {
      // Still serving from memory (fail-open) or refusing (fail-closed): either way, say so.
      return reply.code(503).send({ status: 'storage_unavailable', inflight: gateway.inflightCount });
    }
    return {
      status: 'ready',
      models: registry.entries.length,
      inflight: gateway.inflightCount,
      breakers: registry.routing.breakers.snapshot(registry.deployments),
    };
  });

  app.register(async (scope) => registerOpenAIRoutes(scope, gateway), { prefix: '/v1' });
  app.register(async (scope) => registerAzureOpenAIRoutes(scope, gateway), { prefix: '/openai' });
  app.register(async (scope) => registerBedrockRoutes(scope, gateway), { prefix: '/model' });
  app.register(async (scope) => registerAnthropicRoutes(scope, gateway), { prefix: ANTHROPIC_PREFIX });
  registerGeminiRoutes(app, gateway);
  if (options.admin !== undefined) registerAdminRoutes(app, options.admin);
  return app;
}

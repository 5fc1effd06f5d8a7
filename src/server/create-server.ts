import Fastify, { type FastifyInstance } from 'fastify';
import { registerAzureOpenAIRoutes } from '../dialects/azure-openai/routes.js';
import { registerOpenAIRoutes } from '../dialects/openai/routes.js';
import type { Gateway } from './gateway.js';

export interface ServerOptions {
  bodyLimitBytes: number;
}

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
  });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    if (gateway.closing) return reply.code(503).send({ status: 'shutting_down' });
    return { status: 'ready', models: gateway.registry.entries.length, inflight: gateway.inflightCount };
  });

  app.register(async (scope) => registerOpenAIRoutes(scope, gateway), { prefix: '/v1' });
  app.register(async (scope) => registerAzureOpenAIRoutes(scope, gateway), { prefix: '/openai' });
  return app;
}

import type { FastifyInstance } from 'fastify';
import { ANTHROPIC_PREFIX, registerAnthropicRoutes } from '../dialects/anthropic/routes.js';
import type { Gateway } from '../server/gateway.js';
import { ScriptedProvider } from './scripted-provider.js';
import type { DialectFixture } from './start-dialect-fixture.js';
import { startTestGateway } from './start-test-gateway.js';

export const ANTHROPIC_KEY = 'sk-cvg-test-anthropic-key-0123456789';
export const LIMITED_ANTHROPIC_KEY = 'sk-cvg-test-anthropic-haiku-012345';

/**
 * Mounts the Anthropic dialect unless `createServer` already does. The check runs when the plugin
 * loads, after the server's own plugins, so it sees their routes.
 */
function mountAnthropicDialect(app: FastifyInstance, gateway: Gateway): void {
  app.register(async (root) => {
    if (root.hasRoute({ method: 'POST', url: ANTHROPIC_PREFIX })) return;
    root.register(async (scope) => registerAnthropicRoutes(scope, gateway), { prefix: ANTHROPIC_PREFIX });
  });
}

/**
 * The setup for Anthropic dialect tests: one scripted provider behind `claude-sonnet-4-6` (alias
 * `sonnet`) and `claude-haiku-4-5`, an embedding model (chat on it is refused), a key for everything and a key limited to `claude-haiku-4-5`, and a 64 KiB body limit.
 *
 * @example
 * const fixture = await startAnthropicFixture();
 * const client = new Anthropic({ baseURL: fixture.url, apiKey: ANTHROPIC_KEY, maxRetries: 0 });
 */
export async function startAnthropicFixture(): Promise<DialectFixture> {
  const provider = new ScriptedProvider('scripted', 'anthropic');
  const gateway = await startTestGateway({
    providers: [provider],
    deployments: {
      'sonnet@scripted': { provider: 'scripted', model: 'claude-sonnet-4-6', processing: 'eu' },
      'haiku@scripted': { provider: 'scripted', model: 'claude-haiku-4-5-20251001', processing: 'eu' },
      'embed@scripted': { provider: 'scripted', model: 'text-embedding-3-small', processing: 'eu' },
    },
    models: {
      'claude-sonnet-4-6': { aliases: ['sonnet'], deployments: ['sonnet@scripted'] },
      'claude-haiku-4-5': { deployments: ['haiku@scripted'] },
      'text-embedding-3-small': { kind: 'embedding', deployments: ['embed@scripted'] },
    },
    keys: [
      { name: 'full', secret: ANTHROPIC_KEY },
      { name: 'limited', secret: LIMITED_ANTHROPIC_KEY, models: ['claude-haiku-4-5'] },
    ],
    bodyLimitBytes: 64 * 1024,
    registerRoutes: mountAnthropicDialect,
  });
  return { ...gateway, provider };
}

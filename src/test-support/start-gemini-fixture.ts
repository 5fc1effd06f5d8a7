import type { FastifyInstance } from 'fastify';
import { registerGeminiRoutes } from '../dialects/gemini/routes.js';
import type { Gateway } from '../server/gateway.js';
import { ScriptedProvider } from './scripted-provider.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

export const GEMINI_KEY = 'sk-cvg-test-gemini-key-0123456789abcd';
export const LIMITED_GEMINI_KEY = 'sk-cvg-test-gemini-flash-only-01234';

export interface GeminiFixture extends TestGateway {
  /** A `gemini`-type provider serving every Google model. */
  provider: ScriptedProvider;
  /** An `openai`-type provider behind `gpt-4o`: a non-Google target. */
  openaiProvider: ScriptedProvider;
}

/**
 * Mounts the Gemini dialect unless `createServer` already does. The check runs when the plugin
 * loads, after the server's own plugins, so it sees their routes.
 */
function mountGeminiDialect(app: FastifyInstance, gateway: Gateway): void {
  app.register(async (root) => {
    if (root.hasRoute({ method: 'POST', url: '/v1beta/*' })) return;
    registerGeminiRoutes(root, gateway);
  });
}

/**
 * The setup for Gemini / Vertex dialect tests: chat models `gemini-2.0-flash` (alias `flash`),
 * `gemini-2.5-pro` and `meta/llama-3.1-8b` on a scripted `gemini` provider, `gpt-4o` on a scripted
 * `openai` provider, embedding models `text-embedding-004` and `gemini-embedding-2-preview`, a key
 * for everything and a key limited to `gemini-2.0-flash`, and a 64 KiB body limit.
 *
 * @example
 * const fixture = await startGeminiFixture();
 * const ai = new GoogleGenAI({ apiKey: GEMINI_KEY, httpOptions: { baseUrl: fixture.url } });
 */
export async function startGeminiFixture(): Promise<GeminiFixture> {
  const provider = new ScriptedProvider('scripted', 'gemini');
  const openaiProvider = new ScriptedProvider('scripted-openai', 'openai');
  const gateway = await startTestGateway({
    providers: [provider, openaiProvider],
    deployments: {
      'flash@scripted': { provider: 'scripted', model: 'gemini-2.0-flash-001', processing: 'eu' },
      'pro@scripted': { provider: 'scripted', model: 'gemini-2.5-pro', processing: 'eu' },
      'llama@scripted': { provider: 'scripted', model: 'llama-3.1-8b-instruct-maas', processing: 'eu' },
      'gpt@openai': { provider: 'scripted-openai', model: 'gpt-4o', processing: 'eu' },
      'embed@scripted': { provider: 'scripted', model: 'text-embedding-004', processing: 'eu' },
      'gemini-embed@scripted': {
        provider: 'scripted',
        model: 'gemini-embedding-2-preview',
        processing: 'eu',
      },
    },
    models: {
      'gemini-2.0-flash': { aliases: ['flash'], deployments: ['flash@scripted'] },
      'gemini-2.5-pro': { deployments: ['pro@scripted'] },
      'meta/llama-3.1-8b': { deployments: ['llama@scripted'] },
      'gpt-4o': { deployments: ['gpt@openai'] },
      'text-embedding-004': { kind: 'embedding', deployments: ['embed@scripted'] },
      'gemini-embedding-2-preview': { kind: 'embedding', deployments: ['gemini-embed@scripted'] },
    },
    keys: [
      { name: 'full', secret: GEMINI_KEY },
      { name: 'limited', secret: LIMITED_GEMINI_KEY, models: ['gemini-2.0-flash'] },
    ],
    bodyLimitBytes: 64 * 1024,
    registerRoutes: mountGeminiDialect,
  });
  return { ...gateway, provider, openaiProvider };
}

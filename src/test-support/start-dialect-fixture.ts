import { ScriptedProvider } from './scripted-provider.js';
import { startTestGateway, type TestGateway } from './start-test-gateway.js';

export const FULL_KEY = 'sk-cvg-test-full-key-0123456789abcdef';
export const LIMITED_KEY = 'sk-cvg-test-limited-key-0123456789ab';

export interface DialectFixture extends TestGateway {
  /** Serves every model; its replies are scripted per test. */
  provider: ScriptedProvider;
}

/**
 * The standard setup for dialect tests: one scripted provider behind chat models `gpt-4o` (alias
 * `smart`) and `gpt-4o-mini`, the embedding model `text-embedding-3-small`, a key for everything
 * and a key limited to `gpt-4o-mini`, and a 64 KiB body limit.
 *
 * @example
 * const fixture = await startDialectFixture('openai');
 * fixture.provider.enqueue({ type: 'result', result: { content: [{ type: 'text', text: 'Hi' }] } });
 */
export async function startDialectFixture(providerType: string): Promise<DialectFixture> {
  const provider = new ScriptedProvider('scripted', providerType);
  const gateway = await startTestGateway({
    providers: [provider],
    deployments: {
      'gpt-4o@scripted': { provider: 'scripted', model: 'gpt-4o', processing: 'eu' },
      'gpt-4o-mini@scripted': { provider: 'scripted', model: 'gpt-4o-mini', processing: 'eu' },
      'embed@scripted': { provider: 'scripted', model: 'text-embedding-3-small', processing: 'eu' },
    },
    models: {
      'gpt-4o': { aliases: ['smart'], deployments: ['gpt-4o@scripted'] },
      'gpt-4o-mini': { deployments: ['gpt-4o-mini@scripted'] },
      'text-embedding-3-small': { kind: 'embedding', deployments: ['embed@scripted'] },
    },
    keys: [
      { name: 'full', secret: FULL_KEY },
      { name: 'limited', secret: LIMITED_KEY, models: ['gpt-4o-mini'] },
    ],
    bodyLimitBytes: 64 * 1024,
  });
  return { ...gateway, provider };
}

import type { ProviderConfig } from '../config/schema.js';
import { createAnthropicProvider } from './anthropic/anthropic-provider.js';
import { createAzureOpenAIProvider } from './azure-openai/azure-openai-provider.js';
import { createBedrockProvider } from './bedrock/bedrock-provider.js';
import { createGeminiProvider } from './gemini/gemini-provider.js';
import { createOpenAIProvider } from './openai/openai-provider.js';
import { createOpenAICompatibleProvider } from './openai-compatible/create-openai-compatible-provider.js';
import type { Provider, ProviderDependencies } from './provider.js';
import { createVertexProvider } from './vertex/vertex-provider.js';

type ProviderType = ProviderConfig['type'];
type ProviderFactory<T extends ProviderType> = (
  name: string,
  config: Extract<ProviderConfig, { type: T }>,
  dependencies: ProviderDependencies,
) => Provider;

/**
 * One line per provider type. `sandbox` is served in-process by the gateway itself, which
 * resolves it before calling `createProvider`; the entry makes a missed case fail loudly.
 */
const PROVIDER_FACTORIES: { [T in ProviderType]: ProviderFactory<T> } = {
  openai: createOpenAIProvider,
  'azure-openai': createAzureOpenAIProvider,
  'openai-compatible': createOpenAICompatibleProvider,
  bedrock: createBedrockProvider,
  anthropic: createAnthropicProvider,
  gemini: createGeminiProvider,
  vertex: createVertexProvider,
  sandbox: (name) => {
    throw new Error(`providers.${name}: sandbox providers are created by the gateway, not by createProvider`);
  },
};

/**
 * Builds the provider for one configured account.
 *
 * @example
 * const provider = createProvider('azure-eu', config.providers['azure-eu'], { http, log });
 */
export function createProvider(
  name: string,
  config: ProviderConfig,
  dependencies: ProviderDependencies,
): Provider {
  const factory = PROVIDER_FACTORIES[config.type] as ProviderFactory<ProviderType> | undefined;
  if (factory === undefined)
    throw new Error(`providers.${name}: provider type '${config.type}' is not available yet`);
  return factory(name, config, dependencies);
}

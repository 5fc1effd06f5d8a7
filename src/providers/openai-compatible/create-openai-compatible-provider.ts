import type { ProviderConfig } from '../../config/schema.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import { flavorChatOptions, OPENAI_COMPATIBLE_FLAVORS } from './flavors.js';
import { OpenAICompatibleProvider } from './openai-compatible-provider.js';

export type OpenAICompatibleConfig = Extract<ProviderConfig, { type: 'openai-compatible' }>;

/**
 * A self-hosted or third-party server speaking the OpenAI Chat Completions wire (vLLM, Ollama,
 * llama.cpp, …) at `{baseURL}/chat/completions` and `{baseURL}/embeddings`; the API key is optional.
 *
 * @example
 * createOpenAICompatibleProvider('local', { type: 'openai-compatible', baseURL: 'http://127.0.0.1:11434/v1', flavor: 'ollama' }, deps);
 */
export function createOpenAICompatibleProvider(
  name: string,
  config: OpenAICompatibleConfig,
  dependencies: ProviderDependencies,
): Provider {
  const baseURL = config.baseURL.replace(/\/+$/, '');
  const flavor = OPENAI_COMPATIBLE_FLAVORS[config.flavor];
  const chatOptions = flavorChatOptions(flavor, 'openai-compatible');
  const headers: Record<string, string> = {};
  // Lower-cased, so a configured `Authorization` cannot go out next to the one built from apiKey.
  for (const [key, value] of Object.entries(config.headers ?? {})) headers[key.toLowerCase()] = value;
  if (config.apiKey !== undefined) headers['authorization'] = `Bearer ${config.apiKey}`;
  return new OpenAICompatibleProvider({
    name,
    type: 'openai-compatible',
    http: dependencies.http,
    url: (operation) => `${baseURL}/${operation === 'chat' ? 'chat/completions' : 'embeddings'}`,
    headers: () => headers,
    chatOptions: () => chatOptions,
    extractResponseMetadata: flavor.extractResponseMetadata,
    extractChunkMetadata: flavor.extractChunkMetadata,
  });
}

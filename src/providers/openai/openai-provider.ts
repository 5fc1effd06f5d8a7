import type { ProviderConfig } from '../../config/schema.js';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import { openAIChatOptions } from './openai-chat-options.js';

export type OpenAIConfig = Extract<ProviderConfig, { type: 'openai' }>;

/**
 * The OpenAI API (`https://api.openai.com/v1` by default): Bearer key, optional organization and
 * project headers.
 *
 * @example
 * const openai = createOpenAIProvider('openai', { type: 'openai', apiKey, baseURL: 'https://api.openai.com/v1' }, deps);
 */
export function createOpenAIProvider(
  name: string,
  config: OpenAIConfig,
  dependencies: ProviderDependencies,
): Provider {
  const baseURL = config.baseURL.replace(/\/+$/, '');
  const headers: Record<string, string> = { authorization: `Bearer ${config.apiKey}` };
  if (config.organization !== undefined) headers['openai-organization'] = config.organization;
  if (config.project !== undefined) headers['openai-project'] = config.project;
  return new OpenAICompatibleProvider({
    name,
    type: 'openai',
    http: dependencies.http,
    url: (operation) => `${baseURL}/${operation === 'chat' ? 'chat/completions' : 'embeddings'}`,
    headers: () => headers,
    chatOptions: openAIChatOptions,
  });
}

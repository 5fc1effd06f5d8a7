import type { ProviderConfig } from '../../config/schema.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import { AnthropicMessagesClient } from './anthropic-messages-client.js';

export type AnthropicConfig = Extract<ProviderConfig, { type: 'anthropic' }>;

/**
 * The Anthropic API (`https://api.anthropic.com` by default): `POST {baseURL}/v1/messages` with
 * `x-api-key` and `anthropic-version`; the configured betas and a request's
 * `providerOptions.anthropic.betas` are joined into `anthropic-beta`. Anthropic has no embeddings API,
 * so the provider has no `embed`.
 *
 * @example
 * const anthropic = createAnthropicProvider('anthropic', { type: 'anthropic', apiKey, baseURL: 'https://api.anthropic.com', version: '2023-06-01', betas: [] }, deps);
 */
export function createAnthropicProvider(
  name: string,
  config: AnthropicConfig,
  dependencies: ProviderDependencies,
): Provider {
  const url = `${config.baseURL.replace(/\/+$/, '')}/v1/messages`;
  const client = new AnthropicMessagesClient(dependencies.http, {
    url: () => url,
    headers: (_signal, betas) => {
      const all = [...new Set([...config.betas, ...betas])];
      return {
        'x-api-key': config.apiKey,
        'anthropic-version': config.version,
        ...(all.length > 0 ? { 'anthropic-beta': all.join(',') } : {}),
      };
    },
    body: (body) => body,
  });
  return {
    name,
    type: 'anthropic',
    generate: (request, options) => client.generate(request, options),
    stream: (request, options) => client.stream(request, options),
  };
}

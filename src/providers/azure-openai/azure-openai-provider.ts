import type { ProviderConfig } from '../../config/schema.js';
import type { OpenAIChatOptions } from '../openai-compatible/convert-to-openai-chat-request.js';
import { OpenAICompatibleProvider } from '../openai-compatible/openai-compatible-provider.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import {
  extractAzureChunkMetadata,
  extractAzureResponseMetadata,
  mapAzureError,
} from './azure-content-filter.js';
import { createAzureCredential, type EntraCredentialConfig } from './create-azure-credential.js';
import { type AccessTokenProvider, createEntraTokenProvider } from './entra-token-provider.js';

const DEFAULT_SCOPE = 'https://cognitiveservices.azure.com/.default';

export type AzureOpenAIConfig = Extract<ProviderConfig, { type: 'azure-openai' }>;

export interface AzureOpenAIOptions {
  /** Replaces the credential built from config (tests, or a caller with its own identity setup). */
  tokenProvider?: AccessTokenProvider;
}

/**
 * Azure OpenAI's dated deployment API:
 * `POST {endpoint}/openai/deployments/{deployment}/chat/completions?api-version=…`, where the
 * model id is the deployment name. Auth is an `api-key` header or an Entra ID bearer token.
 *
 * @example
 * createAzureOpenAIProvider('azure-eu', { type: 'azure-openai', endpoint, apiKey, apiVersion: '2024-10-21' }, deps);
 */
export function createAzureOpenAIProvider(
  name: string,
  config: AzureOpenAIConfig,
  dependencies: ProviderDependencies,
  options: AzureOpenAIOptions = {},
): Provider {
  const endpoint = config.endpoint.replace(/\/+$/, '');
  const apiVersion = encodeURIComponent(config.apiVersion);
  const chatOptions = azureChatOptions(config.apiVersion);
  return new OpenAICompatibleProvider({
    name,
    type: 'azure-openai',
    http: dependencies.http,
    url: (operation, deployment) =>
      `${endpoint}/openai/deployments/${encodeURIComponent(deployment)}/${operation === 'chat' ? 'chat/completions' : 'embeddings'}?api-version=${apiVersion}`,
    headers: createAzureAuthHeaders(name, config, options.tokenProvider),
    chatOptions: () => chatOptions,
    extractResponseMetadata: extractAzureResponseMetadata,
    extractChunkMetadata: extractAzureChunkMetadata,
    mapError: mapAzureError,
  });
}

/**
 * `max_completion_tokens` and `stream_options` arrived with api-version 2024-09-01-preview; older
 * versions reject both as unrecognised arguments. Undated versions (`preview`, `latest`) are new.
 *
 * @example
 * azureChatOptions('2024-06-01').tokenCapField; // 'max_tokens'
 */
export function azureChatOptions(apiVersion: string): OpenAIChatOptions {
  const dated = /^\d{4}-\d{2}-\d{2}/.test(apiVersion);
  const modern = !dated || apiVersion >= '2024-09-01';
  return {
    providerType: 'azure-openai',
    tokenCapField: modern ? 'max_completion_tokens' : 'max_tokens',
    systemRole: 'system',
    supportsPdfFiles: false,
    unsupportedSettings: ['topK', 'metadata'],
    topKField: undefined,
    streamUsage: modern,
    metadataRequiresStore: false,
  };
}

function createAzureAuthHeaders(
  name: string,
  config: AzureOpenAIConfig,
  tokenProvider: AccessTokenProvider | undefined,
): (signal: AbortSignal) => Record<string, string> | Promise<Record<string, string>> {
  if (config.apiKey !== undefined && config.auth !== undefined) {
    throw new Error(`providers.${name}: set either apiKey or auth, not both`);
  }
  const auth =
    config.auth ?? (config.apiKey === undefined ? undefined : { type: 'api-key', apiKey: config.apiKey });
  if (auth === undefined && tokenProvider === undefined) {
    throw new Error(`providers.${name}: azure-openai needs apiKey or auth (api-key or entra)`);
  }
  if (auth?.type === 'api-key') {
    const headers = { 'api-key': auth.apiKey };
    return () => headers;
  }
  const tokens =
    tokenProvider ??
    createEntraTokenProvider({
      credential: credentialFor(name, auth ?? {}),
      scope: auth?.scope ?? DEFAULT_SCOPE,
    });
  return async (signal) => ({ authorization: `Bearer ${await tokens.getToken(signal)}` });
}

function credentialFor(name: string, auth: EntraCredentialConfig) {
  try {
    return createAzureCredential(auth);
  } catch (error: unknown) {
    throw new Error(`providers.${name}.${error instanceof Error ? error.message : String(error)}`);
  }
}

import type { ProviderConfig } from '../../config/schema.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import { embedWithGeminiApi } from './gemini-embeddings.js';
import { geminiResourceName } from './gemini-model-name.js';
import { type GeminiMethod, GeminiWireProvider } from './gemini-wire-provider.js';

export type GeminiConfig = Extract<ProviderConfig, { type: 'gemini' }>;

const API_VERSION = 'v1beta';

/**
 * The Gemini API (Google AI Studio keys): `POST {baseURL}/v1beta/models/{model}:generateContent`,
 * `:streamGenerateContent?alt=sse` and `:batchEmbedContents`, authenticated with `x-goog-api-key`.
 * The model id may be bare (`gemini-2.5-flash`) or a resource name (`models/…`, `tunedModels/…`).
 *
 * @example
 * createGeminiProvider('gemini', { type: 'gemini', apiKey: process.env.GEMINI_API_KEY!, baseURL: 'https://generativelanguage.googleapis.com' }, deps);
 */
export function createGeminiProvider(
  name: string,
  config: GeminiConfig,
  dependencies: ProviderDependencies,
): Provider {
  const base = `${config.baseURL.replace(/\/+$/, '')}/${API_VERSION}`;
  const headers = { 'x-goog-api-key': config.apiKey };
  const url = (modelId: string, method: GeminiMethod) =>
    `${base}/${escapePath(geminiResourceName(modelId))}:${method}${method === 'streamGenerateContent' ? '?alt=sse' : ''}`;
  return new GeminiWireProvider({
    name,
    type: 'gemini',
    http: dependencies.http,
    url,
    headers: () => headers,
    embed: (request, options, post) =>
      embedWithGeminiApi(request, options, post, url(options.modelId, 'batchEmbedContents')),
  });
}

function escapePath(name: string): string {
  return name.split('/').map(encodeURIComponent).join('/');
}

import type { ProviderConfig } from '../../config/schema.js';
import {
  createAnthropicVertexTransport,
  isAnthropicVertexModel,
} from '../anthropic/anthropic-vertex-transport.js';
import { type GeminiMethod, GeminiWireProvider } from '../gemini/gemini-wire-provider.js';
import type { Provider, ProviderDependencies } from '../provider.js';
import { createGoogleAuthHeaders, type GoogleAuthHeaders } from './google-auth-headers.js';
import { embedWithVertexPredict } from './vertex-embeddings.js';
import { vertexModelUrl, vertexOrigin } from './vertex-url.js';

export type VertexConfig = Extract<ProviderConfig, { type: 'vertex' }>;

export interface VertexOptions {
  /** Replaces the auth built from config (tests, or a caller with its own identity setup). */
  authHeaders?: GoogleAuthHeaders;
}

/**
 * Gemini on Vertex AI: `POST https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/
 * {location}/publishers/google/models/{model}:generateContent` (and `:streamGenerateContent?alt=sse`,
 * `:predict` for embeddings), with `global` and the `us`/`eu` multi-regions on their own hosts (see
 * `vertexOrigin`) and `endpoint` overriding the host. The wire is the Gemini one, shared with the
 * `gemini` provider — except Claude models (`claude-…`), which go to Anthropic's `rawPredict` wire on
 * the same host. Auth is an OAuth bearer token from ADC, a service account, or a fixed token.
 *
 * @example
 * createVertexProvider('vertex-eu', { type: 'vertex', project: 'acme', location: 'europe-west4', credentials: { type: 'adc' } }, deps);
 */
export function createVertexProvider(
  name: string,
  config: VertexConfig,
  dependencies: ProviderDependencies,
  options: VertexOptions = {},
): Provider {
  const target = {
    origin: vertexOrigin(config.location, config.endpoint),
    project: config.project,
    location: config.location,
  };
  const authHeaders = options.authHeaders ?? createGoogleAuthHeaders(name, config.credentials);
  const url = (modelId: string, method: GeminiMethod) =>
    `${vertexModelUrl(target, modelId, method)}${method === 'streamGenerateContent' ? '?alt=sse' : ''}`;
  const gemini = new GeminiWireProvider({
    name,
    type: 'vertex',
    http: dependencies.http,
    url,
    headers: authHeaders,
    embed: (request, callOptions, post) =>
      embedWithVertexPredict(request, callOptions, post, url(callOptions.modelId, 'predict')),
  });
  // Claude on Vertex speaks the Anthropic Messages wire (rawPredict) on the same host, with the same token.
  const claude = createAnthropicVertexTransport({
    http: dependencies.http,
    baseURL: target.origin,
    project: config.project,
    location: config.location,
    getAccessToken: async (signal) => {
      const headers = await authHeaders(target.origin, signal);
      return (headers['authorization'] ?? headers['Authorization'] ?? '').replace(/^Bearer\s+/i, '');
    },
  });
  return {
    name,
    type: 'vertex',
    generate: (request, callOptions) =>
      isAnthropicVertexModel(callOptions.modelId)
        ? claude.generate(request, callOptions)
        : gemini.generate(request, callOptions),
    stream: (request, callOptions) =>
      isAnthropicVertexModel(callOptions.modelId)
        ? claude.stream(request, callOptions)
        : gemini.stream(request, callOptions),
    embed: (request, callOptions) => gemini.embed(request, callOptions),
  };
}

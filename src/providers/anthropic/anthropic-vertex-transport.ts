import type { ChatRequest } from '../../core/chat-request.js';
import type { ChatResult } from '../../core/chat-result.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { HttpClient } from '../http/http-client.js';
import type { ProviderCallOptions } from '../provider.js';
import { AnthropicMessagesClient } from './anthropic-messages-client.js';

/** The `anthropic_version` Claude on Vertex requires in every body. */
export const ANTHROPIC_VERTEX_VERSION = 'vertex-2023-10-16';

const PUBLISHER_PREFIX = /^(?:.*\/)?publishers\/anthropic\/models\//;

export interface AnthropicVertexTransportOptions {
  http: HttpClient;
  /**
   * The Vertex origin, without the API version: `https://europe-west1-aiplatform.googleapis.com`
   * (see `anthropicVertexBaseURL`), a Private Service Connect endpoint, or a sandbox.
   */
  baseURL: string;
  project: string;
  location: string;
  /** A Google OAuth access token (scope cloud-platform); called per request, so it may rotate. */
  getAccessToken(signal: AbortSignal): Promise<string>;
}

/** The part of a Provider the Vertex provider delegates Claude models to. */
export interface AnthropicVertexTransport {
  generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>>;
}

/**
 * Whether a Vertex model id names a Claude model: `claude-…` or `publishers/anthropic/models/…`.
 * @example isAnthropicVertexModel('claude-3-7-sonnet@20250219') // true
 */
export function isAnthropicVertexModel(modelId: string): boolean {
  return modelId.startsWith('claude-') || PUBLISHER_PREFIX.test(modelId);
}

/** @example anthropicVertexModelName('publishers/anthropic/models/claude-opus-4-1@20250805') // 'claude-opus-4-1@20250805' */
export function anthropicVertexModelName(modelId: string): string {
  return modelId.replace(PUBLISHER_PREFIX, '');
}

/**
 * The default Vertex origin for a location: regional hosts, `global` without a region, and the
 * `us`/`eu` multi-regions on their `rep` hosts (as `@anthropic-ai/vertex-sdk` builds them).
 * @example anthropicVertexBaseURL('us-east5') // 'https://us-east5-aiplatform.googleapis.com'
 */
export function anthropicVertexBaseURL(location: string): string {
  if (location === 'global') return 'https://aiplatform.googleapis.com';
  if (location === 'us' || location === 'eu') return `https://aiplatform.${location}.rep.googleapis.com`;
  return `https://${location}-aiplatform.googleapis.com`;
}

/**
 * Claude on Vertex AI: the Messages wire at
 * `{baseURL}/v1/projects/{project}/locations/{location}/publishers/anthropic/models/{model}:rawPredict`
 * (`:streamRawPredict` when streaming) with `Authorization: Bearer <token>`. The body is the Messages
 * body without `model`, plus `anthropic_version: 'vertex-2023-10-16'` and betas as `anthropic_beta`.
 * Requests, answers, streams and errors convert exactly as for the `anthropic` provider.
 *
 * @example
 * const claude = createAnthropicVertexTransport({ http, baseURL, project, location, getAccessToken });
 * if (isAnthropicVertexModel(options.modelId)) return claude.generate(request, options);
 */
export function createAnthropicVertexTransport(
  options: AnthropicVertexTransportOptions,
): AnthropicVertexTransport {
  const base = `${options.baseURL.replace(/\/+$/, '')}/v1/projects/${encodeURIComponent(options.project)}/locations/${encodeURIComponent(options.location)}/publishers/anthropic/models`;
  const client = new AnthropicMessagesClient(options.http, {
    url: (modelId, stream) =>
      // `@` is legal in a path segment and is how Vertex writes model versions; keep it readable.
      `${base}/${encodeURIComponent(anthropicVertexModelName(modelId)).replaceAll('%40', '@')}:${stream ? 'streamRawPredict' : 'rawPredict'}`,
    headers: async (signal) => ({ authorization: `Bearer ${await options.getAccessToken(signal)}` }),
    body: ({ model: _model, ...body }, betas) => ({
      anthropic_version: ANTHROPIC_VERTEX_VERSION,
      ...body,
      ...(betas.length > 0 ? { anthropic_beta: [...betas] } : {}),
    }),
  });
  return {
    generate: (request, callOptions) => client.generate(request, callOptions),
    stream: (request, callOptions) => client.stream(request, callOptions),
  };
}

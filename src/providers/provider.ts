import type { Logger } from 'pino';
import type { ChatRequest } from '../core/chat-request.js';
import type { ChatResult } from '../core/chat-result.js';
import type { EmbedRequest, EmbedResult } from '../core/embed-request.js';
import type { StreamPart } from '../core/stream-part.js';
import type { HttpClient } from './http/http-client.js';

/** What a provider gets for one call. Providers never see the inbound HTTP request. */
export interface ProviderCallOptions {
  /** The upstream model id (OpenAI model, Azure deployment name, Bedrock model id …). */
  modelId: string;
  /** Aborted when the client goes away or the call times out; must cancel the upstream request. */
  signal: AbortSignal;
  requestId: string;
  log: Logger;
}

/**
 * One configured upstream account. `stream` resolves once the upstream has accepted the request
 * (2xx status and headers), so a rejection before any byte can still fail over; errors after that
 * arrive as an `error` part or a thrown error from the iterator.
 *
 * @example
 * const result = await provider.generate(request, { modelId: 'gpt-4o', signal, requestId, log });
 */
export interface Provider {
  /** The account name from config, e.g. `azure-eu`. */
  readonly name: string;
  /** The provider type, e.g. `azure-openai`; also the key for `providerOptions`. */
  readonly type: string;
  generate(request: ChatRequest, options: ProviderCallOptions): Promise<ChatResult>;
  stream(request: ChatRequest, options: ProviderCallOptions): Promise<AsyncIterable<StreamPart>>;
  embed?(request: EmbedRequest, options: ProviderCallOptions): Promise<EmbedResult>;
}

/** Shared services a provider factory receives. */
export interface ProviderDependencies {
  http: HttpClient;
  log: Logger;
}

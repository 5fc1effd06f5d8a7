import type { ChatResult, ProviderMetadata } from '../../core/chat-result.js';
import type { GatewayError } from '../../core/gateway-error.js';
import type { DialectId } from '../../pipeline/gateway-context.js';

/** The fields every chunk of one stream shares. */
export interface ChunkHeader {
  id: string;
  object: 'chat.completion.chunk';
  created: number;
  model: string;
}

/**
 * What differs between dialects that speak the OpenAI wire format (OpenAI, Azure OpenAI): headers,
 * error shape, and the extra annotations Azure adds. The OpenAI writers take one of these, so a
 * variant is a small object, not a copy of the writers.
 */
export interface WireFlavor {
  readonly dialect: DialectId;
  /** Headers naming the request on every response (`x-request-id`; Azure adds `apim-request-id`). */
  requestIdHeaders(requestId: string): Record<string, string>;
  /** The HTTP status and body for an error; the body is also the in-stream error event. */
  errorResponse(error: GatewayError): { status: number; body: unknown };
  /** Extra top-level and choice fields for a completed chat result. */
  completionFields?(result: ChatResult): {
    completion?: Record<string, unknown>;
    choice?: Record<string, unknown>;
  };
  /** Chunks to write for a stream `metadata` part; without this hook such parts write nothing. */
  metadataChunks?(metadata: ProviderMetadata, header: ChunkHeader): unknown[];
  /** Extra fields for the final choice chunk, from the finish part's metadata. */
  finishChoiceFields?(metadata: ProviderMetadata | undefined): Record<string, unknown> | undefined;
}

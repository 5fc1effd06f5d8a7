import type { ServerResponse } from 'node:http';
import type { Http2ServerResponse } from 'node:http2';
import type { ChatResult } from '../core/chat-result.js';
import type { EmbedResult } from '../core/embed-request.js';
import type { GatewayError } from '../core/gateway-error.js';
import type { StreamPart } from '../core/stream-part.js';
import type { GatewayContext } from '../pipeline/gateway-context.js';

/** The raw response a writer writes to: HTTP/1.1 or HTTP/2 (compatibility API). */
export type RawResponse = ServerResponse | Http2ServerResponse;

/**
 * How one dialect puts canonical results on the wire. The exchange has already set the common
 * `x-converge-*` headers with `setHeader`; writers add theirs with `writeHead`, which merges.
 */
export interface DialectWriter {
  writeChatResult(response: RawResponse, context: GatewayContext, result: ChatResult): void;
  writeEmbedResult(response: RawResponse, context: GatewayContext, result: EmbedResult): void;
  /**
   * Writes the stream as parts arrive (never buffering the whole), ending the response. An `error`
   * part or a throw from the iterator becomes the dialect's in-stream error event.
   */
  writeStream(
    response: RawResponse,
    context: GatewayContext,
    stream: AsyncIterable<StreamPart>,
  ): Promise<void>;
  /** Writes an error before any byte was sent, in the dialect's shape, status and headers. */
  writeError(response: RawResponse, error: GatewayError, context: GatewayContext | undefined): void;
}

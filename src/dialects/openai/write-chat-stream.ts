import { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { type StreamFramer, writeStreamBatched } from '../write-stream-batched.js';
import { ChatChunkBuilder } from './chat-chunk-builder.js';
import type { WireFlavor } from './wire-flavor.js';
import { completionId, createdSeconds } from './write-chat-response.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

export interface ChatStreamOptions {
  flavor: WireFlavor;
  includeUsage: boolean;
}

/** `data:` events for the chunks of each part, `data: [DONE]` at the end. */
function chatStreamFramer(builder: ChatChunkBuilder, flavor: WireFlavor): StreamFramer {
  return {
    framesFor: (part, batch) => batch.add(builder.eventsFor(part)),
    closing: () =>
      builder.isFinished
        ? 'data: [DONE]\n\n'
        : new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.'),
    errorFrame: (error) => `data: ${JSON.stringify(flavor.errorResponse(error).body)}\n\n`,
  };
}

/**
 * Writes a canonical stream as OpenAI server-sent events: `data: <chunk>` per part as it arrives
 * (the events of one upstream read in one write), `data: [DONE]` at the end, no `event:` lines. An
 * `error` part, a throw, or a stream that ends without finishing becomes a `data: {"error": …}`
 * event (the SDK throws `APIError` on it). When the client goes away the loop stops and the stream
 * is closed, which cancels the upstream.
 *
 * @example
 * await writeChatStream(response, context, stream, { flavor: openAIFlavor, includeUsage: true });
 */
export async function writeChatStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  options: ChatStreamOptions,
): Promise<void> {
  const { flavor } = options;
  response.writeHead(200, { ...flavor.requestIdHeaders(context.requestId), ...SSE_HEADERS });
  const model = context.modelServed ?? context.target?.modelId ?? context.parsed?.request.model ?? '';
  const header = {
    id: completionId(context.requestId),
    object: 'chat.completion.chunk' as const,
    created: createdSeconds(context),
    model,
  };
  const builder = new ChatChunkBuilder(header, flavor, options.includeUsage);
  const iterator = stream[Symbol.asyncIterator]();
  await writeStreamBatched(response, context, iterator, chatStreamFramer(builder, flavor));
}

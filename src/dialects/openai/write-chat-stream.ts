import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { ChatChunkBuilder } from './chat-chunk-builder.js';
import type { WireFlavor } from './wire-flavor.js';
import { completionId, createdSeconds } from './write-chat-response.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

function isGone(response: RawResponse): boolean {
  return response.destroyed || response.writableEnded;
}

/** Resolves when the socket buffer drained or the response closed, whichever comes first. */
function drained(response: RawResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      response.off('drain', done);
      response.off('close', done);
      resolve();
    };
    response.on('drain', done);
    response.on('close', done);
  });
}

/** The one write signature HTTP/1.1 and HTTP/2 responses share. */
type TextSink = { write(chunk: string): boolean };

/** Writes one `data:` event, honouring backpressure so a slow client never makes the gateway buffer. */
async function writeEvent(response: RawResponse, data: unknown): Promise<void> {
  if (isGone(response)) return;
  const sink: TextSink = response;
  if (!sink.write(`data: ${JSON.stringify(data)}\n\n`) && !isGone(response)) await drained(response);
}

function endWithError(
  response: RawResponse,
  context: GatewayContext,
  error: GatewayError,
  flavor: WireFlavor,
): void {
  context.error ??= error;
  if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
  if (isGone(response)) return;
  response.end(`data: ${JSON.stringify(flavor.errorResponse(error).body)}\n\n`);
}

export interface ChatStreamOptions {
  flavor: WireFlavor;
  includeUsage: boolean;
}

/**
 * Writes a canonical stream as OpenAI server-sent events: `data: <chunk>` per part as it arrives,
 * `data: [DONE]` at the end, no `event:` lines. An `error` part, a throw, or a stream that ends
 * without finishing becomes a `data: {"error": …}` event (the SDK throws `APIError` on it). When the
 * client goes away the loop stops and the stream is closed, which cancels the upstream.
 */
export async function writeChatStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  options: ChatStreamOptions,
): Promise<void> {
  const { flavor } = options;
  response.writeHead(200, { ...flavor.requestIdHeaders(context.requestId), ...SSE_HEADERS });
  // Headers go out now: a reasoning model may think for a while before its first visible token.
  if ('flushHeaders' in response) response.flushHeaders();
  const model = context.modelServed ?? context.target?.modelId ?? context.parsed?.request.model ?? '';
  const header = {
    id: completionId(context.requestId),
    object: 'chat.completion.chunk' as const,
    created: createdSeconds(context),
    model,
  };
  const builder = new ChatChunkBuilder(header, flavor, options.includeUsage);
  const iterator = stream[Symbol.asyncIterator]();
  try {
    while (!isGone(response)) {
      const next = await iterator.next();
      if (next.done === true) break;
      if (next.value.type === 'error') return endWithError(response, context, next.value.error, flavor);
      for (const chunk of builder.chunksFor(next.value)) await writeEvent(response, chunk);
    }
    if (isGone(response)) return;
    if (!builder.isFinished) {
      const error = new GatewayError(
        'upstream_bad_response',
        'The upstream stream ended before it finished.',
      );
      return endWithError(response, context, error, flavor);
    }
    response.end('data: [DONE]\n\n');
  } catch (error: unknown) {
    endWithError(response, context, toGatewayError(error), flavor);
  } finally {
    try {
      await iterator.return?.();
    } catch (error: unknown) {
      context.log.debug({ err: error }, 'closing the stream failed');
    }
  }
}

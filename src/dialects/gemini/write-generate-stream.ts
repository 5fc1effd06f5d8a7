import { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { type StreamFramer, writeStreamBatched } from '../write-stream-batched.js';
import { GeminiChunkBuilder } from './gemini-chunk-builder.js';
import type { GeminiWriterOptions } from './gemini-writer-options.js';
import { googleErrorResponse } from './write-error.js';
import { responseHeaderFields } from './write-generate-response.js';

/** How chunks are framed: server-sent events (`alt=sse`) or the elements of one JSON array. */
interface Framing {
  headers: Record<string, string>;
  frame(json: string, first: boolean): string;
  end(empty: boolean): string;
}

const SSE: Framing = {
  headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', 'x-accel-buffering': 'no' },
  // Google's frontends end each event with CRLF CRLF; the SDK splits on it (and on LF LF).
  frame: (json) => `data: ${json}\r\n\r\n`,
  end: () => '',
};

const JSON_ARRAY: Framing = {
  headers: { 'content-type': 'application/json; charset=UTF-8', 'cache-control': 'no-cache' },
  frame: (json, first) => `${first ? '[' : ',\r\n'}${json}`,
  end: (empty) => (empty ? '[]' : ']'),
};

/** One chunk per part that shows something; failures become a final `{"error": …}` element. */
function generateStreamFramer(
  builder: GeminiChunkBuilder,
  framing: Framing,
  options: GeminiWriterOptions,
): StreamFramer {
  let written = 0;
  return {
    framesFor: (part, batch) => {
      const chunk = builder.chunkFor(part);
      if (chunk !== undefined) batch.add(framing.frame(JSON.stringify(chunk), written++ === 0));
    },
    closing: () =>
      builder.isFinished
        ? framing.end(written === 0)
        : new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.'),
    errorFrame: (error) => {
      const json = JSON.stringify(googleErrorResponse(error, options.flavor).body);
      return framing.frame(json, written === 0) + framing.end(false);
    },
  };
}

/**
 * Writes a canonical stream as Gemini `streamGenerateContent` output, one chunk per part as it
 * arrives (the chunks of one upstream read in one write). An `error` part, a throw, or a stream
 * that ends without finishing becomes a final `{"error": {code, status, …}}` element (the SDK
 * throws it as `ApiError`), never a silent end. When the client goes away the loop stops and the
 * stream is closed, cancelling the upstream.
 *
 * @example
 * await writeGenerateStream(response, context, stream, options);
 */
export async function writeGenerateStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  options: GeminiWriterOptions,
): Promise<void> {
  const framing = options.streamFormat === 'sse' ? SSE : JSON_ARRAY;
  response.writeHead(200, framing.headers);
  const model = context.modelServed ?? context.target?.modelId ?? context.parsed?.request.model ?? '';
  const builder = new GeminiChunkBuilder(
    responseHeaderFields(context, model, options),
    options.extras.includeThoughts,
  );
  const iterator = stream[Symbol.asyncIterator]();
  await writeStreamBatched(response, context, iterator, generateStreamFramer(builder, framing, options));
}

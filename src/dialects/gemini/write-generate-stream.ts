import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
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

function isGone(response: RawResponse): boolean {
  return response.destroyed || response.writableEnded;
}

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

/** Writes text honouring backpressure, so a slow client never makes the gateway buffer. */
async function writeText(response: RawResponse, text: string): Promise<void> {
  if (isGone(response)) return;
  const sink: { write(chunk: string): boolean } = response;
  if (!sink.write(text) && !isGone(response)) await drained(response);
}

/**
 * Writes a canonical stream as Gemini `streamGenerateContent` output, one chunk per part as it
 * arrives. An `error` part, a throw, or a stream that ends without finishing becomes a final
 * `{"error": {code, status, …}}` element (the SDK throws it as `ApiError`), never a silent end.
 * When the client goes away the loop stops and the stream is closed, cancelling the upstream.
 */
export async function writeGenerateStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  options: GeminiWriterOptions,
): Promise<void> {
  const framing = options.streamFormat === 'sse' ? SSE : JSON_ARRAY;
  response.writeHead(200, framing.headers);
  if ('flushHeaders' in response) response.flushHeaders();
  const model = context.modelServed ?? context.target?.modelId ?? context.parsed?.request.model ?? '';
  const builder = new GeminiChunkBuilder(
    responseHeaderFields(context, model, options),
    options.extras.includeThoughts,
  );
  let written = 0;
  const endWithError = (error: GatewayError) => {
    context.error ??= error;
    if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
    if (isGone(response)) return;
    const json = JSON.stringify(googleErrorResponse(error, options.flavor).body);
    response.end(framing.frame(json, written === 0) + framing.end(false));
  };
  const iterator = stream[Symbol.asyncIterator]();
  try {
    while (!isGone(response)) {
      const next = await iterator.next();
      if (next.done === true) break;
      if (next.value.type === 'error') return endWithError(next.value.error);
      const chunk = builder.chunkFor(next.value);
      if (chunk !== undefined)
        await writeText(response, framing.frame(JSON.stringify(chunk), written++ === 0));
    }
    if (isGone(response)) return;
    if (!builder.isFinished) {
      return endWithError(
        new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.'),
      );
    }
    response.end(framing.end(written === 0));
  } catch (error: unknown) {
    endWithError(toGatewayError(error));
  } finally {
    try {
      await iterator.return?.();
    } catch (error: unknown) {
      context.log.debug({ err: error }, 'closing the stream failed');
    }
  }
}

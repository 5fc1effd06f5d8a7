import { encodeException } from '../../aws/event-stream.js';
import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { type StreamOperation, streamExceptionFor } from './write-error.js';

/** Turns canonical parts into encoded event-stream messages for one operation. */
export interface EventStreamEncoder {
  /** Messages sent right after the headers (e.g. `messageStart`). */
  opening(): Uint8Array[];
  framesFor(part: StreamPart): Uint8Array[];
  /** True once the final messages (stop reason, usage) were produced. */
  readonly isFinished: boolean;
}

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
type ByteSink = { write(chunk: Uint8Array): boolean };

async function writeFrame(response: RawResponse, frame: Uint8Array): Promise<void> {
  if (isGone(response)) return;
  const sink: ByteSink = response;
  if (!sink.write(frame) && !isGone(response)) await drained(response);
}

function endWithException(
  response: RawResponse,
  context: GatewayContext,
  error: GatewayError,
  operation: StreamOperation,
): void {
  context.error ??= error;
  if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
  if (isGone(response)) return;
  response.end(encodeException(streamExceptionFor(error, operation), error.message));
}

export interface EventStreamOptions {
  operation: StreamOperation;
  headers: Record<string, string>;
}

/**
 * Writes a canonical stream as an AWS event stream (`application/vnd.amazon.eventstream`): each
 * part's messages as soon as it arrives, honouring backpressure. An `error` part, a throw, or a
 * stream that ends before finishing becomes an in-stream exception message, which the AWS SDK
 * throws from its iterator — never a silent end. When the client goes away the loop stops and the
 * stream is closed, which cancels the upstream.
 *
 * @example
 * await writeEventStream(response, context, stream, new ConverseStreamEncoder(context), {
 *   operation: 'converse',
 *   headers: {},
 * });
 */
export async function writeEventStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  encoder: EventStreamEncoder,
  options: EventStreamOptions,
): Promise<void> {
  response.writeHead(200, {
    ...options.headers,
    'content-type': 'application/vnd.amazon.eventstream',
    'x-amzn-requestid': context.requestId,
  });
  // Headers go out now: a reasoning model may think for a while before its first token.
  if ('flushHeaders' in response) response.flushHeaders();
  const iterator = stream[Symbol.asyncIterator]();
  try {
    for (const frame of encoder.opening()) await writeFrame(response, frame);
    while (!isGone(response)) {
      const next = await iterator.next();
      if (next.done === true) break;
      const part = next.value;
      if (part.type === 'error') return endWithException(response, context, part.error, options.operation);
      for (const frame of encoder.framesFor(part)) await writeFrame(response, frame);
    }
    if (isGone(response)) return;
    if (!encoder.isFinished) {
      const error = new GatewayError(
        'upstream_bad_response',
        'The upstream stream ended before it finished.',
      );
      return endWithException(response, context, error, options.operation);
    }
    response.end();
  } catch (error: unknown) {
    endWithException(response, context, toGatewayError(error), options.operation);
  } finally {
    try {
      await iterator.return?.();
    } catch (error: unknown) {
      context.log.debug({ err: error }, 'closing the stream failed');
    }
  }
}

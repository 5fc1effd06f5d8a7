import { encodeException } from '../../aws/event-stream.js';
import { GatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { type StreamFramer, writeStreamBatched } from '../write-stream-batched.js';
import { type StreamOperation, streamExceptionFor } from './write-error.js';

/** Turns canonical parts into encoded event-stream messages for one operation. */
export interface EventStreamEncoder {
  /** Messages sent right after the headers (e.g. `messageStart`). */
  opening(): Uint8Array[];
  framesFor(part: StreamPart): Uint8Array[];
  /** True once the final messages (stop reason, usage) were produced. */
  readonly isFinished: boolean;
}

export interface EventStreamOptions {
  operation: StreamOperation;
  headers: Record<string, string>;
}

/** Binary event-stream messages; failures become an in-stream exception message. */
function eventStreamFramer(encoder: EventStreamEncoder, operation: StreamOperation): StreamFramer {
  return {
    opening: (batch) => {
      for (const frame of encoder.opening()) batch.add(frame);
    },
    framesFor: (part, batch) => {
      for (const frame of encoder.framesFor(part)) batch.add(frame);
    },
    closing: () =>
      encoder.isFinished
        ? ''
        : new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.'),
    errorFrame: (error) => encodeException(streamExceptionFor(error, operation), error.message),
  };
}

/**
 * Writes a canonical stream as an AWS event stream (`application/vnd.amazon.eventstream`): each
 * part's messages as soon as it arrives (the messages of one upstream read in one write),
 * honouring backpressure. An `error` part, a throw, or a stream that ends before finishing becomes
 * an in-stream exception message, which the AWS SDK throws from its iterator — never a silent end.
 * When the client goes away the loop stops and the stream is closed, which cancels the upstream.
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
  const iterator = stream[Symbol.asyncIterator]();
  await writeStreamBatched(response, context, iterator, eventStreamFramer(encoder, options.operation));
}

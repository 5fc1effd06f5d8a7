import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import {
  closeStream,
  isGone,
  recordStreamFailure,
  type StreamFramer,
  writeStreamBatched,
} from '../write-stream-batched.js';
import { announceWarnings } from './announce-warnings.js';
import type { SseEvent } from './block-sequencer.js';
import { MessageEventBuilder } from './message-event-builder.js';
import { anthropicErrorBody, anthropicRequestId, writeAnthropicError } from './write-error.js';
import { messageId, responseModel } from './write-message-response.js';

const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache',
  'x-accel-buffering': 'no',
};

function frame(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

function unfinished(): GatewayError {
  return new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.');
}

/** Nothing was written yet: the failure can still be an HTTP error status, as Anthropic's own are. */
function failBeforeStream(response: RawResponse, context: GatewayContext, error: GatewayError): void {
  recordStreamFailure(context, error);
  if (!isGone(response)) writeAnthropicError(response, error, context.requestId);
}

/** Writes the SSE headers and returns the builder that turns parts into events. */
function startEventStream(response: RawResponse, context: GatewayContext, warnings: readonly Warning[]) {
  announceWarnings(response, context, warnings);
  response.writeHead(200, { 'request-id': anthropicRequestId(context.requestId), ...SSE_HEADERS });
  const request = context.parsed?.operation === 'chat' ? context.parsed.request : undefined;
  return new MessageEventBuilder(
    { id: messageId(context.requestId), model: responseModel(context) },
    request,
  );
}

/** `event:` + `data:` per event, no `[DONE]`; failures become an `event: error` frame. */
function messageStreamFramer(builder: MessageEventBuilder, context: GatewayContext): StreamFramer {
  return {
    framesFor: (part, batch) => {
      for (const event of builder.eventsFor(part)) batch.add(frame(event));
    },
    closing: () => (builder.isFinished ? '' : unfinished()),
    errorFrame: (error) =>
      frame({ event: 'error', data: { ...anthropicErrorBody(error, context.requestId) } }),
  };
}

/** The first part, or the error that fails the request before any byte was sent. */
async function pullFirst(iterator: AsyncIterator<StreamPart>): Promise<StreamPart | GatewayError> {
  try {
    const first = await iterator.next();
    if (first.done === true) return unfinished();
    return first.value.type === 'error' ? first.value.error : first.value;
  } catch (error: unknown) {
    return toGatewayError(error);
  }
}

/**
 * Writes a canonical stream as Anthropic server-sent events (`event:` + `data:` per frame, no
 * `[DONE]`), each part as soon as it arrives (the events of one upstream read in one write). A
 * stream that fails before its first part answers with an HTTP error (the SDK can retry it, as
 * with Anthropic's own 529); an `error` part later, a throw, or a stream that ends without
 * finishing becomes an `event: error` frame (the SDK's iterator throws an APIError on it). When the
 * client goes away the loop stops and the upstream stream is closed.
 *
 * @example
 * await writeMessageStream(response, context, stream, []);
 */
export async function writeMessageStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  warnings: readonly Warning[],
): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await pullFirst(iterator);
  if (first instanceof GatewayError) {
    failBeforeStream(response, context, first);
    return closeStream(iterator, context);
  }
  let builder: MessageEventBuilder;
  try {
    builder = startEventStream(response, context, warnings);
  } catch (error: unknown) {
    failBeforeStream(response, context, toGatewayError(error));
    return closeStream(iterator, context);
  }
  await writeStreamBatched(response, context, iterator, messageStreamFramer(builder, context), { first });
}

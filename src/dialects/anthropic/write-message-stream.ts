import { GatewayError, toGatewayError } from '../../core/gateway-error.js';
import type { StreamPart } from '../../core/stream-part.js';
import type { Warning } from '../../core/warning.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
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

function frame(event: SseEvent): string {
  return `event: ${event.event}\ndata: ${JSON.stringify(event.data)}\n\n`;
}

/** Writes events as one chunk, honouring backpressure so a slow client never makes the gateway buffer. */
async function writeEvents(response: RawResponse, events: readonly SseEvent[]): Promise<void> {
  if (events.length === 0 || isGone(response)) return;
  const sink: TextSink = response;
  if (!sink.write(events.map(frame).join('')) && !isGone(response)) await drained(response);
}

function endWithError(response: RawResponse, context: GatewayContext, error: GatewayError): void {
  context.error ??= error;
  if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
  if (isGone(response)) return;
  response.end(frame({ event: 'error', data: { ...anthropicErrorBody(error, context.requestId) } }));
}

function unfinished(): GatewayError {
  return new GatewayError('upstream_bad_response', 'The upstream stream ended before it finished.');
}

/** Nothing was written yet: the failure can still be an HTTP error status, as Anthropic's own are. */
function failBeforeStream(response: RawResponse, context: GatewayContext, error: GatewayError): void {
  context.error ??= error;
  if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
  if (!isGone(response)) writeAnthropicError(response, error, context.requestId);
}

/** Writes the SSE headers and returns the builder that turns parts into events. */
function startEventStream(response: RawResponse, context: GatewayContext, warnings: readonly Warning[]) {
  announceWarnings(response, context, warnings);
  response.writeHead(200, { 'request-id': anthropicRequestId(context.requestId), ...SSE_HEADERS });
  // Headers go out now: a thinking model may take a while before its first block.
  if ('flushHeaders' in response) response.flushHeaders();
  const request = context.parsed?.operation === 'chat' ? context.parsed.request : undefined;
  return new MessageEventBuilder(
    { id: messageId(context.requestId), model: responseModel(context) },
    request,
  );
}

/**
 * Writes a canonical stream as Anthropic server-sent events (`event:` + `data:` per frame, no
 * `[DONE]`), each part as soon as it arrives. A stream that fails before its first part answers
 * with an HTTP error (the SDK can retry it, as with Anthropic's own 529); an `error` part later, a
 * throw, or a stream that ends without finishing becomes an `event: error` frame (the SDK's
 * iterator throws an APIError on it). When the client goes away the loop stops and the upstream
 * stream is closed.
 */
export async function writeMessageStream(
  response: RawResponse,
  context: GatewayContext,
  stream: AsyncIterable<StreamPart>,
  warnings: readonly Warning[],
): Promise<void> {
  const iterator = stream[Symbol.asyncIterator]();
  let builder: MessageEventBuilder | undefined;
  try {
    const first = await iterator.next();
    if (first.done === true) return failBeforeStream(response, context, unfinished());
    if (first.value.type === 'error') return failBeforeStream(response, context, first.value.error);
    builder = startEventStream(response, context, warnings);
    let next: IteratorResult<StreamPart> = first;
    while (next.done !== true && !isGone(response)) {
      if (next.value.type === 'error') return endWithError(response, context, next.value.error);
      await writeEvents(response, builder.eventsFor(next.value));
      next = await iterator.next();
    }
    if (isGone(response)) return;
    if (!builder.isFinished) return endWithError(response, context, unfinished());
    response.end();
  } catch (error: unknown) {
    if (builder === undefined) failBeforeStream(response, context, toGatewayError(error));
    else endWithError(response, context, toGatewayError(error));
  } finally {
    try {
      await iterator.return?.();
    } catch (error: unknown) {
      context.log.debug({ err: error }, 'closing the stream failed');
    }
  }
}

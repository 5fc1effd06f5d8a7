import { GatewayError, toGatewayError } from '../core/gateway-error.js';
import type { StreamPart } from '../core/stream-part.js';
import type { GatewayContext } from '../pipeline/gateway-context.js';
import type { RawResponse } from './dialect-writer.js';
import { FrameBatch, isGone, type WireChunk } from './frame-batch.js';

export { FrameBatch, isGone, type WireChunk } from './frame-batch.js';

/** How one dialect frames a canonical stream; the batching, backpressure and error paths are shared. */
export interface StreamFramer {
  /** Frames sent right after the headers, before the first part (Bedrock's `messageStart`). */
  opening?(batch: FrameBatch): void;
  /** Adds the frames of one part to the batch (nothing for parts the dialect does not show). */
  framesFor(part: StreamPart, batch: FrameBatch): void;
  /** What ends a stream that finished properly, or the error when it ended before finishing. */
  closing(): WireChunk | GatewayError;
  /** The in-stream error frame that ends a failed stream. */
  errorFrame(error: GatewayError): WireChunk;
}

export interface StreamWriteOptions {
  /** A part the dialect already pulled (to decide on the status before the headers). */
  first?: StreamPart;
}

/**
 * Records a stream failure on the context, logging what is not the upstream's fault.
 *
 * @example
 * recordStreamFailure(context, new GatewayError('upstream_bad_response', 'cut'));
 */
export function recordStreamFailure(context: GatewayContext, error: GatewayError): void {
  context.error ??= error;
  if (error.code === 'internal_error') context.log.error({ err: error.cause ?? error }, 'stream failed');
}

/**
 * Closes the part iterator (which cancels the upstream when it did not finish), never throwing.
 *
 * @example
 * await closeStream(iterator, context);
 */
export async function closeStream(
  iterator: AsyncIterator<StreamPart>,
  context: GatewayContext,
): Promise<void> {
  try {
    await iterator.return?.();
  } catch (error: unknown) {
    context.log.debug({ err: error }, 'closing the stream failed');
  }
}

function endWithError(
  context: GatewayContext,
  batch: FrameBatch,
  framer: StreamFramer,
  error: GatewayError,
): void {
  recordStreamFailure(context, error);
  batch.end(framer.errorFrame(error));
}

/**
 * Headers leave with the first frames (one write); when no frame is ready by the end of this turn
 * of the event loop (a model still thinking), they leave alone, so the client sees the stream open.
 */
function flushHeadersWhenIdle(response: RawResponse, batch: FrameBatch): void {
  setImmediate(() => {
    if (isGone(response) || batch.hasWritten) return;
    if ('flushHeaders' in response) response.flushHeaders();
  });
}

/** Pulls parts until the stream ends, fails or the client leaves; frames are batched per event-loop turn. */
async function pumpParts(
  response: RawResponse,
  context: GatewayContext,
  iterator: AsyncIterator<StreamPart>,
  framer: StreamFramer,
  batch: FrameBatch,
  first: StreamPart | undefined,
): Promise<void> {
  let part = first;
  while (true) {
    if (part !== undefined) {
      if (part.type === 'error') return endWithError(context, batch, framer, part.error);
      framer.framesFor(part, batch);
    }
    const backpressure = batch.backpressure;
    if (backpressure !== undefined) await backpressure;
    if (isGone(response)) return;
    const next = await iterator.next();
    if (next.done === true) break;
    part = next.value;
  }
  if (isGone(response)) return;
  const closing = framer.closing();
  if (closing instanceof GatewayError) return endWithError(context, batch, framer, closing);
  batch.end(closing);
}

/**
 * Writes a canonical stream with the frames of one upstream read gathered into a single `write`
 * (flushed once the turn's microtasks are done, or sooner past 64 KiB), instead of one `write` per
 * event. Backpressure: when a write reports a full socket buffer, nothing more is written and no
 * further part is pulled until `drain`, so a slow client never makes the gateway buffer more than
 * about one upstream read. An `error` part, a throw, or a stream that ends before finishing ends
 * the response with the dialect's error frame after the frames already produced. When the client
 * goes away the loop stops; the iterator is always closed, which cancels an unfinished upstream.
 * The caller sets the status and headers (`writeHead`); they go out with the first frames, or on
 * their own at the end of this turn of the event loop when no frame is ready yet.
 *
 * @example
 * response.writeHead(200, { 'content-type': 'text/event-stream' });
 * await writeStreamBatched(response, context, stream[Symbol.asyncIterator](), {
 *   framesFor: (part, batch) => {
 *     if (part.type === 'text-delta') batch.add(`data: ${JSON.stringify(part.delta)}\n\n`);
 *   },
 *   closing: () => 'data: [DONE]\n\n',
 *   errorFrame: (error) => `data: ${JSON.stringify({ error: error.message })}\n\n`,
 * });
 */
export async function writeStreamBatched(
  response: RawResponse,
  context: GatewayContext,
  iterator: AsyncIterator<StreamPart>,
  framer: StreamFramer,
  options: StreamWriteOptions = {},
): Promise<void> {
  const batch = new FrameBatch(response);
  flushHeadersWhenIdle(response, batch);
  try {
    framer.opening?.(batch);
    await pumpParts(response, context, iterator, framer, batch, options.first);
    batch.rethrowFailure();
  } catch (error: unknown) {
    endWithError(context, batch, framer, toGatewayError(error));
  } finally {
    await closeStream(iterator, context);
  }
}

import type { Logger } from 'pino';
import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import { releaseBodyOnEarlyExit, type StreamControl } from '../http/release-body-on-early-exit.js';
import type { StreamBody } from '../openai-compatible/openai-chat-stream.js';
import {
  parseServerSentEventBatches,
  type ServerSentEvent,
} from '../openai-compatible/parse-server-sent-events.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import { type AnthropicStreamEvent, anthropicStreamEventSchema } from './anthropic-api-schemas.js';
import { AnthropicStreamState, type AnthropicStreamStateOptions } from './anthropic-stream-state.js';
import { mapAnthropicStreamError } from './map-anthropic-error.js';

/** Checks a usual event without zod; zod still judges (and explains) anything unusual. */
const parseStreamEvent = compileShapeCheck(anthropicStreamEventSchema);

/** How long the rest of a body may take to arrive after `message_stop` before its connection is dropped. */
const DRAIN_AFTER_STOP_MS = 5_000;

export interface AnthropicStreamOptions extends AnthropicStreamStateOptions {
  url: string;
  signal: AbortSignal;
  log: Logger;
}

/**
 * Converts a Messages SSE body into canonical parts. It always ends in `finish` or `error`: an `error`
 * event (overloaded → retryable `upstream_unavailable`), malformed JSON, or a connection lost before
 * `message_stop` become an `error` part (an abort by the caller is rethrown instead). Stopping early
 * (`return()`) destroys the upstream body; after `message_stop` the body is drained instead, so the
 * keep-alive connection survives.
 *
 * @example
 * for await (const part of convertAnthropicStream(response.body, options)) console.log(part.type);
 */
export function convertAnthropicStream(
  body: StreamBody,
  options: AnthropicStreamOptions,
): AsyncIterable<StreamPart> {
  return releaseBodyOnEarlyExit(body, (control) => streamParts(body, options, control));
}

async function* streamParts(
  body: StreamBody,
  options: AnthropicStreamOptions,
  control: StreamControl,
): AsyncGenerator<StreamPart> {
  const state = new AnthropicStreamState(options);
  // One await per upstream read, not per event: the events of a read are handled in one go.
  const events = parseServerSentEventBatches(body);
  try {
    while (true) {
      const next = await events.next();
      if (next.done === true) break;
      for (const sent of next.value) {
        const event = parseEvent(sent, options.url);
        if (event instanceof Error) {
          yield* state.fail(event);
          return;
        }
        const parts = state.handle(event);
        if (state.isComplete) control.complete = true;
        for (const part of parts) yield part;
        if (control.complete) return;
      }
    }
  } catch (error: unknown) {
    if (options.signal.aborted) throw error;
    yield* state.fail(streamCut(options.url, error));
    return;
  } finally {
    if (control.complete) void drain(events, body);
    else {
      body.destroy();
      void events.return(undefined).catch(() => undefined);
    }
  }
  // The body ended without message_stop. After a stop reason the answer is whole; before it, it was cut.
  if (state.hasStopReason) yield* state.finish();
  else yield* state.fail(streamCut(options.url, undefined));
}

/** Reads what follows `message_stop` (usually nothing) so the connection goes back to the pool. */
async function drain(events: AsyncGenerator<unknown>, body: StreamBody): Promise<void> {
  const timer = setTimeout(() => body.destroy(), DRAIN_AFTER_STOP_MS);
  timer.unref();
  try {
    while ((await events.next()).done !== true) {}
  } catch {
    // The connection failed after the answer was complete: nothing left to report.
  } finally {
    clearTimeout(timer);
  }
}

/** The SDK dispatches on the `event:` name; the JSON's own `type` is the fallback for servers without one. */
function parseEvent(event: ServerSentEvent, url: string): AnthropicStreamEvent | GatewayError {
  const parsed = safeParseJson(event.data);
  if (!parsed.success) return badResponse(url, 'The upstream sent a malformed stream event.', event.data);
  const value = parsed.value;
  const type = typeof value === 'object' && value !== null && 'type' in value ? value.type : undefined;
  if (event.event === 'error' || type === 'error') {
    const error = typeof value === 'object' && value !== null && 'error' in value ? value.error : undefined;
    const result = anthropicStreamEventSchema.shape.error.safeParse(error);
    return mapAnthropicStreamError(url, result.success ? result.data : undefined);
  }
  const result = parseStreamEvent(
    typeof type === 'string' || event.event === undefined
      ? value
      : { ...(value as object), type: event.event },
  );
  if (!result.success) {
    return badResponse(url, 'The upstream sent an unexpected stream event.', event.data, result.error);
  }
  return result.data;
}

function streamCut(url: string, cause: unknown): UpstreamError {
  return new UpstreamError('The upstream stream was cut before it finished.', {
    url,
    statusCode: undefined,
    code: 'upstream_error',
    cause,
  });
}

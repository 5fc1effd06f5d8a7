import type { Logger } from 'pino';
import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import {
  releaseBodyOnEarlyExit,
  type StreamBody,
  type StreamControl,
} from '../http/release-body-on-early-exit.js';
import { type MapErrorHook, mapOpenAIEmbeddedError } from './map-openai-error.js';
import {
  type OpenAIChatChunk,
  openAIChatChunkSchema,
  openAIErrorObjectSchema,
} from './openai-chat-api-schemas.js';
import { OpenAIChatStreamState, type OpenAIChatStreamStateOptions } from './openai-chat-stream-state.js';
import { parseServerSentEventBatches, type ServerSentEvent } from './parse-server-sent-events.js';
import { badResponse } from './send-openai-request.js';

/** Checks a usual chunk without zod; zod still judges (and explains) anything unusual. */
const parseChatChunk = compileShapeCheck(openAIChatChunkSchema);

/** How long the rest of a body may take to arrive after `[DONE]` before its connection is dropped. */
const DRAIN_AFTER_DONE_MS = 5_000;

/** An upstream response body: bytes, and a way to drop the connection early. */
export type { StreamBody } from '../http/release-body-on-early-exit.js';

export interface OpenAIChatStreamOptions extends OpenAIChatStreamStateOptions {
  url: string;
  signal: AbortSignal;
  log: Logger;
  mapError?: MapErrorHook;
}

/**
 * Converts a Chat Completions SSE body into canonical parts. It always ends in `finish` or `error`:
 * an `error` event, malformed JSON, or a connection lost before `[DONE]` become an `error` part (an
 * abort by the caller is rethrown instead). Stopping early (`return()`) destroys the upstream body;
 * after `[DONE]` the body is drained instead, so the keep-alive connection survives.
 *
 * @example
 * for await (const part of convertOpenAIChatStream(response.body, options)) console.log(part.type);
 */
export function convertOpenAIChatStream(
  body: StreamBody,
  options: OpenAIChatStreamOptions,
): AsyncIterable<StreamPart> {
  return releaseBodyOnEarlyExit(body, (control) => streamParts(body, options, control));
}

async function* streamParts(
  body: StreamBody,
  options: OpenAIChatStreamOptions,
  control: StreamControl,
): AsyncGenerator<StreamPart> {
  const state = new OpenAIChatStreamState(options);
  // One await per upstream read, not per event: the events of a read are handled in one go.
  const events = parseServerSentEventBatches(body);
  try {
    while (true) {
      const next = await events.next();
      if (next.done === true) break;
      for (const event of next.value) {
        if (event.data === '[DONE]') {
          control.complete = true;
          yield* finish(state, options);
          return;
        }
        const chunk = parseChunk(event, options);
        if (!isChunk(chunk)) {
          yield* state.fail(chunk);
          return;
        }
        for (const part of state.handleChunk(chunk)) yield part;
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
  // The body ended without [DONE]. After a finish_reason the answer is whole; before it, it was cut.
  if (state.hasFinishReason) yield* finish(state, options);
  else yield* state.fail(streamCut(options.url, undefined));
}

function finish(state: OpenAIChatStreamState, options: OpenAIChatStreamOptions): StreamPart[] {
  if (state.usageMissing)
    options.log.warn({ url: options.url }, 'upstream stream ended without usage; reporting zeros');
  return state.finish();
}

/** Reads what follows `[DONE]` (usually nothing) so the connection goes back to the pool. */
async function drain(events: AsyncGenerator<unknown>, body: StreamBody): Promise<void> {
  const timer = setTimeout(() => body.destroy(), DRAIN_AFTER_DONE_MS);
  timer.unref();
  try {
    while ((await events.next()).done !== true) {}
  } catch {
    // The connection failed after the answer was complete: nothing left to report.
  } finally {
    clearTimeout(timer);
  }
}

function isChunk(value: OpenAIChatChunk | GatewayError): value is OpenAIChatChunk {
  return !(value instanceof Error);
}

function parseChunk(
  event: ServerSentEvent,
  options: OpenAIChatStreamOptions,
): OpenAIChatChunk | GatewayError {
  const parsed = safeParseJson(event.data);
  if (!parsed.success)
    return badResponse(options.url, 'The upstream sent a malformed stream event.', event.data);
  const value = parsed.value;
  const errorValue =
    typeof value === 'object' && value !== null && 'error' in value && value.error != null
      ? value.error
      : event.event === 'error'
        ? value
        : undefined;
  if (errorValue !== undefined) {
    const error = openAIErrorObjectSchema.safeParse(errorValue);
    return mapOpenAIEmbeddedError(options.url, error.success ? error.data : {}, options.mapError);
  }
  const chunk = parseChatChunk(value);
  if (!chunk.success) {
    return badResponse(options.url, 'The upstream sent an unexpected stream event.', event.data, chunk.error);
  }
  return chunk.data;
}

function streamCut(url: string, cause: unknown): UpstreamError {
  return new UpstreamError('The upstream stream was cut before it finished.', {
    url,
    statusCode: undefined,
    code: 'upstream_error',
    cause,
  });
}

import { toUtf8 } from '@smithy/util-utf8';
import type { Logger } from 'pino';
import { decodeEventStream, type EventStreamMessage } from '../../aws/event-stream.js';
import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import { releaseBodyOnEarlyExit, type StreamControl } from '../http/release-body-on-early-exit.js';
import type { StreamBody } from '../openai-compatible/openai-chat-stream.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import {
  bedrockContentBlockDeltaSchema,
  bedrockContentBlockStartSchema,
  bedrockContentBlockStopSchema,
  bedrockMessageStopSchema,
  bedrockStreamMetadataSchema,
} from './bedrock-api-schemas.js';
import {
  BedrockConverseStreamState,
  type BedrockConverseStreamStateOptions,
} from './bedrock-converse-stream-state.js';
import { mapBedrockStreamException } from './map-bedrock-error.js';

/** Check the frequent events without zod; zod still judges (and explains) anything unusual. */
const parseContentBlockDelta = compileShapeCheck(bedrockContentBlockDeltaSchema);
const parseContentBlockStop = compileShapeCheck(bedrockContentBlockStopSchema);

/** How long the rest of a body may take to arrive after `metadata` before its connection is dropped. */
const DRAIN_AFTER_FINISH_MS = 5_000;

export interface BedrockConverseStreamOptions extends BedrockConverseStreamStateOptions {
  url: string;
  signal: AbortSignal;
  log: Logger;
}

/** What one event-stream message produced; `end` stops the stream (`finished` keeps the socket). */
type Step = { parts: StreamPart[]; end?: 'finished' | 'failed' };

/**
 * Converts a ConverseStream body (`application/vnd.amazon.eventstream`) into canonical parts. It
 * always ends in `finish` or `error`: an exception event, a corrupt frame, or a body that stops
 * before `messageStop` (a cut stream, a reset socket) becomes an `error` part; an abort by the
 * caller is rethrown. Stopping early (`return()`) destroys the upstream body; after `metadata`
 * the body is drained instead, so the keep-alive connection survives.
 *
 * @example
 * for await (const part of convertBedrockConverseStream(response.body, options)) console.log(part.type);
 */
export function convertBedrockConverseStream(
  body: StreamBody,
  options: BedrockConverseStreamOptions,
): AsyncIterable<StreamPart> {
  return releaseBodyOnEarlyExit(body, (control) => streamParts(body, options, control));
}

async function* streamParts(
  body: StreamBody,
  options: BedrockConverseStreamOptions,
  control: StreamControl,
): AsyncGenerator<StreamPart> {
  const state = new BedrockConverseStreamState(options);
  const messages = decodeEventStream(body);
  try {
    while (true) {
      const next = await messages.next();
      if (next.done === true) break;
      const step = handleMessage(state, next.value, options.url);
      if (step.end === 'finished') control.complete = true;
      for (const part of step.parts) yield part;
      if (step.end !== undefined) return;
    }
  } catch (error: unknown) {
    if (options.signal.aborted) throw error;
    yield* state.fail(streamCut(options.url, error));
    return;
  } finally {
    if (control.complete) void drain(messages, body);
    else {
      body.destroy();
      void messages.return(undefined).catch(() => undefined);
    }
  }
  // The body ended without `metadata`. After `messageStop` the answer is whole; before it, it was cut.
  if (state.sawMessageStop) {
    options.log.warn({ url: options.url }, 'Bedrock stream ended without metadata; reporting zero usage');
    yield* state.finish(undefined);
  } else yield* state.fail(streamCut(options.url, undefined));
}

function handleMessage(state: BedrockConverseStreamState, message: EventStreamMessage, url: string): Step {
  const start = state.start();
  const failed = (error: GatewayError): Step => ({ parts: [...start, ...state.fail(error)], end: 'failed' });
  const messageType = message.headers[':message-type'];
  if (messageType === 'exception' || messageType === 'error') {
    const exceptionType =
      message.headers[':exception-type'] ?? message.headers[':error-code'] ?? 'UnknownException';
    const bodyText =
      messageType === 'error'
        ? JSON.stringify({ message: message.headers[':error-message'] ?? '' })
        : toUtf8(message.body);
    return failed(mapBedrockStreamException(url, exceptionType, bodyText));
  }
  const text = toUtf8(message.body);
  const json = safeParseJson(text);
  if (!json.success) return failed(badResponse(url, 'Bedrock sent a malformed stream event.', text));
  const eventType = message.headers[':event-type'] ?? '';
  const step = handleEvent(state, eventType, json.value);
  if ('invalid' in step) {
    return failed(badResponse(url, `Bedrock sent an unexpected ${eventType} event.`, text, step.invalid));
  }
  return { ...step, parts: [...start, ...step.parts] };
}

type Parsed<T> = { success: true; data: T } | { success: false; error: unknown };

function handleEvent(
  state: BedrockConverseStreamState,
  eventType: string,
  payload: unknown,
): Step | { invalid: unknown } {
  const on = <T>(parsed: Parsed<T>, handle: (event: T) => Step) =>
    parsed.success ? handle(parsed.data) : { invalid: parsed.error };
  switch (eventType) {
    case 'contentBlockStart':
      return on(bedrockContentBlockStartSchema.safeParse(payload), (event) => ({
        parts: state.contentBlockStart(event.contentBlockIndex, event.start?.toolUse),
      }));
    case 'contentBlockDelta':
      return on(parseContentBlockDelta(payload), (event) => ({
        parts: state.contentBlockDelta(event.contentBlockIndex, event.delta),
      }));
    case 'contentBlockStop':
      return on(parseContentBlockStop(payload), (event) => ({
        parts: state.contentBlockStop(event.contentBlockIndex),
      }));
    case 'messageStop':
      return on(bedrockMessageStopSchema.safeParse(payload), (event) => {
        state.messageStop(event.stopReason, event.additionalModelResponseFields);
        return { parts: [] };
      });
    case 'metadata':
      return on(bedrockStreamMetadataSchema.safeParse(payload), (event) => ({
        parts: state.finish(event),
        end: 'finished',
      }));
    default:
      // `messageStart`, and events newer than this code: nothing to emit.
      return { parts: [] };
  }
}

/** Reads what follows `metadata` (usually nothing) so the connection goes back to the pool. */
async function drain(messages: AsyncGenerator<EventStreamMessage>, body: StreamBody): Promise<void> {
  const timer = setTimeout(() => body.destroy(), DRAIN_AFTER_FINISH_MS);
  timer.unref();
  try {
    while ((await messages.next()).done !== true) {}
  } catch {
    // The connection failed after the answer was complete: nothing left to report.
  } finally {
    clearTimeout(timer);
  }
}

function streamCut(url: string, cause: unknown): UpstreamError {
  return new UpstreamError('The Bedrock stream was cut before it finished.', {
    url,
    statusCode: undefined,
    code: 'upstream_error',
    cause,
  });
}

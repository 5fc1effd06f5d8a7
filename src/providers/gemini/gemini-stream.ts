import type { GatewayError } from '../../core/gateway-error.js';
import { safeParseJson } from '../../core/safe-parse-json.js';
import type { StreamPart } from '../../core/stream-part.js';
import { UpstreamError } from '../../core/upstream-error.js';
import type { Warning } from '../../core/warning.js';
import { compileShapeCheck } from '../compile-shape-check.js';
import { releaseBodyOnEarlyExit, type StreamControl } from '../http/release-body-on-early-exit.js';
import type { StreamBody } from '../openai-compatible/openai-chat-stream.js';
import { parseServerSentEventBatches } from '../openai-compatible/parse-server-sent-events.js';
import { badResponse } from '../openai-compatible/send-openai-request.js';
import { type GeminiResponse, geminiResponseSchema, googleErrorSchema } from './gemini-api-schemas.js';
import { GeminiStreamState } from './gemini-stream-state.js';
import { mapGeminiEmbeddedError } from './map-gemini-error.js';

/** Checks a usual chunk without zod; zod still judges (and explains) anything unusual. */
const parseResponseChunk = compileShapeCheck(geminiResponseSchema);

export interface GeminiStreamOptions {
  url: string;
  signal: AbortSignal;
  warnings: Warning[];
  modelId: string;
}

/**
 * Converts a `streamGenerateContent?alt=sse` body (`data: <GenerateContentResponse>` events, no
 * `[DONE]`: the stream just ends) into canonical parts. It always ends in `finish` or `error`: an
 * `{"error": …}` event, malformed JSON, or a body that ends before any chunk carried a finish reason
 * become an `error` part (an abort by the caller is rethrown instead). Stopping early (`return()`)
 * destroys the upstream body.
 *
 * @example
 * for await (const part of convertGeminiStream(response.body, options)) console.log(part.type);
 */
export function convertGeminiStream(
  body: StreamBody,
  options: GeminiStreamOptions,
): AsyncIterable<StreamPart> {
  return releaseBodyOnEarlyExit(body, (control) => streamParts(body, options, control));
}

async function* streamParts(
  body: StreamBody,
  options: GeminiStreamOptions,
  control: StreamControl,
): AsyncGenerator<StreamPart> {
  const state = new GeminiStreamState(options);
  // One await per upstream read, not per event: the events of a read are handled in one go.
  try {
    for await (const events of parseServerSentEventBatches(body)) {
      for (const event of events) {
        const chunk = parseChunk(event.data, options.url);
        if (chunk instanceof Error) {
          yield* state.fail(chunk);
          return;
        }
        for (const part of state.handleChunk(chunk)) yield part;
      }
    }
    control.complete = true;
  } catch (error: unknown) {
    if (options.signal.aborted) throw error;
    yield* state.fail(streamCut(options.url, error));
    return;
  } finally {
    if (!control.complete) body.destroy();
  }
  if (state.isComplete) yield* state.finish();
  else yield* state.fail(streamCut(options.url, undefined));
}

/**
 * Replays a JSON answer to a streaming request: the array form (`streamGenerateContent` without
 * `alt=sse`) or a single response, through the same state machine.
 *
 * @example
 * for await (const part of replayGeminiJson(json, options)) console.log(part.type);
 */
export async function* replayGeminiJson(
  json: unknown,
  options: GeminiStreamOptions,
): AsyncGenerator<StreamPart> {
  const state = new GeminiStreamState(options);
  for (const item of Array.isArray(json) ? json : [json]) {
    const chunk = readChunk(item, JSON.stringify(item), options.url);
    if (chunk instanceof Error) {
      yield* state.fail(chunk);
      return;
    }
    yield* state.handleChunk(chunk);
  }
  yield* state.isComplete ? state.finish() : state.fail(streamCut(options.url, undefined));
}

function parseChunk(data: string, url: string): GeminiResponse | GatewayError {
  const parsed = safeParseJson(data);
  if (!parsed.success) return badResponse(url, 'The upstream sent a malformed stream event.', data);
  return readChunk(parsed.value, data, url);
}

function readChunk(value: unknown, text: string, url: string): GeminiResponse | GatewayError {
  if (typeof value === 'object' && value !== null && 'error' in value && value.error != null) {
    const error = googleErrorSchema.safeParse(value.error);
    return mapGeminiEmbeddedError(url, error.success ? error.data : {});
  }
  const chunk = parseResponseChunk(value);
  if (!chunk.success)
    return badResponse(url, 'The upstream sent an unexpected stream event.', text, chunk.error);
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

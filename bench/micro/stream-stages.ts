import { EventEmitter } from 'node:events';
import type { Logger } from 'pino';
import { safeParseJson } from '../../src/core/safe-parse-json.js';
import type { StreamPart } from '../../src/core/stream-part.js';
import { emptyUsage } from '../../src/core/usage.js';
import type { RawResponse } from '../../src/dialects/dialect-writer.js';
import { ChatChunkBuilder } from '../../src/dialects/openai/chat-chunk-builder.js';
import { openAIFlavor } from '../../src/dialects/openai/openai-flavor.js';
import { writeChatStream } from '../../src/dialects/openai/write-chat-stream.js';
import type { GatewayContext } from '../../src/pipeline/gateway-context.js';
import { compileShapeCheck } from '../../src/providers/compile-shape-check.js';
import { openAIChatChunkSchema } from '../../src/providers/openai-compatible/openai-chat-api-schemas.js';
import { convertOpenAIChatStream } from '../../src/providers/openai-compatible/openai-chat-stream.js';
import type { MicroStage } from './measure-operation.js';
import { UPSTREAM_STREAM_CHUNK, upstreamStreamBody } from './upstream-samples.js';

const STREAM_TOKENS = 100;

/** A response sink that accepts writes and drops them: the writer's own cost, not the socket's. */
export function nullResponse(): RawResponse {
  const sink = Object.assign(new EventEmitter(), {
    headersSent: false,
    destroyed: false,
    writableEnded: false,
    writes: 0,
    writeHead: () => sink,
    setHeader: () => sink,
    write: () => {
      sink.writes++;
      return true;
    },
    end: () => sink,
  });
  return sink as unknown as RawResponse;
}

function streamParts(): StreamPart[] {
  const parts: StreamPart[] = [{ type: 'stream-start', warnings: [], modelId: 'gpt-4o-mini-2024-07-18' }];
  parts.push({ type: 'text-start', id: 't0' });
  for (let index = 0; index < STREAM_TOKENS; index++)
    parts.push({ type: 'text-delta', id: 't0', delta: ' word' });
  parts.push({ type: 'text-end', id: 't0' });
  parts.push({
    type: 'finish',
    usage: { ...emptyUsage(), inputTokens: 11, outputTokens: 100 },
    finishReason: { unified: 'length', raw: 'length' },
  });
  return parts;
}

/** The parts of one upstream read: yielded back to back, as a provider yields one chunk's parts. */
async function* oneRead(parts: readonly StreamPart[]): AsyncGenerator<StreamPart> {
  yield* parts;
}

async function drain(stream: AsyncIterable<StreamPart>): Promise<number> {
  let count = 0;
  for await (const _part of stream) count++;
  return count;
}

/** One upstream chunk as the OpenAI provider reads it: safe JSON parse, then the chunk check. */
function parseOneChunk(): () => unknown {
  const parseChunk = compileShapeCheck(openAIChatChunkSchema);
  return () => {
    const json = safeParseJson(UPSTREAM_STREAM_CHUNK);
    if (!json.success) throw json.error;
    const chunk = parseChunk(json.value);
    if (!chunk.success) throw chunk.error;
    return chunk.data;
  };
}

/**
 * The streaming stages: one upstream chunk parsed, a whole upstream stream turned into parts, the
 * parts serialised as OpenAI events, and the whole writer (serialise, batch, write) per stream.
 */
export function createStreamStages(context: GatewayContext, log: Logger): MicroStage[] {
  const parts = streamParts();
  const header = {
    id: 'chatcmpl-1',
    object: 'chat.completion.chunk' as const,
    created: 1,
    model: 'gpt-4o-mini',
  };
  const streamOptions = {
    url: 'http://sandbox/v1/chat/completions',
    signal: context.signal,
    log,
    providerType: 'openai',
    warnings: [],
  };
  const writerOptions = { flavor: openAIFlavor, includeUsage: false };
  return [
    {
      stage: 'stream-chunk parse',
      operation: 'one upstream chunk: safe JSON parse + chunk check (per event)',
      run: parseOneChunk(),
    },
    {
      stage: 'SSE upstream parse',
      operation: `${STREAM_TOKENS}-token upstream SSE → parts (per stream)`,
      run: () => drain(convertOpenAIChatStream(upstreamStreamBody(), streamOptions)),
    },
    {
      stage: 'SSE serialize',
      operation: `${STREAM_TOKENS}-token stream: parts → data: events (per stream)`,
      run: () => {
        const builder = new ChatChunkBuilder(header, openAIFlavor, false);
        let bytes = 0;
        for (const part of parts) bytes += builder.eventsFor(part).length;
        return bytes;
      },
    },
    {
      stage: 'SSE write',
      operation: `${STREAM_TOKENS}-token stream through the OpenAI stream writer, one read (per stream)`,
      run: () => writeChatStream(nullResponse(), { ...context }, oneRead(parts), writerOptions),
    },
  ];
}

import { randomUUID } from 'node:crypto';
import type { DialectWriter } from '../dialect-writer.js';
import type { EmbeddingEncoding } from './parse-embed-request.js';
import type { WireFlavor } from './wire-flavor.js';
import { writeChatResponse } from './write-chat-response.js';
import { writeChatStream } from './write-chat-stream.js';
import { writeEmbedResponse } from './write-embed-response.js';
import { writeErrorResponse } from './write-error.js';

/** Per-request choices read from the body that shape the output but are not canonical request fields. */
export interface OutputOptions {
  includeUsage: boolean;
  encoding: EmbeddingEncoding;
}

/**
 * The DialectWriter for OpenAI-format dialects. `output` is filled in when the body is parsed, which
 * happens inside the pipeline, before anything is written.
 *
 * @example
 * const output = { includeUsage: false, encoding: 'float' as const };
 * const writer = createOpenAIWriter(openAIFlavor, output);
 */
export function createOpenAIWriter(flavor: WireFlavor, output: OutputOptions): DialectWriter {
  return {
    writeChatResult: (response, context, result) => writeChatResponse(response, context, result, flavor),
    writeEmbedResult: (response, context, result) =>
      writeEmbedResponse(response, context, result, { flavor, encoding: output.encoding }),
    writeStream: (response, context, stream) =>
      writeChatStream(response, context, stream, { flavor, includeUsage: output.includeUsage }),
    writeError: (response, error, context) =>
      writeErrorResponse(response, error, flavor, context?.requestId ?? randomUUID()),
  };
}

import type { DialectWriter } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';
import { announceWarnings } from './announce-warnings.js';
import type { GeminiWriterOptions } from './gemini-writer-options.js';
import { buildEmbedResponse } from './write-embed-response.js';
import { writeGoogleError } from './write-error.js';
import { buildGenerateContentResponse } from './write-generate-response.js';
import { writeGenerateStream } from './write-generate-stream.js';

/**
 * The DialectWriter for the Gemini / Vertex AI dialect. `options.extras` is filled in when the
 * body is parsed, inside the pipeline, before anything is written.
 *
 * @example
 * const writer = createGeminiWriter({ flavor: 'gemini', streamFormat: 'sse', embedShape: 'embedContent', extras: emptyRequestExtras() });
 */
export function createGeminiWriter(options: GeminiWriterOptions): DialectWriter {
  return {
    writeChatResult(response, context, result) {
      announceWarnings(response, context, options.extras);
      writeJson(response, 200, buildGenerateContentResponse(result, context, options), {});
    },
    writeEmbedResult(response, context, result) {
      announceWarnings(response, context, options.extras);
      writeJson(response, 200, buildEmbedResponse(result, context, options), {});
    },
    writeStream(response, context, stream) {
      announceWarnings(response, context, options.extras);
      return writeGenerateStream(response, context, stream, options);
    },
    writeError: (response, error) => writeGoogleError(response, error, options.flavor),
  };
}

import type { GeminiRequestExtras } from './gemini-request-extras.js';
import type { EmbedShape } from './parse-embed-request.js';
import type { GoogleFlavor } from './write-error.js';

/**
 * How one Gemini-dialect response is written. The route fills in what the URL says; `extras` is
 * filled when the body is parsed, inside the pipeline, before anything is written.
 */
export interface GeminiWriterOptions {
  flavor: GoogleFlavor;
  /** `streamGenerateContent?alt=sse` streams server-sent events; without `alt=sse`, one JSON array. */
  streamFormat: 'sse' | 'json-array';
  embedShape: EmbedShape;
  extras: GeminiRequestExtras;
}

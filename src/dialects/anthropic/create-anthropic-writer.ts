import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type { DialectWriter } from '../dialect-writer.js';
import { writeAnthropicError } from './write-error.js';
import { writeMessageResponse } from './write-message-response.js';
import { writeMessageStream } from './write-message-stream.js';

/** What parsing found that the writer must report: warnings for what the dialect could not carry. */
export interface AnthropicOutputState {
  warnings: Warning[];
}

/**
 * The DialectWriter for the Anthropic Messages dialect. `state` is filled when the body is parsed,
 * inside the pipeline, before anything is written.
 *
 * @example
 * const state: AnthropicOutputState = { warnings: [] };
 * const writer = createAnthropicWriter(state);
 */
export function createAnthropicWriter(state: AnthropicOutputState): DialectWriter {
  return {
    writeChatResult: (response, context, result) =>
      writeMessageResponse(response, context, result, state.warnings),
    writeEmbedResult: (response, context) =>
      writeAnthropicError(
        response,
        new GatewayError('internal_error', 'The Anthropic dialect has no embeddings endpoint.'),
        context.requestId,
      ),
    writeStream: (response, context, stream) => writeMessageStream(response, context, stream, state.warnings),
    writeError: (response, error, context) =>
      writeAnthropicError(response, error, context?.requestId ?? randomUUID()),
  };
}

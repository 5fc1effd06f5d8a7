import { randomUUID } from 'node:crypto';
import { GatewayError } from '../../core/gateway-error.js';
import type { Warning } from '../../core/warning.js';
import type { DialectWriter } from '../dialect-writer.js';
import { applyDialectWarnings } from './apply-dialect-warnings.js';
import { writeConverseResponse } from './write-converse-response.js';
import { writeConverseStream } from './write-converse-stream.js';
import { writeBedrockError } from './write-error.js';
import { writeInvokeResponse } from './write-invoke-response.js';
import { writeInvokeStream } from './write-invoke-stream.js';

/** The four Bedrock Runtime inference operations, named as in their paths. */
export type BedrockOperation = 'converse' | 'converse-stream' | 'invoke' | 'invoke-with-response-stream';

export const BEDROCK_OPERATIONS: readonly BedrockOperation[] = [
  'converse',
  'converse-stream',
  'invoke',
  'invoke-with-response-stream',
];

export function isStreamOperation(operation: BedrockOperation): boolean {
  return operation === 'converse-stream' || operation === 'invoke-with-response-stream';
}

/**
 * The DialectWriter for one Bedrock operation. `parseWarnings` is filled when the body is parsed
 * (inside the pipeline, before anything is written).
 *
 * @example
 * const warnings: Warning[] = [];
 * const writer = createBedrockWriter('converse-stream', warnings);
 */
export function createBedrockWriter(
  operation: BedrockOperation,
  parseWarnings: readonly Warning[],
): DialectWriter {
  const isConverse = operation === 'converse' || operation === 'converse-stream';
  return {
    writeChatResult(response, context, result) {
      applyDialectWarnings(response, context, parseWarnings);
      if (isConverse) writeConverseResponse(response, context, result);
      else writeInvokeResponse(response, context, result);
    },
    writeEmbedResult(response, context) {
      const error = new GatewayError('internal_error', 'The Bedrock dialect produced an embedding result.');
      writeBedrockError(response, error, context.requestId);
    },
    writeStream(response, context, stream) {
      applyDialectWarnings(response, context, parseWarnings);
      return isConverse
        ? writeConverseStream(response, context, stream)
        : writeInvokeStream(response, context, stream);
    },
    writeError: (response, error, context) =>
      writeBedrockError(response, error, context?.requestId ?? randomUUID()),
  };
}

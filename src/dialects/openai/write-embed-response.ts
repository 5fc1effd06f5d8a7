import type { EmbedResult } from '../../core/embed-request.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import type { EmbeddingEncoding } from './parse-embed-request.js';
import type { WireFlavor } from './wire-flavor.js';
import { writeJson } from './write-json.js';

/** A vector as base64 of its little-endian float32 bytes, which is what the SDK decodes. */
export function encodeFloat32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (const [index, value] of vector.entries()) bytes.writeFloatLE(value, index * 4);
  return bytes.toString('base64');
}

/**
 * Builds OpenAI's embeddings list.
 *
 * @example
 * buildEmbeddingList({ embeddings: [[0.5]], usage: { inputTokens: 2 }, modelId: 'm', warnings: [] }, 'float')
 * // { object: 'list', data: [{ object: 'embedding', index: 0, embedding: [0.5] }], model: 'm', usage: { prompt_tokens: 2, total_tokens: 2 } }
 */
export function buildEmbeddingList(result: EmbedResult, encoding: EmbeddingEncoding) {
  return {
    object: 'list' as const,
    data: result.embeddings.map((vector, index) => ({
      object: 'embedding' as const,
      index,
      embedding: encoding === 'base64' ? encodeFloat32Base64(vector) : vector,
    })),
    model: result.modelId,
    usage: { prompt_tokens: result.usage.inputTokens, total_tokens: result.usage.inputTokens },
  };
}

export function writeEmbedResponse(
  response: RawResponse,
  context: GatewayContext,
  result: EmbedResult,
  options: { flavor: WireFlavor; encoding: EmbeddingEncoding },
): void {
  const body = buildEmbeddingList(result, options.encoding);
  writeJson(response, 200, body, options.flavor.requestIdHeaders(context.requestId));
}

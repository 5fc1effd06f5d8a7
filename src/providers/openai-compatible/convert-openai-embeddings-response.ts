import type { EmbedResult } from '../../core/embed-request.js';
import type { Warning } from '../../core/warning.js';
import type { OpenAIEmbeddingsResponse } from './openai-chat-api-schemas.js';

/**
 * Converts an Embeddings response: vectors ordered by `index`, base64 decoded, usage as input tokens.
 * Returns undefined when the vector count does not match the inputs (a broken response).
 *
 * @example
 * convertOpenAIEmbeddingsResponse(response, { modelId: 'text-embedding-3-small', inputCount: 2 });
 */
export function convertOpenAIEmbeddingsResponse(
  response: OpenAIEmbeddingsResponse,
  options: { modelId: string; inputCount: number; dimensions: number | undefined },
): EmbedResult | undefined {
  if (response.data.length !== options.inputCount) return undefined;
  const ordered = response.data
    .map((item, position) => ({ index: item.index ?? position, embedding: item.embedding }))
    .sort((a, b) => a.index - b.index);
  const embeddings = ordered.map(({ embedding }) =>
    typeof embedding === 'string' ? decodeBase64Embedding(embedding) : embedding,
  );
  const warnings: Warning[] = [];
  const length = embeddings[0]?.length;
  if (options.dimensions !== undefined && length !== undefined && length !== options.dimensions) {
    // Servers without `dimensions` support ignore it; a silently wrong vector size breaks indexes.
    warnings.push({
      type: 'unsupported-setting',
      setting: 'dimensions',
      details: `asked for ${options.dimensions}, the target returned ${length}`,
    });
  }
  return {
    embeddings,
    usage: { inputTokens: response.usage?.prompt_tokens ?? 0 },
    modelId: response.model || options.modelId,
    warnings,
  };
}

/**
 * Decodes base64 little-endian float32s, whatever the host's byte order.
 *
 * @example
 * decodeBase64Embedding('AACAPwAAAMA='); // [1, -2]
 */
export function decodeBase64Embedding(base64: string): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const values = new Array<number>(bytes.byteLength >>> 2);
  for (let index = 0; index < values.length; index++) values[index] = view.getFloat32(index * 4, true);
  return values;
}

import type { EmbedRequest } from '../../core/embed-request.js';
import { chatWireOptions } from './convert-to-openai-chat-request.js';

/**
 * Builds an Embeddings body. It asks for base64 (little-endian float32): about a quarter of the
 * bytes of float JSON and no number parsing; servers that ignore the ask send floats, which we read too.
 *
 * @example
 * convertToOpenAIEmbeddingsRequest({ model: 'e', input: ['hi'], dimensions: 256 }, 'text-embedding-3-small', 'openai');
 * // { model: 'text-embedding-3-small', input: ['hi'], encoding_format: 'base64', dimensions: 256 }
 */
export function convertToOpenAIEmbeddingsRequest(
  request: EmbedRequest,
  modelId: string,
  providerType: string,
): Record<string, unknown> {
  return {
    model: modelId,
    input: request.input,
    encoding_format: 'base64',
    ...(request.dimensions === undefined ? {} : { dimensions: request.dimensions }),
    ...(request.user === undefined ? {} : { user: request.user }),
    // Spread, not Object.assign: a `__proto__` key stays data.
    ...chatWireOptions(request.providerOptions, providerType),
  };
}

import type { EmbedRequest } from '../../core/embed-request.js';
import { GatewayError } from '../../core/gateway-error.js';
import { toValidationError } from './format-validation-error.js';
import { embeddingRequestSchema } from './openai-request-schemas.js';

export type EmbeddingEncoding = 'float' | 'base64';

export interface ParsedEmbedding {
  request: EmbedRequest;
  /** How the vectors go back: the SDK asks for base64 unless told otherwise. */
  encodingFormat: EmbeddingEncoding;
}

const CONSUMED_FIELDS = new Set(['model', 'input', 'encoding_format', 'dimensions', 'user']);

function isTokenList(input: string[] | number[] | number[][]): input is number[] {
  return typeof input[0] === 'number';
}

/** One string or one token list is a batch of one. */
function toInputs(input: string | string[] | number[] | number[][]): string[] | number[][] {
  if (typeof input === 'string') return [input];
  if (isTokenList(input)) return [input];
  return input;
}

/**
 * Validates an OpenAI `POST /embeddings` body (`input` as a string, strings, token ids or arrays of
 * token ids, never empty) and converts it to a canonical request.
 *
 * @example
 * parseEmbedRequest({ model: 'text-embedding-3-small', input: 'hello' }).request.input // ['hello']
 */
export function parseEmbedRequest(input: unknown, options: { model?: string } = {}): ParsedEmbedding {
  const parsed = embeddingRequestSchema.safeParse(input, { reportInput: true });
  if (!parsed.success) throw toValidationError(parsed.error);
  const body = parsed.data;
  const model = options.model ?? body.model;
  if (model === undefined) {
    throw new GatewayError('invalid_request', `Missing required parameter: 'model'.`, { param: 'model' });
  }
  const request: EmbedRequest = { model, input: toInputs(body.input) };
  if (body.dimensions != null) request.dimensions = body.dimensions;
  if (body.user != null) request.user = body.user;
  const passthrough: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(body)) if (!CONSUMED_FIELDS.has(key)) passthrough[key] = value;
  if (Object.keys(passthrough).length > 0) request.providerOptions = { openai: passthrough };
  return { request, encodingFormat: body.encoding_format ?? 'float' };
}

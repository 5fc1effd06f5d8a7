import type { FastifyRequest } from 'fastify';
import { readBearerToken } from '../openai/read-bearer-token.js';

function first(value: unknown): string | undefined {
  const single = Array.isArray(value) ? value[0] : value;
  return typeof single === 'string' && single.trim() !== '' ? single.trim() : undefined;
}

/**
 * The caller's key, from `x-goog-api-key` (what `@google/genai` sends with an API key, including
 * Vertex express mode), the `?key=` query parameter (REST samples and curl), or
 * `Authorization: Bearer` (Vertex mode with an auth client).
 *
 * @example
 * readGoogleCredential({ headers: { 'x-goog-api-key': 'sk-cvg-…' }, query: {} }) // 'sk-cvg-…'
 */
export function readGoogleCredential(request: Pick<FastifyRequest, 'headers' | 'query'>): string | undefined {
  const header = first(request.headers['x-goog-api-key']);
  if (header !== undefined) return header;
  const query = request.query;
  const key = typeof query === 'object' && query !== null ? first(Reflect.get(query, 'key')) : undefined;
  return key ?? readBearerToken(request.headers);
}

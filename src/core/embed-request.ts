import type { Warning } from './warning.js';

/**
 * A canonical embeddings request: one or more texts (or pre-tokenised inputs) for one model.
 *
 * @example
 * const request: EmbedRequest = { model: 'text-embedding-3-small', input: ['hello'], dimensions: 256 };
 */
export interface EmbedRequest {
  model: string;
  input: string[] | number[][];
  dimensions?: number;
  user?: string;
  providerOptions?: Record<string, Record<string, unknown>>;
}

export interface EmbedResult {
  embeddings: number[][];
  usage: { inputTokens: number };
  modelId: string;
  warnings: Warning[];
}

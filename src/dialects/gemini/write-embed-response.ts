import type { EmbedResult } from '../../core/embed-request.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { GeminiWriterOptions } from './gemini-writer-options.js';

/** Splits the request's token count over its inputs by length (Vertex reports one count per input). */
function tokenCounts(inputs: readonly string[], total: number): number[] {
  const lengths = inputs.map((input) => input.length);
  const sum = lengths.reduce((a, b) => a + b, 0);
  return lengths.map((length) => (sum === 0 ? 0 : Math.round((total * length) / sum)));
}

function inputTexts(context: GatewayContext): string[] {
  const parsed = context.parsed;
  if (parsed?.operation !== 'embed') return [];
  return parsed.request.input.map((input) => (typeof input === 'string' ? input : ''));
}

/**
 * The embeddings response in the shape of the endpoint called: `embedContent` → `{embedding}`
 * (Vertex adds `usageMetadata`), `batchEmbedContents` → `{embeddings}`, Vertex `:predict` →
 * `{predictions: [{embeddings: {values, statistics}}], metadata}`.
 *
 * @example
 * buildEmbedResponse({ embeddings: [[0.5]], usage: { inputTokens: 2 }, modelId: 'm', warnings: [] }, context, options)
 * // { embedding: { values: [0.5] } }
 */
export function buildEmbedResponse(
  result: EmbedResult,
  context: GatewayContext,
  options: GeminiWriterOptions,
) {
  const tokens = result.usage.inputTokens;
  if (options.embedShape === 'batchEmbedContents') {
    return { embeddings: result.embeddings.map((values) => ({ values })) };
  }
  if (options.embedShape === 'embedContent') {
    const embedding = { values: result.embeddings[0] ?? [] };
    if (options.flavor === 'gemini') return { embedding };
    return { embedding, usageMetadata: { promptTokenCount: tokens, totalTokenCount: tokens } };
  }
  const inputs = inputTexts(context);
  const counts = tokenCounts(inputs, tokens);
  return {
    predictions: result.embeddings.map((values, index) => ({
      embeddings: { values, statistics: { token_count: counts[index] ?? 0, truncated: false } },
    })),
    metadata: { billableCharacterCount: inputs.reduce((sum, input) => sum + input.length, 0) },
  };
}

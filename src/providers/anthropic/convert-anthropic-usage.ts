import type { Usage } from '../../core/usage.js';
import type { AnthropicUsage } from './anthropic-api-schemas.js';

/**
 * Converts Messages usage. Anthropic's `input_tokens` excludes cached tokens, so the canonical
 * `inputTokens` adds the cache reads and writes back; `cacheWriteTokens` is `cache_creation_input_tokens`.
 * Thinking tokens are part of `output_tokens`, and reported apart when the API breaks them out.
 *
 * @example
 * convertAnthropicUsage({ input_tokens: 21, cache_read_input_tokens: 1800, output_tokens: 40 });
 * // { inputTokens: 1821, outputTokens: 40, cacheReadTokens: 1800, cacheWriteTokens: 0, reasoningTokens: 0 }
 */
export function convertAnthropicUsage(usage: AnthropicUsage | null | undefined): Usage {
  const cacheRead = usage?.cache_read_input_tokens ?? 0;
  const cacheWrite = usage?.cache_creation_input_tokens ?? 0;
  return {
    inputTokens: (usage?.input_tokens ?? 0) + cacheRead + cacheWrite,
    outputTokens: usage?.output_tokens ?? 0,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: usage?.output_tokens_details?.thinking_tokens ?? 0,
  };
}

/**
 * The cache-write split by lifetime, which prices differently (5 minutes: 1.25×, 1 hour: 2×) and has
 * no canonical field; kept in `providerMetadata.anthropic.cacheCreation`.
 *
 * @example anthropicCacheMetadata(usage) // { cacheCreation: { ephemeral5mInputTokens: 1800, ephemeral1hInputTokens: 0 } }
 */
export function anthropicCacheMetadata(
  usage: AnthropicUsage | null | undefined,
): Record<string, unknown> | undefined {
  const split = usage?.cache_creation;
  if (split == null) return undefined;
  return {
    cacheCreation: {
      ephemeral5mInputTokens: split.ephemeral_5m_input_tokens ?? 0,
      ephemeral1hInputTokens: split.ephemeral_1h_input_tokens ?? 0,
    },
  };
}

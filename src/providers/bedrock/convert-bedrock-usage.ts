import { emptyUsage, type Usage } from '../../core/usage.js';
import type { BedrockUsage } from './bedrock-api-schemas.js';

/**
 * Converts Converse `usage` to the canonical shape. Bedrock's `inputTokens` counts only the tokens
 * that were neither read from nor written to the prompt cache (like Anthropic's `input_tokens`;
 * `totalTokens` = input + output + cache read + cache write), while the canonical `inputTokens`
 * counts every prompt token, so the cache counts are added back in. Bedrock does not split
 * reasoning out of `outputTokens`.
 *
 * @example
 * convertBedrockUsage({ inputTokens: 20, outputTokens: 5, cacheReadInputTokens: 1000 });
 * // { inputTokens: 1020, outputTokens: 5, cacheReadTokens: 1000, cacheWriteTokens: 0, reasoningTokens: 0 }
 */
export function convertBedrockUsage(usage: BedrockUsage | null | undefined): Usage {
  if (usage == null) return emptyUsage();
  const cacheReadTokens = usage.cacheReadInputTokens ?? 0;
  const cacheWriteTokens = usage.cacheWriteInputTokens ?? 0;
  return {
    inputTokens: (usage.inputTokens ?? 0) + cacheReadTokens + cacheWriteTokens,
    outputTokens: usage.outputTokens ?? 0,
    cacheReadTokens,
    cacheWriteTokens,
    reasoningTokens: 0,
  };
}

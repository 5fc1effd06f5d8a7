import type { Usage } from '../../core/usage.js';
import type { GeminiUsage } from './gemini-api-schemas.js';

/**
 * Converts `usageMetadata`. `promptTokenCount` already includes the cached tokens
 * (`cachedContentTokenCount`, implicit or explicit cache), so it is the input total; tokens of tool-use
 * prompts (e.g. search results fed back) are billed as input too. `candidatesTokenCount` excludes
 * thinking, so output is candidates + thoughts, and the thoughts are the reasoning subset.
 *
 * @example
 * convertGeminiUsage({ promptTokenCount: 1200, cachedContentTokenCount: 1024, candidatesTokenCount: 40, thoughtsTokenCount: 64 });
 * // { inputTokens: 1200, outputTokens: 104, cacheReadTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 64 }
 */
export function convertGeminiUsage(usage: GeminiUsage | null | undefined): Usage {
  const thoughts = usage?.thoughtsTokenCount ?? 0;
  return {
    inputTokens: (usage?.promptTokenCount ?? 0) + (usage?.toolUsePromptTokenCount ?? 0),
    outputTokens: (usage?.candidatesTokenCount ?? 0) + thoughts,
    cacheReadTokens: usage?.cachedContentTokenCount ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: thoughts,
  };
}

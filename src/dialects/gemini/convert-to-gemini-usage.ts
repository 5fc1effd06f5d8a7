import type { Usage } from '../../core/usage.js';

export interface GeminiUsageMetadata {
  promptTokenCount: number;
  candidatesTokenCount: number;
  totalTokenCount: number;
  cachedContentTokenCount?: number;
  thoughtsTokenCount?: number;
}

/**
 * Gemini's `usageMetadata`: `candidatesTokenCount` excludes thinking, which Gemini reports apart
 * as `thoughtsTokenCount`; the total counts both. Optional counts appear only when non-zero.
 *
 * @example
 * convertToGeminiUsage({ inputTokens: 10, outputTokens: 7, reasoningTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 })
 * // { promptTokenCount: 10, candidatesTokenCount: 4, totalTokenCount: 17, thoughtsTokenCount: 3 }
 */
export function convertToGeminiUsage(usage: Usage): GeminiUsageMetadata {
  const metadata: GeminiUsageMetadata = {
    promptTokenCount: usage.inputTokens,
    candidatesTokenCount: Math.max(0, usage.outputTokens - usage.reasoningTokens),
    totalTokenCount: usage.inputTokens + usage.outputTokens,
  };
  if (usage.cacheReadTokens > 0) metadata.cachedContentTokenCount = usage.cacheReadTokens;
  if (usage.reasoningTokens > 0) metadata.thoughtsTokenCount = usage.reasoningTokens;
  return metadata;
}

import type { Usage } from '../../core/usage.js';

/** Converse `usage` (TokenUsage). */
export interface BedrockUsage {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  cacheReadInputTokens: number;
  cacheWriteInputTokens: number;
}

/**
 * Canonical usage as Converse reports it: `inputTokens` excludes the tokens read from or written to
 * the prompt cache (the canonical count includes them), and `totalTokens` counts everything.
 *
 * @example
 * convertToBedrockUsage({ inputTokens: 100, cacheReadTokens: 80, cacheWriteTokens: 0, outputTokens: 5, reasoningTokens: 0 })
 * // { inputTokens: 20, outputTokens: 5, totalTokens: 105, cacheReadInputTokens: 80, cacheWriteInputTokens: 0 }
 */
export function convertToBedrockUsage(usage: Usage): BedrockUsage {
  const cached = usage.cacheReadTokens + usage.cacheWriteTokens;
  return {
    inputTokens: Math.max(0, usage.inputTokens - cached),
    outputTokens: usage.outputTokens,
    totalTokens: Math.max(usage.inputTokens, cached) + usage.outputTokens,
    cacheReadInputTokens: usage.cacheReadTokens,
    cacheWriteInputTokens: usage.cacheWriteTokens,
  };
}

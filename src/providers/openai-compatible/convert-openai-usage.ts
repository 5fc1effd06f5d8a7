import type { Usage } from '../../core/usage.js';
import type { OpenAIUsage } from './openai-chat-api-schemas.js';

/**
 * Converts Chat Completions usage. `prompt_tokens` already includes cached tokens and
 * `completion_tokens` already includes reasoning tokens, matching the canonical `Usage` subsets.
 *
 * @example
 * convertOpenAIUsage({ prompt_tokens: 1200, completion_tokens: 40, prompt_tokens_details: { cached_tokens: 1024 } });
 * // { inputTokens: 1200, outputTokens: 40, cacheReadTokens: 1024, cacheWriteTokens: 0, reasoningTokens: 0 }
 */
export function convertOpenAIUsage(usage: OpenAIUsage | null | undefined): Usage {
  return {
    inputTokens: usage?.prompt_tokens ?? 0,
    outputTokens: usage?.completion_tokens ?? 0,
    cacheReadTokens: usage?.prompt_tokens_details?.cached_tokens ?? 0,
    cacheWriteTokens: 0,
    reasoningTokens: usage?.completion_tokens_details?.reasoning_tokens ?? 0,
  };
}

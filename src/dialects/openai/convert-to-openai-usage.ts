import type { Usage } from '../../core/usage.js';

export interface OpenAIUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  prompt_tokens_details: { cached_tokens: number; audio_tokens: number };
  completion_tokens_details: {
    reasoning_tokens: number;
    audio_tokens: number;
    accepted_prediction_tokens: number;
    rejected_prediction_tokens: number;
  };
}

/**
 * Canonical usage → OpenAI's `usage`. Cache writes have no OpenAI field; they are already part of
 * `prompt_tokens`, as the canonical `inputTokens` includes them.
 *
 * @example
 * convertToOpenAIUsage({ ...emptyUsage(), inputTokens: 10, outputTokens: 5 }).total_tokens // 15
 */
export function convertToOpenAIUsage(usage: Usage): OpenAIUsage {
  return {
    prompt_tokens: usage.inputTokens,
    completion_tokens: usage.outputTokens,
    total_tokens: usage.inputTokens + usage.outputTokens,
    prompt_tokens_details: { cached_tokens: usage.cacheReadTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

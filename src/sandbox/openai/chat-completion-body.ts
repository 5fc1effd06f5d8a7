import type { GeneratedChoice } from '../engine/generate-chat.js';

export interface ChatUsage {
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

/** Everything one chat completion response is made of, before it is shaped as JSON or SSE. */
export interface ChatResult {
  id: string;
  created: number;
  /** The snapshot name, e.g. gpt-4o-2024-08-06. */
  model: string;
  fingerprint: string;
  choices: readonly GeneratedChoice[];
  usage: ChatUsage;
}

/** What a provider adds to the OpenAI shapes (Azure: content-filter annotations, no service_tier). */
export interface ChatDecoration {
  serviceTier: boolean;
  /** Top-level fields of the non-streamed body. */
  bodyFields(result: ChatResult): Record<string, unknown>;
  /** Fields of each non-streamed choice. */
  choiceFields(choice: GeneratedChoice): Record<string, unknown>;
  /** Pre-serialised fields (",\"k\":v" or '') inside streamed choices. */
  chunkChoiceFields(kind: 'role' | 'content' | 'finish', choice: GeneratedChoice): string;
  /** Whole SSE frames sent before the first chunk. */
  preamble(): string[];
}

export const OPENAI_DECORATION: ChatDecoration = {
  serviceTier: true,
  bodyFields: () => ({}),
  choiceFields: () => ({}),
  chunkChoiceFields: () => '',
  preamble: () => [],
};

export function buildChatUsage(
  promptTokens: number,
  cachedTokens: number,
  choices: readonly GeneratedChoice[],
): ChatUsage {
  let completion = 0;
  let reasoning = 0;
  for (const choice of choices) {
    completion += choice.completionTokens;
    reasoning += choice.reasoningTokens;
  }
  return {
    prompt_tokens: promptTokens,
    completion_tokens: completion,
    total_tokens: promptTokens + completion,
    prompt_tokens_details: { cached_tokens: cachedTokens, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: reasoning,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

function message(choice: GeneratedChoice): Record<string, unknown> {
  const base = { role: 'assistant', content: choice.text, refusal: null, annotations: [] };
  if (choice.toolCalls.length === 0) return base;
  return {
    ...base,
    tool_calls: choice.toolCalls.map((call) => ({
      id: call.id,
      type: 'function',
      function: { name: call.name, arguments: call.arguments },
    })),
  };
}

/** The non-streamed `chat.completion` object, field order as the real API sends it. */
export function buildChatCompletion(result: ChatResult, decoration: ChatDecoration): Record<string, unknown> {
  return {
    id: result.id,
    object: 'chat.completion',
    created: result.created,
    model: result.model,
    choices: result.choices.map((choice) => ({
      index: choice.index,
      message: message(choice),
      logprobs: null,
      finish_reason: choice.finishReason,
      ...decoration.choiceFields(choice),
    })),
    usage: result.usage,
    ...(decoration.serviceTier ? { service_tier: 'default' } : {}),
    system_fingerprint: result.fingerprint,
    ...decoration.bodyFields(result),
  };
}

import type { OpenAIChatOptions } from '../openai-compatible/convert-to-openai-chat-request.js';

/**
 * o-series and gpt-5 reasoning models (not the `gpt-5-chat` line), fine-tunes included.
 *
 * @example
 * isOpenAIReasoningModel('o3-mini'); // true
 * isOpenAIReasoningModel('gpt-4o'); // false
 */
export function isOpenAIReasoningModel(modelId: string): boolean {
  const base = modelId.startsWith('ft:') ? modelId.slice(3) : modelId;
  return /^(o\d|gpt-5)/.test(base) && !base.startsWith('gpt-5-chat');
}

/**
 * What one OpenAI model accepts. Reasoning models take `developer` instructions and reject the
 * sampling settings; the others reject `reasoning_effort`. OpenAI takes `max_completion_tokens`
 * for every model.
 *
 * @example
 * openAIChatOptions('o3-mini').systemRole; // 'developer'
 */
export function openAIChatOptions(modelId: string): OpenAIChatOptions {
  const reasoning = isOpenAIReasoningModel(modelId);
  return {
    providerType: 'openai',
    tokenCapField: 'max_completion_tokens',
    systemRole: reasoning ? 'developer' : 'system',
    supportsPdfFiles: true,
    unsupportedSettings: reasoning
      ? ['temperature', 'topP', 'topK', 'frequencyPenalty', 'presencePenalty']
      : ['topK', 'reasoningEffort'],
    topKField: undefined,
    streamUsage: true,
    metadataRequiresStore: true,
  };
}

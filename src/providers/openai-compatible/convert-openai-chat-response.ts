import type { ChatResult, ProviderMetadata, ResultPart } from '../../core/chat-result.js';
import type { Warning } from '../../core/warning.js';
import { convertOpenAIUsage } from './convert-openai-usage.js';
import { generateToolCallId } from './generate-tool-call-id.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { OpenAIChatResponse } from './openai-chat-api-schemas.js';

export interface ConvertOpenAIChatResponseOptions {
  /** The model id asked for, used when the response names none. */
  modelId: string;
  warnings: Warning[];
  providerMetadata: ProviderMetadata | undefined;
}

/**
 * Converts a non-streamed chat completion (first choice) to a `ChatResult`: reasoning
 * (`reasoning_content`/`reasoning`), then text (or the refusal), then tool calls.
 *
 * @example
 * const result = convertOpenAIChatResponse(response, { modelId: 'gpt-4o', warnings: [], providerMetadata: undefined });
 */
export function convertOpenAIChatResponse(
  response: OpenAIChatResponse,
  options: ConvertOpenAIChatResponseOptions,
): ChatResult {
  const choice = response.choices?.[0];
  const message = choice?.message;
  const content: ResultPart[] = [];
  const reasoning = message?.reasoning_content || message?.reasoning;
  if (reasoning) content.push({ type: 'reasoning', text: reasoning });
  const text = message?.content || message?.refusal;
  if (text) content.push({ type: 'text', text });
  const toolCalls = message?.tool_calls ?? [];
  for (const toolCall of toolCalls) {
    content.push({
      type: 'tool-call',
      toolCallId: toolCall.id || generateToolCallId(),
      toolName: toolCall.function.name ?? '',
      input: toolCall.function.arguments || '{}',
    });
  }
  return {
    content,
    finishReason: mapOpenAIFinishReason(choice?.finish_reason, toolCalls.length > 0),
    usage: convertOpenAIUsage(response.usage),
    warnings: options.warnings,
    modelId: response.model || options.modelId,
    ...(response.id ? { responseId: response.id } : {}),
    ...(options.providerMetadata === undefined ? {} : { providerMetadata: options.providerMetadata }),
  };
}

import type { ChatResult } from '../../core/chat-result.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { convertToOpenAIUsage } from './convert-to-openai-usage.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { WireFlavor } from './wire-flavor.js';
import { writeJson } from './write-json.js';

export interface OpenAIToolCall {
  id: string;
  type: 'function';
  function: { name: string; arguments: string };
}

/** `chatcmpl-<request id>`: the completion id doubles as the way to find the request's usage row. */
export function completionId(requestId: string): string {
  return `chatcmpl-${requestId.replaceAll('-', '')}`;
}

/** Seconds since the epoch when the request arrived, as OpenAI's `created`. */
export function createdSeconds(context: GatewayContext): number {
  return Math.floor(context.receivedAt / 1000);
}

/**
 * Builds an OpenAI `chat.completion` from a canonical result. Reasoning parts are dropped: OpenAI's
 * Chat Completions has no field for them (their token count is in `completion_tokens_details`).
 */
export function buildChatCompletion(result: ChatResult, context: GatewayContext, flavor: WireFlavor) {
  let text: string | null = null;
  const toolCalls: OpenAIToolCall[] = [];
  for (const part of result.content) {
    if (part.type === 'text') text = (text ?? '') + part.text;
    else if (part.type === 'tool-call') {
      toolCalls.push({
        id: part.toolCallId,
        type: 'function',
        function: { name: part.toolName, arguments: part.input },
      });
    }
  }
  const extra = flavor.completionFields?.(result);
  const message = {
    role: 'assistant' as const,
    content: text,
    refusal: null,
    ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}),
  };
  return {
    id: completionId(context.requestId),
    object: 'chat.completion' as const,
    created: createdSeconds(context),
    model: result.modelId,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: mapOpenAIFinishReason(result.finishReason, toolCalls.length > 0),
        ...extra?.choice,
      },
    ],
    usage: convertToOpenAIUsage(result.usage),
    ...extra?.completion,
  };
}

export function writeChatResponse(
  response: RawResponse,
  context: GatewayContext,
  result: ChatResult,
  flavor: WireFlavor,
) {
  writeJson(
    response,
    200,
    buildChatCompletion(result, context, flavor),
    flavor.requestIdHeaders(context.requestId),
  );
}

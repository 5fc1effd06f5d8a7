import type { ChatResult, ResultPart } from '../../core/chat-result.js';
import type { Usage } from '../../core/usage.js';
import type { GatewayContext } from '../../pipeline/gateway-context.js';
import type { RawResponse } from '../dialect-writer.js';
import { writeJson } from '../openai/write-json.js';
import { convertToBedrockUsage } from './convert-to-bedrock-usage.js';
import { mapBedrockStopReason, toAnthropicStopReason } from './map-bedrock-stop-reason.js';
import { latencyMs, parseToolInput } from './write-converse-response.js';

/** `msg_bdrk_<request id>`: Bedrock's style of Anthropic message id, and the key to the usage row. */
export function anthropicMessageId(context: GatewayContext): string {
  return `msg_bdrk_${context.requestId.replaceAll('-', '')}`;
}

/** Anthropic usage: `input_tokens` excludes cache reads and writes, which have their own fields. */
export function toAnthropicUsage(usage: Usage) {
  const bedrock = convertToBedrockUsage(usage);
  return {
    input_tokens: bedrock.inputTokens,
    output_tokens: bedrock.outputTokens,
    cache_creation_input_tokens: bedrock.cacheWriteInputTokens,
    cache_read_input_tokens: bedrock.cacheReadInputTokens,
  };
}

function toAnthropicBlock(part: ResultPart): Record<string, unknown> {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'tool-call':
      return {
        type: 'tool_use',
        id: part.toolCallId,
        name: part.toolName,
        input: parseToolInput(part.input),
      };
    case 'reasoning':
      if (part.redactedData !== undefined) return { type: 'redacted_thinking', data: part.redactedData };
      return { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
  }
}

/** The Anthropic Messages response body InvokeModel returns for Claude models. */
export function buildInvokeResponse(result: ChatResult, context: GatewayContext) {
  const hasToolCalls = result.content.some((part) => part.type === 'tool-call');
  return {
    id: anthropicMessageId(context),
    type: 'message',
    role: 'assistant',
    model: result.modelId,
    content: result.content.map(toAnthropicBlock),
    stop_reason: toAnthropicStopReason(mapBedrockStopReason(result.finishReason, hasToolCalls)),
    stop_sequence: null,
    usage: toAnthropicUsage(result.usage),
  };
}

/**
 * InvokeModel's response: the model-native body plus Bedrock's token-count and latency headers.
 *
 * @example
 * writeInvokeResponse(response, context, result); // 200, x-amzn-bedrock-input-token-count: …
 */
export function writeInvokeResponse(
  response: RawResponse,
  context: GatewayContext,
  result: ChatResult,
): void {
  const usage = convertToBedrockUsage(result.usage);
  writeJson(response, 200, buildInvokeResponse(result, context), {
    'x-amzn-requestid': context.requestId,
    'x-amzn-bedrock-input-token-count': String(usage.inputTokens),
    'x-amzn-bedrock-output-token-count': String(usage.outputTokens),
    'x-amzn-bedrock-invocation-latency': String(latencyMs(context)),
  });
}

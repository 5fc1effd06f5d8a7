import type { ChatResult, ResultPart } from '../../core/chat-result.js';
import type { Warning } from '../../core/warning.js';
import type { AnthropicMessage } from './anthropic-api-schemas.js';
import { anthropicCacheMetadata, convertAnthropicUsage } from './convert-anthropic-usage.js';
import { type JsonToolEmulation, readJsonToolInput } from './emulate-json-response.js';
import { mapAnthropicStopReason } from './map-anthropic-stop-reason.js';

export interface ConvertResponseOptions {
  modelId: string;
  warnings: Warning[];
  jsonTool: JsonToolEmulation | undefined;
}

/**
 * Converts a Messages API `Message` into a canonical result: text, thinking (with its signature),
 * redacted thinking and tool calls in order; the JSON-emulation tool's input becomes text.
 * Server-tool blocks (web search …) have no canonical part and are left out.
 *
 * @example convertAnthropicResponse(message, { modelId, warnings: [], jsonTool: undefined }).content
 */
export function convertAnthropicResponse(
  message: AnthropicMessage,
  options: ConvertResponseOptions,
): ChatResult {
  const content: ResultPart[] = [];
  let toolCalls = 0;
  for (const block of message.content) {
    switch (block.type) {
      case 'text':
        content.push({ type: 'text', text: block.text ?? '' });
        break;
      case 'thinking':
        content.push({
          type: 'reasoning',
          text: block.thinking ?? '',
          ...(block.signature ? { signature: block.signature } : {}),
        });
        break;
      case 'redacted_thinking':
        content.push({ type: 'reasoning', text: '', redactedData: block.data ?? '' });
        break;
      case 'tool_use':
        if (options.jsonTool !== undefined && block.name === options.jsonTool.name) {
          content.push({ type: 'text', text: readJsonToolInput(block.input, options.jsonTool) });
        } else {
          toolCalls++;
          content.push({
            type: 'tool-call',
            toolCallId: block.id ?? '',
            toolName: block.name ?? '',
            input: JSON.stringify(block.input ?? {}),
          });
        }
        break;
    }
  }
  const metadata = {
    ...anthropicCacheMetadata(message.usage),
    ...(message.stop_sequence ? { stopSequence: message.stop_sequence } : {}),
  };
  return {
    content,
    finishReason: mapAnthropicStopReason(
      message.stop_reason,
      options.jsonTool !== undefined && toolCalls === 0,
    ),
    usage: convertAnthropicUsage(message.usage),
    warnings: options.warnings,
    modelId: message.model || options.modelId,
    ...(message.id ? { responseId: message.id } : {}),
    ...(Object.keys(metadata).length > 0 ? { providerMetadata: { anthropic: metadata } } : {}),
  };
}

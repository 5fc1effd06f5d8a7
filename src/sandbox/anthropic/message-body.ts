import type { PromptCacheUsage } from './anthropic-prompt-cache.js';
import type { GeneratedBlock, GeneratedMessage } from './generate-message.js';

/** Everything the JSON body and the SSE frames are built from. */
export interface MessageResult {
  id: string;
  model: string;
  message: GeneratedMessage;
  usage: MessageUsage;
}

export interface MessageUsage {
  input_tokens: number;
  cache_creation_input_tokens: number;
  cache_read_input_tokens: number;
  cache_creation: { ephemeral_5m_input_tokens: number; ephemeral_1h_input_tokens: number };
  output_tokens: number;
  service_tier: 'standard';
  server_tool_use: null;
  output_tokens_details: { thinking_tokens: number } | null;
}

/**
 * Usage as the API reports it: `input_tokens` excludes what was read from or written to the cache.
 * @example buildMessageUsage(1800, { readTokens: 1500, writeTokens5m: 0, writeTokens1h: 0 }, message).input_tokens // 300
 */
export function buildMessageUsage(
  promptTokens: number,
  cache: PromptCacheUsage,
  message: GeneratedMessage,
): MessageUsage {
  const written = cache.writeTokens5m + cache.writeTokens1h;
  return {
    input_tokens: promptTokens - cache.readTokens - written,
    cache_creation_input_tokens: written,
    cache_read_input_tokens: cache.readTokens,
    cache_creation: {
      ephemeral_5m_input_tokens: cache.writeTokens5m,
      ephemeral_1h_input_tokens: cache.writeTokens1h,
    },
    output_tokens: message.outputTokens,
    service_tier: 'standard',
    server_tool_use: null,
    output_tokens_details: message.thinkingTokens > 0 ? { thinking_tokens: message.thinkingTokens } : null,
  };
}

/** The block as a finished message carries it (no token bookkeeping). */
export function blockJson(block: GeneratedBlock): Record<string, unknown> {
  switch (block.type) {
    case 'text':
      return { type: 'text', text: block.text, citations: null };
    case 'thinking':
      return { type: 'thinking', thinking: block.thinking, signature: block.signature };
    case 'redacted_thinking':
      return { type: 'redacted_thinking', data: block.data };
    case 'tool_use':
      return { type: 'tool_use', id: block.id, name: block.name, input: block.input };
  }
}

/** `stop_details` explains refusals; it is null otherwise. */
export function stopDetails(message: GeneratedMessage): Record<string, unknown> | null {
  return message.stopReason === 'refusal' ? { type: 'refusal', category: null, explanation: null } : null;
}

/**
 * The non-streamed `Message` body.
 * @example JSON.stringify(buildMessageBody(result))
 */
export function buildMessageBody(result: MessageResult): Record<string, unknown> {
  return {
    id: result.id,
    type: 'message',
    role: 'assistant',
    model: result.model,
    content: result.message.blocks.map(blockJson),
    stop_reason: result.message.stopReason,
    stop_sequence: result.message.stopSequence,
    stop_details: stopDetails(result.message),
    usage: result.usage,
  };
}

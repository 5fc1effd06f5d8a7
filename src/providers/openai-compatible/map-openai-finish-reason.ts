import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.js';

/**
 * Maps a Chat Completions `finish_reason` to the unified value. Servers such as Ollama report `stop`
 * when the model called tools, so `hasToolCalls` upgrades `stop` to `tool-calls`.
 *
 * @example
 * mapOpenAIFinishReason('content_filter', false); // { unified: 'content-filter', raw: 'content_filter' }
 */
export function mapOpenAIFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  return { unified: unifiedFinishReason(raw ?? undefined, hasToolCalls), raw: raw ?? undefined };
}

function unifiedFinishReason(raw: string | undefined, hasToolCalls: boolean): UnifiedFinishReason {
  switch (raw) {
    case 'stop':
      return hasToolCalls ? 'tool-calls' : 'stop';
    case 'length':
      return 'length';
    case 'tool_calls':
    case 'function_call':
      return 'tool-calls';
    case 'content_filter':
      return 'content-filter';
    case 'error':
      return 'error';
    default:
      return hasToolCalls ? 'tool-calls' : 'other';
  }
}

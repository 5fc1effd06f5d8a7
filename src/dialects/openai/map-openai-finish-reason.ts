import type { FinishReason } from '../../core/finish-reason.js';

export type OpenAIFinishReason = 'stop' | 'length' | 'tool_calls' | 'content_filter';

/**
 * Maps the unified finish reason to OpenAI's. `error` and `other` have no OpenAI value and become
 * `stop` (the SDK's type has no other member; an error mid-stream is reported as an error event
 * instead). A result holding tool calls always finishes with `tool_calls`, whatever the provider
 * said, because agent loops branch on it.
 *
 * @example
 * mapOpenAIFinishReason({ unified: 'tool-calls', raw: 'tool_use' }, true) // 'tool_calls'
 */
export function mapOpenAIFinishReason(finishReason: FinishReason, hasToolCalls: boolean): OpenAIFinishReason {
  switch (finishReason.unified) {
    case 'length':
      return 'length';
    case 'content-filter':
      return 'content_filter';
    case 'tool-calls':
      return 'tool_calls';
    default:
      return hasToolCalls ? 'tool_calls' : 'stop';
  }
}

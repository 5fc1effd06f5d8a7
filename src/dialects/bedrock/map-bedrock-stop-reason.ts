import type { FinishReason } from '../../core/finish-reason.js';

/** Converse `stopReason` values (botocore StopReason). */
const BEDROCK_STOP_REASONS = new Set([
  'end_turn',
  'tool_use',
  'max_tokens',
  'stop_sequence',
  'guardrail_intervened',
  'content_filtered',
  'malformed_model_output',
  'malformed_tool_use',
  'model_context_window_exceeded',
]);

/**
 * A canonical finish reason as Converse's `stopReason`. A Bedrock or Anthropic upstream's raw value
 * passes through when it is a Converse value; otherwise the unified reason decides. `stop` with
 * tool calls in the output is `tool_use`, as some OpenAI-compatible servers say `stop` there.
 *
 * @example
 * mapBedrockStopReason({ unified: 'length', raw: 'length' }, false) // 'max_tokens'
 */
export function mapBedrockStopReason(finishReason: FinishReason, hasToolCalls: boolean): string {
  if (finishReason.raw !== undefined && BEDROCK_STOP_REASONS.has(finishReason.raw)) return finishReason.raw;
  switch (finishReason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'content_filtered';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}

/**
 * Anthropic's `stop_reason` (InvokeModel bodies) for a Converse stop reason.
 *
 * @example
 * toAnthropicStopReason('guardrail_intervened') // 'refusal'
 */
export function toAnthropicStopReason(stopReason: string): string {
  if (stopReason === 'guardrail_intervened' || stopReason === 'content_filtered') return 'refusal';
  if (['end_turn', 'tool_use', 'max_tokens', 'stop_sequence'].includes(stopReason)) return stopReason;
  return 'end_turn';
}

import type { FinishReason } from '../../core/finish-reason.js';

/**
 * Maps a Messages `stop_reason`. A `tool_use` stop that only called the tool emulating
 * `responseFormat` is a normal stop: the caller asked for JSON, not for a tool call.
 *
 * @example mapAnthropicStopReason('refusal') // { unified: 'content-filter', raw: 'refusal' }
 */
export function mapAnthropicStopReason(
  stopReason: string | null | undefined,
  answeredWithJsonTool = false,
): FinishReason {
  const raw = stopReason ?? undefined;
  switch (stopReason) {
    case 'end_turn':
    case 'stop_sequence':
    case 'pause_turn':
      return { unified: 'stop', raw };
    case 'tool_use':
      return { unified: answeredWithJsonTool ? 'stop' : 'tool-calls', raw };
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return { unified: 'length', raw };
    case 'refusal':
      return { unified: 'content-filter', raw };
    default:
      return { unified: 'other', raw };
  }
}

import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.js';

/**
 * Maps a Converse `stopReason` to the unified value. `usedJsonResponseTool` is set when the tool
 * call was the gateway's own JSON-mode emulation: for the caller that is a finished text answer.
 *
 * @example
 * mapBedrockStopReason('guardrail_intervened'); // { unified: 'content-filter', raw: 'guardrail_intervened' }
 */
export function mapBedrockStopReason(
  raw: string | null | undefined,
  usedJsonResponseTool = false,
): FinishReason {
  return { unified: unifiedStopReason(raw ?? undefined, usedJsonResponseTool), raw: raw ?? undefined };
}

function unifiedStopReason(raw: string | undefined, usedJsonResponseTool: boolean): UnifiedFinishReason {
  switch (raw) {
    case 'end_turn':
    case 'stop_sequence':
      return 'stop';
    case 'max_tokens':
    case 'model_context_window_exceeded':
      return 'length';
    case 'tool_use':
      return usedJsonResponseTool ? 'stop' : 'tool-calls';
    case 'guardrail_intervened':
    case 'content_filtered':
      return 'content-filter';
    case 'malformed_model_output':
    case 'malformed_tool_use':
      return 'error';
    default:
      return 'other';
  }
}

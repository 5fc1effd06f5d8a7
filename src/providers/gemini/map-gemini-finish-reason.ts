import type { FinishReason, UnifiedFinishReason } from '../../core/finish-reason.js';

const CONTENT_FILTER = new Set([
  'SAFETY',
  'RECITATION',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
]);
// The model tried to call a tool and produced something unusable: the answer is not a normal stop.
const TOOL_ERRORS = new Set(['MALFORMED_FUNCTION_CALL', 'UNEXPECTED_TOOL_CALL', 'TOO_MANY_TOOL_CALLS']);

/**
 * Maps a candidate's `finishReason`. Gemini has no tool-specific reason: a function call ends with
 * `STOP`, so `hasToolCalls` turns that into `tool-calls`.
 *
 * @example
 * mapGeminiFinishReason('STOP', true); // { unified: 'tool-calls', raw: 'STOP' }
 * mapGeminiFinishReason('SAFETY', false); // { unified: 'content-filter', raw: 'SAFETY' }
 */
export function mapGeminiFinishReason(raw: string | null | undefined, hasToolCalls: boolean): FinishReason {
  return { unified: unify(raw ?? undefined, hasToolCalls), raw: raw ?? undefined };
}

function unify(raw: string | undefined, hasToolCalls: boolean): UnifiedFinishReason {
  if (raw === 'STOP') return hasToolCalls ? 'tool-calls' : 'stop';
  if (raw === 'MAX_TOKENS') return 'length';
  if (raw !== undefined && CONTENT_FILTER.has(raw)) return 'content-filter';
  if (raw !== undefined && TOOL_ERRORS.has(raw)) return 'error';
  return hasToolCalls ? 'tool-calls' : 'other';
}

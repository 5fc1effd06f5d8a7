import type { FinishReason } from '../../core/finish-reason.js';

/** Gemini's own finish reasons, passed through when a Google target reported one. */
const GEMINI_FINISH_REASONS = new Set([
  'STOP',
  'MAX_TOKENS',
  'SAFETY',
  'RECITATION',
  'LANGUAGE',
  'OTHER',
  'BLOCKLIST',
  'PROHIBITED_CONTENT',
  'SPII',
  'MALFORMED_FUNCTION_CALL',
  'IMAGE_SAFETY',
  'IMAGE_PROHIBITED_CONTENT',
  'IMAGE_RECITATION',
  'IMAGE_OTHER',
  'NO_IMAGE',
  'UNEXPECTED_TOOL_CALL',
  'TOO_MANY_TOOL_CALLS',
  'MISSING_THOUGHT_SIGNATURE',
]);

/**
 * The Gemini `finishReason` for a canonical one: the raw value when it already is a Gemini reason,
 * else by unified value — tool calls finish with `STOP` (Gemini has no tool-specific reason),
 * content filtering with `SAFETY`, errors and the rest with `OTHER`.
 *
 * @example
 * mapGeminiFinishReason({ unified: 'tool-calls', raw: 'tool_calls' }) // 'STOP'
 */
export function mapGeminiFinishReason(reason: FinishReason): string {
  if (reason.raw !== undefined && GEMINI_FINISH_REASONS.has(reason.raw)) return reason.raw;
  switch (reason.unified) {
    case 'stop':
    case 'tool-calls':
      return 'STOP';
    case 'length':
      return 'MAX_TOKENS';
    case 'content-filter':
      return 'SAFETY';
    default:
      return 'OTHER';
  }
}

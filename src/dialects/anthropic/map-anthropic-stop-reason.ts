import type { ProviderMetadata } from '../../core/chat-result.js';
import type { FinishReason } from '../../core/finish-reason.js';

export type AnthropicStopReason =
  | 'end_turn'
  | 'max_tokens'
  | 'stop_sequence'
  | 'tool_use'
  | 'pause_turn'
  | 'refusal'
  | 'model_context_window_exceeded';

const NATIVE_REASONS: ReadonlySet<string> = new Set<AnthropicStopReason>([
  'end_turn',
  'max_tokens',
  'stop_sequence',
  'tool_use',
  'pause_turn',
  'refusal',
  'model_context_window_exceeded',
]);

function isNative(raw: string | undefined): raw is AnthropicStopReason {
  return raw !== undefined && NATIVE_REASONS.has(raw);
}

/**
 * Maps a finish reason to Anthropic's `stop_reason`. A raw value that already is one (Anthropic,
 * Bedrock Claude) is kept, so `stop_sequence` and `pause_turn` survive; otherwise the unified value
 * decides, and a content filter becomes `refusal`. A result holding tool calls that simply stopped
 * reports `tool_use`, because agent loops branch on it.
 *
 * @example
 * mapAnthropicStopReason({ unified: 'content-filter', raw: 'content_filter' }, false) // 'refusal'
 */
export function mapAnthropicStopReason(
  finishReason: FinishReason,
  hasToolCalls: boolean,
): AnthropicStopReason {
  const raw = finishReason.raw;
  if (isNative(raw)) return raw === 'end_turn' && hasToolCalls ? 'tool_use' : raw;
  switch (finishReason.unified) {
    case 'length':
      return 'max_tokens';
    case 'tool-calls':
      return 'tool_use';
    case 'content-filter':
      return 'refusal';
    default:
      return hasToolCalls ? 'tool_use' : 'end_turn';
  }
}

/**
 * The stop sequence that ended generation, for `stop_reason: 'stop_sequence'`: a provider reports it
 * as `providerMetadata.<provider>.stopSequence`; with exactly one configured sequence it can only be
 * that one. Otherwise null (the canonical finish reason does not carry it).
 */
export function findStopSequence(
  stopReason: AnthropicStopReason,
  metadata: ProviderMetadata | undefined,
  stopSequences: readonly string[] | undefined,
): string | null {
  if (stopReason !== 'stop_sequence') return null;
  for (const entry of Object.values(metadata ?? {})) {
    const reported = entry['stopSequence'];
    if (typeof reported === 'string') return reported;
  }
  return stopSequences?.length === 1 ? (stopSequences[0] ?? null) : null;
}

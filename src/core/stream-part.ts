import type { ProviderMetadata } from './chat-result.js';
import type { FinishReason } from './finish-reason.js';
import type { GatewayError } from './gateway-error.js';
import type { Usage } from './usage.js';
import type { Warning } from './warning.js';

/**
 * One event of a canonical stream. Streams are async iterables of these end to end; a provider
 * emits them as the upstream produces bytes, and a dialect writes each as soon as it arrives.
 * Blocks (text, reasoning, tool input) are bracketed by `-start`/`-end` parts sharing an `id`.
 */
export type StreamPart =
  | { type: 'stream-start'; warnings: Warning[]; modelId?: string; responseId?: string }
  | { type: 'text-start'; id: string }
  | { type: 'text-delta'; id: string; delta: string }
  | { type: 'text-end'; id: string }
  | { type: 'reasoning-start'; id: string }
  | { type: 'reasoning-delta'; id: string; delta: string }
  | { type: 'reasoning-end'; id: string; signature?: string }
  /** For tool input, `id` is the tool call id. */
  | { type: 'tool-input-start'; id: string; toolName: string }
  | { type: 'tool-input-delta'; id: string; delta: string }
  | { type: 'tool-input-end'; id: string }
  | { type: 'tool-call'; toolCallId: string; toolName: string; input: string }
  | { type: 'metadata'; providerMetadata: ProviderMetadata }
  | { type: 'finish'; usage: Usage; finishReason: FinishReason; providerMetadata?: ProviderMetadata }
  | { type: 'error'; error: GatewayError };

export type StreamPartType = StreamPart['type'];

import type { ReasoningPart, TextPart, ToolCallPart } from './chat-request.js';
import type { FinishReason } from './finish-reason.js';
import type { Usage } from './usage.js';
import type { Warning } from './warning.js';

export type ResultPart = TextPart | ReasoningPart | ToolCallPart;

/**
 * The outcome of a non-streaming generation, in provider-neutral form.
 * `providerMetadata` keeps native detail a dialect may want to echo (Azure content-filter results,
 * Bedrock guardrail traces), keyed by provider type.
 */
export interface ChatResult {
  content: ResultPart[];
  finishReason: FinishReason;
  usage: Usage;
  warnings: Warning[];
  /** The upstream model id that served the request, e.g. `gpt-4o-2024-08-06`. */
  modelId: string;
  responseId?: string;
  providerMetadata?: ProviderMetadata;
}

export type ProviderMetadata = Record<string, Record<string, unknown>>;

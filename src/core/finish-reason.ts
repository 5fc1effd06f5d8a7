/** Why generation stopped: a unified value every dialect can express, plus the provider's raw value. */
export type UnifiedFinishReason = 'stop' | 'length' | 'tool-calls' | 'content-filter' | 'error' | 'other';

export interface FinishReason {
  unified: UnifiedFinishReason;
  /** The upstream's own value, e.g. `end_turn`, `guardrail_intervened`, `SAFETY`. */
  raw: string | undefined;
}

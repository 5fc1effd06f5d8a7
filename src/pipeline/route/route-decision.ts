import { estimateTokens, type PromptMeasure } from '../../routing/measure-prompt.js';
import type { Target } from './model-registry.js';

/** What the route stage measured and decided, handed to the call stage on the context. */
export interface RouteDecision {
  measure: PromptMeasure;
  /** The exact o200k prompt count, when the context-window check needed one. */
  exactO200kTokens?: number;
  /** Output tokens reserved and priced: the request's cap, or `routing.capacity.defaultOutputTokens`. */
  outputTokens: number;
  /** The residency rules in effect (key and model), for messages. */
  residency?: readonly string[];
  /** Deployments of the model the residency rules took out. */
  residencyExcluded: number;
}

/**
 * The prompt tokens to reserve and price on a target: the exact count when known for an OpenAI
 * tokenizer, otherwise the quick estimate for the target's vendor.
 */
export function inputTokensFor(decision: RouteDecision, target: Target): number {
  if (target.tokenizer === 'o200k' && decision.exactO200kTokens !== undefined) {
    return decision.exactO200kTokens;
  }
  return estimateTokens(decision.measure, target.tokenizer);
}
